"""Open data: the read-only API, the feeds, sitemap.xml and robots.txt."""

import sqlite3
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape
from taggit.models import Tag
from wagtail.models import PageViewRestriction

from cases.models import CasePage
from cases.taxonomy import Theme
from tests.conftest import SEED_SLUGS

pytestmark = pytest.mark.django_db

API = "/api/v2/pages/"
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def api_slugs(client, **params):
    response = client.get(API, params)
    assert response.status_code == 200, response.content
    return {item["meta"]["slug"] for item in response.json()["items"]}


def rss_items(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    return ET.fromstring(response.content).findall("channel/item")


def sitemap_locations(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    return [loc.text for loc in ET.fromstring(response.content).iter(f"{SITEMAP}loc")]


def hidden_by_unpublishing(seed_case):
    case = seed_case("xingshan-lianghui-liangping")
    case.unpublish()
    return case


def hidden_by_password(seed_case):
    case = seed_case("xingshan-lianghui-liangping")
    PageViewRestriction.objects.create(page=case, restriction_type=PageViewRestriction.PASSWORD, password="x")
    return case


# --- API: fields ---------------------------------------------------------------------------


def test_listing_holds_every_live_case_with_its_structured_fields(client):
    body = client.get(API).json()
    assert body["meta"] == {"total_count": 6, "messages": []}
    assert {item["meta"]["slug"] for item in body["items"]} == set(SEED_SLUGS)
    item = next(item for item in body["items"] if item["meta"]["slug"] == "zhucheng-chengxiang-lianjian")
    assert item["region"]["province"] == {"name": "山东省", "slug": "山东省"}
    assert item["domain"] == {"name": "城乡结合", "slug": "城乡结合"}
    assert {"name": "组织设置创新", "slug": "组织设置创新"} in item["themes"]
    assert item["url"] == "http://testserver/cases/zhucheng-chengxiang-lianjian/"


def test_detail_gives_names_not_ids(client, seed_case):
    case = seed_case("wuchang-1-3")
    response = client.get(f"{API}{case.pk}/")
    assert response.status_code == 200
    data = response.json()
    assert data["title"] == case.title and data["model_name"] == "1+3模式"
    assert data["summary"] == case.summary
    assert data["place"] == "黑龙江省哈尔滨市五常市"
    assert data["region"] == {
        "name": "五常市",
        "slug": "五常市",
        "level": "县",
        "full_name": "黑龙江省哈尔滨市五常市",
        "province": {"name": "黑龙江省", "slug": "黑龙江省"},
    }
    assert data["unit_level"] == "县"
    assert (data["year_started"], data["year_reported"], data["years"]) == (2007, 2011, "2007—2011年")
    assert data["domain"]["name"] == case.domain.name
    assert [term["name"] for term in data["themes"]] == [term.name for term in case.themes.all()]
    assert [term["name"] for term in data["problems"]] == [term.name for term in case.problems.all()]
    assert {tag["name"] for tag in data["tags"]} == {tag.name for tag in case.tags.all()}
    assert data["key_figures"] == [
        {"label": figure.label, "value": figure.value, "unit": figure.unit, "year": figure.year, "note": figure.note}
        for figure in case.key_figures.all()
    ]
    assert data["key_figures"], "the seed case has key figures"
    assert data["source"] == {
        "title": case.source_title,
        "publisher": case.source_publisher,
        "author": case.source_author,
        "date": case.source_date,
        "url": case.source_url,
        "file": case.source_file,
        "complete": case.source_complete,
        "note": case.source_note,
    }
    assert data["url"] == "http://testserver/cases/wuchang-1-3/"
    assert data["meta"]["type"] == "cases.CasePage"


def test_tags_are_listed_by_name_in_listings_and_detail(client, seed_case):
    case = seed_case("wuchang-1-3")
    case.tags.add("乙标签", "甲标签", "丙标签")
    case.save_revision().publish()
    detail = [tag["name"] for tag in client.get(f"{API}{case.pk}/").json()["tags"]]
    listing = next(
        item for item in client.get(API, {"fields": "tags", "limit": 20}).json()["items"] if item["id"] == case.pk
    )
    assert detail == sorted(detail) and [tag["name"] for tag in listing["tags"]] == detail
    assert {"甲标签", "乙标签", "丙标签"} <= set(detail)


def test_fields_kept_for_reviewers_are_not_published(client, seed_case):
    data = client.get(f"{API}{seed_case('wuchang-1-3').pk}/", {"fields": "*"}).json()
    assert "source_text" not in data and "featured" not in data
    assert client.get(API, {"fields": "source_text"}).status_code == 400
    assert client.get(API, {"source_text": "党"}).status_code == 400


def test_json_is_readable_chinese(client):
    assert "五常市".encode() in client.get(API).content


def test_only_cases_are_served(client, case_index):
    assert client.get(f"{API}{case_index.pk}/").status_code == 404
    assert client.get(API, {"type": "cases.CasePage"}).json()["meta"]["total_count"] == 6
    response = client.get(API, {"type": "wagtailcore.Page"})
    assert response.status_code == 400 and "cases.CasePage" in response.json()["message"]


def test_images_and_documents_endpoints_are_off(client):
    assert client.get("/api/v2/images/").status_code == 404
    assert client.get("/api/v2/documents/").status_code == 404


def test_api_is_read_only(client, seed_case):
    case = seed_case("wuchang-1-3")
    assert client.post(API, {"title": "x"}).status_code == 405
    assert client.delete(f"{API}{case.pk}/").status_code == 405


# --- API: filters and search ----------------------------------------------------------------


def tag_slug(name):
    return Tag.objects.get(name=name).slug


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"region": "山东省"}, {"zhucheng-chengxiang-lianjian"}),
        ({"region": "商南县"}, {"shangnan-gongjian-gongfu"}),
        ({"theme": "农村社区建设"}, {"sunan-nongcun-shequ"}),
        ({"problem": "集体经济薄弱"}, {"xingshan-lianghui-liangping", "zhucheng-chengxiang-lianjian"}),
        ({"domain": "城乡结合"}, {"shangnan-gongjian-gongfu", "zhucheng-chengxiang-lianjian"}),
        ({"tag": "农民专业合作社"}, {"wuchang-1-3", "wengyuan-dangyuan-chuangye"}),
        ({"year": "2009"}, {"xingshan-lianghui-liangping", "wuchang-1-3"}),
        ({"year": "2005"}, {"sunan-nongcun-shequ"}),
        ({"region": "湖北省", "theme": "服务群众"}, {"xingshan-lianghui-liangping"}),
        ({"slug": "wuchang-1-3"}, {"wuchang-1-3"}),
    ],
)
def test_filters_pick_the_right_cases(client, params, expected):
    if "tag" in params:
        params = {**params, "tag": tag_slug(params["tag"])}
    assert api_slugs(client, **params) == expected


@pytest.mark.parametrize(
    "name, relation",
    [
        ("theme", "themes"),
        ("problem", "problems"),
        ("domain", "domain"),
        ("tag", "tags"),
    ],
)
def test_every_term_filter_agrees_with_the_database(client, name, relation):
    model = CasePage._meta.get_field(relation).related_model
    for term in model.objects.all():
        expected = set(CasePage.objects.live().filter(**{relation: term}).values_list("slug", flat=True))
        assert api_slugs(client, **{name: term.slug}) == expected, term.name


def test_province_filter_takes_the_whole_subtree(client):
    for slug in SEED_SLUGS:
        province = CasePage.objects.get(slug=slug).region.province
        assert slug in api_slugs(client, region=province.slug)


def test_unknown_filter_values_are_ignored_with_a_message(client):
    body = client.get(API, {"region": "火星", "year": "公元"}).json()
    assert body["meta"]["total_count"] == 6
    assert any("火星" in message for message in body["meta"]["messages"])
    assert any("年份" in message for message in body["meta"]["messages"])


@pytest.mark.parametrize("query", ["两会两评", "兩會兩評"])
def test_search_goes_through_the_chinese_pipeline(client, query):
    items = client.get(API, {"search": query}).json()["items"]
    assert [item["meta"]["slug"] for item in items] == ["xingshan-lianghui-liangping"]


def test_search_ranks_like_the_site_search_and_combines_with_filters(client):
    site = client.get("/search/", {"q": "党建", "format": "json"}).json()
    api = client.get(API, {"search": "党建", "limit": 20}).json()
    assert [item["meta"]["slug"] for item in api["items"]] == [hit["slug"] for hit in site["results"]]
    assert api_slugs(client, search="党建", region="山东省") == {"zhucheng-chengxiang-lianjian"}
    assert api_slugs(client, search="火星基地") == set()


def test_search_pages_follow_the_site_search_order(client):
    site = [hit["slug"] for hit in client.get("/search/", {"q": "党员", "format": "json"}).json()["results"]]
    assert len(site) >= 4
    for offset, limit in ((0, 2), (2, 2), (1, 3), (3, 20)):
        page = client.get(API, {"search": "党员", "offset": offset, "limit": limit}).json()
        assert [item["meta"]["slug"] for item in page["items"]] == site[offset : offset + limit]
        assert page["meta"]["total_count"] == len(site)


def test_a_search_matching_more_cases_than_the_database_binds_parameters(client):
    """The matches reach the database as one parameter, not one each: at 100,000 matches a
    list passed one per pk exceeded SQLite's 32,766 variables (here the limit is made 12)."""
    from tests.search.test_search_page import publish_case

    for number in range(20):
        publish_case(f"参数上限测试{number}号", "村里推行网格员制度。", year_reported=2000 + number)
    site = [
        hit["slug"]
        for page in (1, 2)
        for hit in client.get("/search/", {"q": "网格员", "page": page, "format": "json"}).json()["results"]
    ]
    assert len(site) == 20
    limit_variables = connection.vendor == "sqlite"
    if limit_variables:
        raw = connection.connection
        before = raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        raw.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 12)
    try:
        for offset, limit in ((0, 2), (9, 3), (18, 5)):
            response = client.get(API, {"search": "网格员", "offset": offset, "limit": limit})
            assert response.status_code == 200, response.content
            assert [item["meta"]["slug"] for item in response.json()["items"]] == site[offset : offset + limit]
            assert response.json()["meta"]["total_count"] == 20
    finally:
        if limit_variables:
            raw.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, before)


@pytest.mark.parametrize("params", [{}, {"search": "党建"}])
def test_listing_query_count_does_not_grow_with_results(client, params):
    client.get(API, params)  # warm caches (site root paths, content types, search catalogue)
    counts = []
    for limit in (2, 6):
        with CaptureQueriesContext(connection) as queries:
            assert len(client.get(API, {**params, "limit": limit}).json()["items"]) == limit
        # Relevance is asked of the index once for each ranking tier the page reaches (at most 8).
        ranking = [query for query in queries if "bm25(" in query["sql"] or "ts_rank(" in query["sql"]]
        assert len(ranking) <= 8
        counts.append(len(queries) - len(ranking))
    assert counts[0] == counts[1], counts


# --- unpublished content never appears -------------------------------------------------------


@pytest.mark.parametrize("hide", [hidden_by_unpublishing, hidden_by_password])
def test_hidden_case_disappears_everywhere(client, seed_case, hide):
    case = hide(seed_case)
    assert case.slug not in api_slugs(client)
    assert case.slug not in api_slugs(client, search="两会两评")
    response = client.get(f"{API}{case.pk}/")
    assert response.status_code == 404 and "没有这个案例" in response.json()["message"]
    for url in ("/feeds/cases/", "/feeds/themes/服务群众/"):
        assert case.title not in client.get(url).content.decode()
    assert case.title not in client.get("/feeds/cases/atom/").content.decode()
    assert not any(case.slug in location for location in sitemap_locations(client))


def test_draft_changes_of_a_live_case_stay_private(client, seed_case):
    case = seed_case("wuchang-1-3")
    case.title = "草稿中的新标题"
    case.save_revision()
    assert "草稿中的新标题" not in client.get(API).content.decode()
    assert "草稿中的新标题" not in client.get(f"{API}{case.pk}/").content.decode()
    assert "草稿中的新标题" not in client.get("/feeds/cases/").content.decode()


# --- hostile parameters -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {"search": "党" * 10_000},
        {"search": "\x00"},
        {"region": "\x00"},
        {"theme": "a\x1fb"},
        {"region": "<script>alert(1)</script>"},
        {"tag": "x" * 5000},
        {"year": "9" * 40},
        {"year_started": "9" * 40},
        {"year_started": "abc"},
        {"id": "9" * 40},
        {"first_published_at": "明天"},
        {"title": "x" * 5000},
        {"source_complete": "maybe"},
        {"themes": "1"},
        {"key_figures": "1"},
        {"foo": "bar"},
        {"<script>": "1"},
        {"search_operator": "or"},
        {"fields": "nope"},
        {"fields": "title(x)"},
        {"fields": "*"},
        {"fields": "_,title,region"},
        {"order": "nope"},
        {"order": "-year_reported,title"},
        {"order": "random"},
        {"order": "random", "offset": "1"},
        {"limit": "abc"},
        {"limit": "1000"},
        {"limit": "-1"},
        {"offset": "9" * 40},
        {"offset": "９" * 40},
        {"id": "９" * 40},
        {"offset": "99999999999"},
        {"type": "nope"},
        {"site": "nope"},
        {"format": "api"},
        {"format": "xml"},
        {"search": "党建", "order": "title"},
    ],
)
def test_hostile_parameters_never_fail(client, seed_case, params):
    for url in (API, f"{API}{seed_case('wuchang-1-3').pk}/"):
        response = client.get(url, params)
        assert response.status_code in (200, 400, 404), (url, params, response.status_code)
        if response.status_code == 400:
            assert response.json()["message"]


def test_bad_parameters_are_explained(client):
    response = client.get(API, {"foo": "bar"})
    assert response.status_code == 400
    assert "未知的查询参数：foo" in response.json()["message"]
    response = client.get(API, {"region": "山东\x00省"})
    assert response.status_code == 400 and "控制字符" in response.json()["message"]


@pytest.mark.parametrize(
    "path",
    [
        "/feeds/themes/no-such-theme/",
        "/feeds/themes/%00/",
        "/feeds/themes/%3Cscript%3E/",
        "/feeds/themes/x/atom/",
        f"/feeds/themes/{'主' * 5000}/",
        f"{API}999999/",
        f"{API}{'9' * 40}/",
        f"{API}find/?html_path=/nope/",
    ],
)
def test_hostile_paths_are_not_found(client, path):
    assert client.get(path).status_code == 404


# --- feeds ------------------------------------------------------------------------------------


def test_rss_feed_holds_the_live_cases_newest_first(client):
    items = rss_items(client, "/feeds/cases/")
    cases = list(CasePage.objects.live().order_by("-first_published_at", "pk"))
    assert [item.findtext("title") for item in items] == [case.title for case in cases]
    first, case = items[0], cases[0]
    assert first.findtext("link") == f"http://testserver{case.url}"
    assert first.findtext("description") == case.summary
    assert first.findtext("pubDate")
    channel = ET.fromstring(client.get("/feeds/cases/").content).find("channel")
    assert channel.findtext("title") == "基层党建典型案例库：最新案例"


def test_atom_feed_holds_the_live_cases(client):
    response = client.get("/feeds/cases/atom/")
    assert response["Content-Type"].startswith("application/atom+xml")
    entries = ET.fromstring(response.content).findall(f"{ATOM}entry")
    assert {entry.findtext(f"{ATOM}title") for entry in entries} == set(
        CasePage.objects.live().values_list("title", flat=True)
    )
    assert all(entry.findtext(f"{ATOM}published") for entry in entries)


@pytest.mark.parametrize("theme", ["农村社区建设", "服务群众", "城乡统筹与结对共建"])
def test_theme_feed_holds_only_that_themes_cases(client, theme):
    expected = set(CasePage.objects.live().filter(themes__slug=theme).values_list("title", flat=True))
    assert expected
    assert {item.findtext("title") for item in rss_items(client, f"/feeds/themes/{theme}/")} == expected
    atom = ET.fromstring(client.get(f"/feeds/themes/{theme}/atom/").content)
    assert {entry.findtext(f"{ATOM}title") for entry in atom.findall(f"{ATOM}entry")} == expected
    assert theme in atom.findtext(f"{ATOM}title")


# --- sitemap and robots -------------------------------------------------------------------------


def test_sitemap_lists_every_live_case(client):
    locations = sitemap_locations(client)
    for case in CasePage.objects.live():
        assert case.full_url in locations


def test_robots_txt_keeps_crawlers_out_of_the_admin_and_names_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert [line for line in lines if line.startswith("Disallow")] == ["Disallow: /admin/"]


def test_feeds_show_a_themes_markup_as_written(client):
    """RSS readers render titles and descriptions as HTML; Atom titles and subtitles are text."""
    written = "<b>粗体</b> & <img src=x onerror=alert(1)>说明"
    Theme.objects.create(name="<i>标记</i>主题", slug="markup-theme", description=written)
    channel = ET.fromstring(client.get("/feeds/themes/markup-theme/").content).find("channel")
    assert channel.findtext("description") == escape(written)
    assert channel.findtext("title") == escape("基层党建典型案例库：“<i>标记</i>主题”主题的最新案例")
    atom = ET.fromstring(client.get("/feeds/themes/markup-theme/atom/").content)
    assert atom.findtext(f"{ATOM}subtitle") == written
    assert "<i>标记</i>主题" in atom.findtext(f"{ATOM}title")


def test_rss_item_titles_are_escaped_for_readers(client, seed_case):
    case = seed_case("wuchang-1-3")
    case.title = "<em>五常</em>“1+3”"
    case.save_revision().publish()
    titles = {item.findtext("title") for item in rss_items(client, "/feeds/cases/")}
    assert escape(case.title) in titles
    atom = ET.fromstring(client.get("/feeds/cases/atom/").content)
    assert case.title in {entry.findtext(f"{ATOM}title") for entry in atom.findall(f"{ATOM}entry")}


@pytest.mark.parametrize("search", [None, "党建"])
@pytest.mark.parametrize("params", [{"limit": "abc"}, {"limit": "-1"}, {"offset": "前面"}, {"limit": "21"}])
def test_a_malformed_page_is_explained_in_chinese(client, params, search):
    response = client.get(API, {**params, **({"search": search} if search else {})})
    assert response.status_code == 400
    assert response.json()["message"] == "offset 和 limit 须为不小于 0 的整数，limit 不能大于 20。"


def test_the_api_pages_as_wagtail_does(client):
    everything = [item["id"] for item in client.get(API, {"limit": 20}).json()["items"]]
    assert [item["id"] for item in client.get(API, {"offset": 2, "limit": 3}).json()["items"]] == everything[2:5]
    searched = client.get(API, {"search": "党建", "offset": 1, "limit": 2}).json()
    assert len(searched["items"]) == 2 and searched["meta"]["total_count"] >= 3
