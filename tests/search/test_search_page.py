"""The search page and its JSON: matching, ranking, facets, highlighting, freshness, bad input."""

import json
import re
from dataclasses import replace
from html import unescape
from urllib.parse import parse_qsl, quote_plus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from cases.models import CaseIndexPage, CasePage
from cases.pages import listing_year
from cases.taxonomy import Problem, Region, Theme
from search import case_search
from search.engines.database import engine as database_engine
from search.query import parse_query
from search.text import vocabulary
from tests.conftest import SEED_SLUGS
from tests.search.search_client import search_json, slugs

pytestmark = pytest.mark.django_db


def test_two_character_word_inside_longer_runs_is_found(client):
    found = slugs(client, q="党建")
    expected = [case.slug for case in CasePage.objects.live() if "党建" in case.search_headline() + case.body_text()]
    assert len(expected) >= 5 and sorted(found) == sorted(expected)


def test_traditional_and_simplified_find_the_same_cases(client):
    assert slugs(client, q="黨建 城鄉") == slugs(client, q="党建 城乡")
    assert slugs(client, q="兩會兩評") == ["xingshan-lianghui-liangping"]


def test_several_words_mean_all_of_them(client):
    both = set(slugs(client, q="城乡 合作社"))
    assert both == set(slugs(client, q="城乡")) & set(slugs(client, q="合作社"))
    assert both


def test_a_compound_finds_its_parts_written_apart(client):
    # 流动党员 names no vocabulary term: only the case writing 流动 and 党员 apart holds it.
    texts = {case.slug: case.search_headline() + case.body_text() for case in CasePage.objects.live()}
    assert not any("流动党员" in text for text in texts.values())
    assert [slug for slug, text in texts.items() if "流动" in text and "党员" in text] == ["sunan-nongcun-shequ"]
    assert slugs(client, q="流动党员") == ["sunan-nongcun-shequ"]
    # 城乡联建 is now an alias of the theme 城乡统筹与结对共建, so the cases filed under it match
    # too; the one case writing 城乡 and 联建 apart (in its title) still comes first.
    case = CasePage.objects.get(slug="zhucheng-chengxiang-lianjian")
    assert "城乡联建" not in case.body_text() and "城乡基层党组织联建" in case.body_text()
    assert [slug for slug, text in texts.items() if "城乡" in text and "联建" in text] == [case.slug]
    found = slugs(client, q="城乡联建")
    filed = CasePage.objects.live().filter(themes__name="城乡统筹与结对共建").values_list("slug", flat=True)
    assert found[0] == case.slug and sorted(found) == sorted(filed)


def test_a_quoted_phrase_must_appear_as_written(client):
    loose = set(slugs(client, q="党员 创业"))
    phrase = set(slugs(client, q='"党员创业"'))
    assert phrase and phrase <= loose
    for slug in phrase:
        case = CasePage.objects.get(slug=slug)
        assert "党员创业" in case.search_headline() + case.body_text()


def test_a_quoted_phrase_is_looked_for_among_the_best_candidates_only(client, monkeypatch):
    """Its text is read case by case: a quoted common word must not read every case."""
    monkeypatch.setattr(database_engine, "PHRASE_CANDIDATES", 2)
    for sort in ("relevance", "newest"):
        best = [hit.case.pk for hit in case_search.search_cases({"q": "党员", "sort": sort}).hits]
        assert len(best) > 2
        results = case_search.search_cases({"q": '"党员"', "sort": sort})
        assert [hit.case.pk for hit in results.hits] == best[:2]  # each holds 党员 as written
        assert any("前 2 的结果中查找" in error for error in results.errors)
    response = client.get("/api/v2/pages/", {"search": '"党员"'})
    assert response.status_code == 200 and len(response.json()["items"]) == 2
    assert any("前 2 的结果中查找" in message for message in response.json()["meta"]["messages"])


def test_region_names_only_the_taxonomy_holds_are_found(client):
    case = CasePage.objects.get(slug="zhucheng-chengxiang-lianjian")
    assert "潍坊" not in case.body_text()
    assert slugs(client, q="潍坊") == ["zhucheng-chengxiang-lianjian"]


def test_tags_and_themes_are_searchable(client):
    assert "xingshan-lianghui-liangping" in slugs(client, q="村民自治与民主监督")
    tag = CasePage.objects.get(slug="wengyuan-dangyuan-chuangye").tags.first().name
    assert "wengyuan-dangyuan-chuangye" in slugs(client, q=tag)


def test_title_matches_rank_above_body_only_mentions(client):
    results = slugs(client, q="两会两评")
    assert results[0] == "xingshan-lianghui-liangping"
    ranked = slugs(client, q="农村社区")
    assert ranked[0] == "sunan-nongcun-shequ"


def test_results_show_place_years_model_name_and_a_marked_snippet(client):
    data = search_json(client, q="关怀理事会")
    (result,) = data["results"]
    assert result["place"] == "湖北省宜昌市兴山县"
    assert result["model_name"] == "两会两评"
    assert "<mark>关怀理事会</mark>" in result["snippet"]
    html = client.get("/search/", {"q": "关怀理事会"}).content.decode()
    assert "<mark>关怀理事会</mark>" in html and "湖北省宜昌市兴山县" in html


def test_snippets_come_from_the_original_text(client):
    result = search_json(client, q="城鄉聯合黨組織")["results"][0]
    assert result["slug"] == "zhucheng-chengxiang-lianjian"
    # The original (Simplified) text with punctuation, not the space-separated index terms.
    assert "<mark>城乡联合党组织</mark>" in result["snippet"]
    assert "城乡 联合" not in result["snippet"]


def test_a_snippet_marks_what_a_case_holds_for_a_word_meaning_the_same(client):
    """务工 is how the cases say 打工: a case found through it shows where it says so."""
    data = search_json(client, q="年轻人出去打工")
    snippets = {result["slug"]: result["snippet"] for result in data["results"]}
    assert "<mark>务工</mark>" in snippets["xingshan-lianghui-liangping"]


def test_facets_count_the_matching_cases(client):
    data = search_json(client, q="党建")
    matched = CasePage.objects.filter(slug__in=[r["slug"] for r in data["results"]])
    themes = {item["label"]: item["count"] for item in data["facets"]["theme"]}
    for theme in Theme.objects.all():
        expected = matched.filter(themes=theme).count()
        assert themes.get(theme.name, 0) == expected
    provinces = {item["label"]: item["count"] for item in data["facets"]["region"]}
    assert sum(provinces.values()) == data["total"]
    assert set(data["facets"]) == {"region", "theme", "problem", "domain", "tag", "year"}


def test_facets_combine_with_the_query_and_each_other(client):
    data = search_json(client, q="党建", region="湖北省")
    assert [r["slug"] for r in data["results"]] == ["xingshan-lianghui-liangping"]
    # the region facet counts 党建's cases in every province: what choosing another would add
    assert data["facets"]["region"] == search_json(client, q="党建")["facets"]["region"]
    assert {"value": "湖北省", "label": "湖北省", "count": 1} in data["facets"]["region"]
    assert [value["count"] for value in data["facets"]["domain"]] == [1]
    narrowed = search_json(client, q="党建", theme="服务群众", domain="农村")
    for slug in (r["slug"] for r in narrowed["results"]):
        case = CasePage.objects.get(slug=slug)
        assert case.themes.filter(name="服务群众").exists() and case.domain.name == "农村"
    for item in narrowed["facets"]["theme"]:
        if item["label"] == "服务群众":
            assert item["count"] == narrowed["total"]


def test_facet_links_add_switch_and_remove_a_value_and_keep_the_rest(client):
    html = client.get("/search/", {"q": "党建", "region": "湖北省", "page": "1"}).content.decode()
    links = dict(re.findall(r'<a href="(\?[^"]*)"[^>]*>([^<]+?) <span class="count">', html))
    by_label = {label: unescape(url) for url, label in links.items()}
    assert by_label["湖北省"] == "?q=%E5%85%9A%E5%BB%BA"  # the active value's link removes it
    # another facet's value is added last, the page dropped
    theme = Theme.objects.get(name="服务群众")
    assert by_label["服务群众"] == "?q=%E5%85%9A%E5%BB%BA&region=%E6%B9%96%E5%8C%97%E7%9C%81&theme=" + quote_plus(
        theme.slug
    )


def test_year_facet_agrees_with_the_year_filter(client):
    data = search_json(client)
    for item in data["facets"]["year"]:
        assert search_json(client, year=item["value"])["total"] == item["count"]


def test_empty_query_browses_everything_newest_first(client):
    data = search_json(client)
    assert data["total"] == len(SEED_SLUGS)
    assert sorted(r["slug"] for r in data["results"]) == sorted(SEED_SLUGS)


@pytest.mark.parametrize("typed", ["👍", "？？？", "\u200b…"])
def test_a_query_with_nothing_to_search_says_so_and_browses_everything(client, typed):
    data = search_json(client, q=typed)
    assert data["query"] == "" and data["total"] == len(SEED_SLUGS)
    assert any("没有可以搜索的字词，以下是全部案例" in error for error in data["errors"])
    assert "全部案例" in client.get("/search/", {"q": typed}).content.decode()
    filtered = search_json(client, q=typed, region="山东省")
    assert filtered["total"] == 1 and any("以下按筛选条件列出案例" in error for error in filtered["errors"])
    api = client.get("/api/v2/pages/", {"search": typed}).json()
    assert api["meta"]["total_count"] == len(SEED_SLUGS) and "没有可以搜索的字词" in " ".join(api["meta"]["messages"])


def test_a_problem_named_beside_words_no_case_uses_still_finds_its_cases(client):
    # 农民增收没 reads as the problem 农民增收难; no case of it holds 门路 as well.
    query = parse_query("农民增收没门路")
    (problem,) = query.concepts
    data = search_json(client, q="农民增收没门路")
    filed = CasePage.objects.live().filter(problems__pk=problem.pk)
    assert data["total"] == filed.count() > 0
    assert {result["slug"] for result in data["results"]} <= {case.slug for case in filed}
    assert any("以下按匹配程度排列" in error for error in data["errors"])


def test_a_plus_said_in_words_finds_what_the_sign_finds(client):
    assert slugs(client, q="1+3模式") and slugs(client, q="1加3模式") == slugs(client, q="1+3模式")


def test_a_word_no_case_uses_is_named_and_the_search_without_it_offered(client):
    """No weak matches for a topic no case covers, but no dead end either: she is told which word
    sank the search and offered it without that word, her filters kept."""
    alone = search_json(client, q="合作社")["total"]
    data = search_json(client, q="合作社 火箭")
    assert data["total"] == 0 and alone > 0
    assert "没有案例提到：火箭。" in data["errors"] and data["retry"] == "合作社"
    page = client.get("/search/", {"q": "合作社 火箭", "region": "黑龙江省"}).content.decode()
    link = re.search(r'去掉没有案例提到的词再搜：<a href="([^"]+)">合作社</a>', page).group(1)
    retried = search_json(client, **dict(parse_qsl(unescape(link)[1:])))
    assert (
        retried["query"] == "合作社"
        and 0 < retried["total"] == search_json(client, q="合作社", region="黑龙江省")["total"]
    )
    # Nothing to offer when every word is unknown, or when something was found.
    assert search_json(client, q="火箭 卫星")["retry"] == ""
    assert search_json(client, q="合作社 党员")["retry"] == ""
    # Nor when all that would be left is a lone character.
    assert search_json(client, q="<script>alert(1)</script>")["retry"] == ""


def test_a_correction_finding_nothing_gives_way_to_what_was_typed(client, monkeypatch):
    parse = case_search.parse_query

    def misreading(raw, as_typed=False, keep=()):
        # 两会两评 read as 海洋渔业 (a slip of 海洋, which no case holds as written): no case holds it.
        if as_typed or keep or raw.startswith('"'):
            return parse(raw, as_typed=as_typed, keep=keep)
        return replace(parse("海洋渔业"), text=raw, corrections=[("海洋", "海洋渔业")])

    monkeypatch.setattr(case_search, "parse_query", misreading)
    as_typed = slugs(client, q="两会两评", as_typed="1")
    data = search_json(client, q="两会两评")
    assert as_typed and [result["slug"] for result in data["results"]] == as_typed
    assert data["understood"]["corrected"] is None
    # The page's links search as typed too: a facet chosen on those results finds its cases.
    page = client.get("/search/", {"q": "两会两评"}).content.decode()
    facet = re.search(r'href="(\?[^"]*region=[^"]*)"', page).group(1)
    assert "as_typed=1" in facet
    assert search_json(client, **dict(parse_qsl(unescape(facet)[1:])))["total"]
    # The open-data API's ?search= reads the query the same way.
    response = client.get("/api/v2/pages/", {"search": "两会两评"})
    assert {item["meta"]["slug"] for item in response.json()["items"]} == set(as_typed)


def test_pinyin_typed_beside_the_word_it_spells_is_offered_once(client):
    assert search_json(client, q="党建dangjian")["understood"]["corrected"]["meant"] == "党建"
    assert search_json(client, q="兴山 xingshan")["understood"]["corrected"]["meant"] == "兴山"
    # Pinyin typed with its tones is read as plain pinyin, and the page says what it meant.
    assert search_json(client, q="dǎngjiàn")["understood"]["corrected"]["meant"] == "党建"


def test_sort_by_newest(client):
    newest = slugs(client, q="党建", sort="newest")
    cases = {case.slug: case for case in CasePage.objects.filter(slug__in=newest)}
    years = [listing_year(cases[slug].year_started, cases[slug].year_reported) or 0 for slug in newest]
    assert sorted(newest) == sorted(slugs(client, q="党建"))
    # Undated cases sort last.
    assert years == sorted(years, reverse=True)


def test_a_case_reported_without_a_year_is_listed_by_the_year_it_started(client):
    """Not after every older case: 翁源 (from 2008, no year reported) before 苏南 (reported 2005)."""
    newest = slugs(client, sort="newest")
    assert newest.index("wengyuan-dangyuan-chuangye") < newest.index("sunan-nongcun-shequ")
    assert set(newest[-2:]) == {"zhucheng-chengxiang-lianjian", "shangnan-gongjian-gongfu"}  # undated
    # The case library's page and the search page list them in the queryset's order.
    assert newest == list(CasePage.objects.published().values_list("slug", flat=True))


def test_pagination(client, monkeypatch):
    monkeypatch.setattr("search.case_search.PAGE_SIZE", 2)
    first, second = search_json(client, q="党建"), search_json(client, q="党建", page="2")
    assert first["pages"] >= 3 and len(first["results"]) == 2
    assert not {r["slug"] for r in first["results"]} & {r["slug"] for r in second["results"]}


def test_no_results_says_so_and_suggests(client):
    html = client.get("/search/", {"q": "量子计算", "theme": "服务群众"}).content.decode()
    assert "没有找到符合条件的案例" in html
    assert "去掉上面的筛选条件" in html and "主题：服务群众" in html
    assert "试试这些模式名称" in html and "两会两评" in html


@pytest.mark.parametrize(
    "query",
    [
        '"',
        '""',
        "*",
        "党建*",
        "NEAR(党建 村)",
        "党建 OR 村",
        "AND",
        "NOT 党建",
        "title:党建",
        "(",
        ")",
        "'; DROP TABLE wagtailcore_page; --",
        "\x00\x01党建\x1f",
        "党" * 5000,
        "<script>alert(1)</script>",
        "𠀀𠀁🙂",
        "١٢٣",
        "\u202e党建",
        "%",
        "_",
        "\\",
        "{title}: x",
        "^党建",
        "党建-",
        "-党建",
    ],
)
def test_hostile_queries_never_fail(client, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()
    assert client.get("/search/", {"q": query, "format": "json"}).status_code == 200


@pytest.mark.parametrize(
    "params",
    [
        {"page": "-1"},
        {"page": "abc"},
        {"page": "99999999999999999999"},
        {"sort": "drop"},
        {"region": "<b>x</b>"},
        {"year": "99999"},
        {"theme": "x" * 10000},
        {"format": "xml"},
    ],
)
def test_hostile_parameters_never_fail(client, params):
    response = client.get("/search/", {"q": "党建", **params})
    assert response.status_code == 200
    assert "<b>x</b>" not in response.content.decode()


def test_reflected_query_is_escaped(client):
    html = client.get("/search/", {"q": "<img src=x onerror=alert(1)>"}).content.decode()
    assert "<img src=x" not in html and escape("<img src=x onerror=alert(1)>") in html


def test_a_term_recognised_in_a_search_that_finds_nothing_is_offered_once(client):
    # 乡村 names the domain 农村 (an alias); 振兴 is in no case, and the words are all required.
    html = client.get("/search/", {"q": "乡村振兴"}).content.decode()
    assert "共找到 0 个案例" in html and "没有案例同时提到所有词语" in html
    assert html.count(">领域：农村<") == 1


def test_a_list_by_filters_alone_is_headed_by_them(client):
    problem = CasePage.objects.get(slug="xingshan-lianghui-liangping").problems.first()
    html = client.get("/search/", {"problem": problem.slug}).content.decode()
    heading = re.search(r"<h1>(.*?)</h1>", html).group(1)
    assert heading == f"针对难题：{problem.name}"
    assert re.search(r"<h1>(.*?)</h1>", client.get("/search/").content.decode()).group(1) == "全部案例"


def test_the_search_box_shows_the_query_as_typed(client):
    html = client.get("/search/", {"q": "党员，老龄化 ＡＢ"}).content.decode()
    assert 'value="党员，老龄化 ＡＢ"' in html
    assert slugs(client, q="党员，老龄化 ＡＢ") == slugs(client, q="党员,老龄化 ab")


def publish_case(title, body_text, **fields):
    index = CaseIndexPage.objects.get()
    case = CasePage(
        title=title,
        slug=f"test-{abs(hash(title)) % 10**8}",
        summary="测试摘要",
        region=Region.objects.get(name="五常市"),
        body=[{"type": "section", "value": {"kind": "其他", "heading": "正文", "text": f"<p>{body_text}</p>"}}],
        **fields,
    )
    index.add_child(instance=case)
    case.save_revision().publish()
    return CasePage.objects.get(pk=case.pk)


def test_a_quoted_phrase_reads_a_plus_said_as_jia_in_the_text_too(client):
    case = publish_case("加号测试案例", "这个村推行2加5联建模式。")
    for quoted in ('"2加5联建"', '"2+5联建"'):
        assert slugs(client, q=quoted) == [case.slug], quoted


def test_index_follows_publish_edit_and_unpublish(client):
    case = publish_case("测试案例", "这里记载了红色物业的做法。")
    assert case.slug in slugs(client, q="红色物业")

    case.title = "社区网格化测试案例"
    case.save_revision().publish()
    assert case.slug in slugs(client, q="网格化")

    draft = CasePage.objects.get(pk=case.pk)
    draft.title = "草稿标题绝密改动"
    draft.save_revision()  # a draft: not what the public searches
    assert case.slug not in slugs(client, q="绝密")

    case.unpublish()
    assert case.slug not in slugs(client, q="红色物业")


def test_a_titles_words_are_spelled_in_pinyin_once_it_is_published(client, django_capture_on_commit_callbacks):
    try:
        assert vocabulary.lexicon().from_pinyin("biqi") is None  # loaded before, as in a running server
        with django_capture_on_commit_callbacks() as learnt_at_commit:
            case = publish_case("荸荠种植测试案例", "这个村种植荸荠。")
        assert vocabulary.lexicon().from_pinyin("biqi") is None  # not before the publish is kept
        for learn in learnt_at_commit:
            learn()
        assert vocabulary.lexicon().from_pinyin("biqi") == "荸荠"
        assert slugs(client, q="biqi") == [case.slug]
        assert parse_query("biqi zhongzhi").words == ["荸荠", "种植"]
    finally:
        vocabulary.reset()  # learning is add-only: the rolled-back case's words must not stay


def test_tags_reach_the_index_on_the_same_save(client):
    case = CasePage.objects.get(slug="wuchang-1-3")
    case.tags.add("稻米品牌")
    case.save_revision().publish()
    assert "wuchang-1-3" in slugs(client, q="稻米品牌")


def test_renaming_a_theme_reindexes_its_cases(client):
    theme = Theme.objects.get(name="精神文明建设")
    theme.name = "乡风文明建设"
    theme.save()
    found = set(slugs(client, q="乡风文明"))
    assert set(theme.cases.filter(live=True).values_list("slug", flat=True)) <= found


def test_autocomplete_json_and_without_javascript(client):
    data = json.loads(client.get("/search/suggest/", {"q": "兩會", "format": "json"}).content)
    labels = [item["label"] for item in data["suggestions"]]
    assert "两会两评" in labels
    html = client.get("/search/suggest/", {"q": "理事会"}).content.decode()
    assert client.get("/search/suggest/", {"q": "理事会"}).status_code == 200
    assert json.loads(client.get("/search/suggest/", {"q": "", "format": "json"}).content) == {"suggestions": []}
    assert "搜索提示" in html


def test_search_box_is_on_every_page(client):
    for url in ["/", "/cases/", "/cases/wuchang-1-3/", "/search/?q=党建"]:
        assert 'role="search"' in client.get(url).content.decode()


def test_search_page_query_count_does_not_grow_with_results(client, django_assert_max_num_queries):
    client.get("/search/", {"q": "党建"})  # a warm process: its catalogue loaded (counted below)
    with django_assert_max_num_queries(12):
        client.get("/search/", {"q": "党建"})


def test_catalogue_loads_in_the_same_queries_whatever_the_content_size(django_assert_num_queries):
    from search.engines.database.catalogue import _load

    with CaptureQueriesContext(connection) as few:
        _load()
    for number in range(5):
        case = publish_case(f"目录测试案例{number}", "村党支部推行网格化管理。", year_reported=2010 + number)
        case.tags.add(f"目录标签{number}")
        case.themes.add(Theme.objects.order_by("pk")[number])
        case.save_revision().publish()
    with django_assert_num_queries(len(few)):
        loaded = _load()
    assert len(loaded.shown) == len(CasePage.objects.live()) and len(few) <= 7


def test_simplified_query_finds_text_written_in_traditional_script(client):
    case = publish_case("繁體測試案例", "村裡成立了鄉賢理事會，推動鄉村治理。")
    assert case.slug in slugs(client, q="乡贤理事会")
    assert case.slug in slugs(client, q="鄉村治理")


def test_search_index_rebuild_rebuilds_the_search_index(client):
    from django.core.management import call_command

    from search.engines.database.index import FTS_TABLE, PG_TABLE

    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {FTS_TABLE if connection.vendor == 'sqlite' else PG_TABLE}")
    assert search_json(client, q="两会两评")["by_meaning"]  # the words found nothing (the title means it)
    call_command("search_index", "--rebuild", stdout=open("/dev/null", "w"))
    found = search_json(client, q="两会两评")
    assert [result["slug"] for result in found["results"]] == ["xingshan-lianghui-liangping"] and not found[
        "by_meaning"
    ]


def test_autocomplete_completes_pinyin_still_being_typed(client):
    labels = [item["label"] for item in search_json_suggest(client, "xingsh")]
    assert any("兴山" in label for label in labels)
    assert [item["label"] for item in search_json_suggest(client, "lianghuiliangp")] == [
        item["label"] for item in search_json_suggest(client, "两会两评")
    ]
    # With its tones, as marks or digits, too.
    for toned in ("xīngshān", "xing1shan1"):
        assert any("兴山" in item["label"] for item in search_json_suggest(client, toned)), toned


def test_autocomplete_offers_what_a_slip_means_when_it_completes_nothing(client):
    assert "两会两评" in [item["label"] for item in search_json_suggest(client, "两会两平")]
    assert "集体经济薄弱" in [item["label"] for item in search_json_suggest(client, "集体经记")]
    assert search_json_suggest(client, "火箭") == []


def test_autocomplete_offers_a_place_a_case_names_and_the_case(client):
    for typed in ("古夫", "gufuzhen", "古夫鎮"):
        found = search_json_suggest(client, typed)
        assert {"label": "古夫镇", "kind": "地名", "url": None} in found, typed
        assert any(item["kind"] == "案例" and "两会两评" in item["label"] for item in found), typed


def test_autocomplete_offers_pinyin_no_name_spells_as_the_search_reads_it_first(client):
    # A word only the cases' texts use; a run of several words, question words and all.
    for letters, words in (("cunganbu", "村干部"), ("jitijingjizenmefazhan", "集体经济 怎么 发展")):
        assert search_json_suggest(client, letters)[0] == {"label": words, "kind": "搜索", "url": None}, letters
    # Pinyin a name spells, or begins while still being typed, completes as the names, as before.
    assert {"label": "集体经济薄弱", "kind": "难题", "url": None} in search_json_suggest(client, "jtjj")
    for letters in ("jtjj", "jitijing", "xingshan"):
        assert all(item["kind"] != "搜索" for item in search_json_suggest(client, letters)), letters
    assert any("集体经济" in item["label"] for item in search_json_suggest(client, "jitijing"))
    # Letters no word spells, or question words alone, are no reading.
    assert search_json_suggest(client, "huojian") == search_json_suggest(client, "zenmeban") == []


def test_autocomplete_reads_no_word_only_a_withdrawn_case_used(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # its words are learnt once it commits
        case = publish_case("撤回测试案例", "村里的鹅卵石滩边建起了凉亭。")
    reading = {"label": "鹅卵石", "kind": "搜索", "url": None}
    assert reading in search_json_suggest(client, "eluanshi")
    with django_capture_on_commit_callbacks(execute=True):
        case.unpublish()
    assert reading not in search_json_suggest(client, "eluanshi")


def test_autocomplete_offers_the_term_an_alias_names(client):
    problem = Problem.objects.get(name="党员队伍老化")
    assert "党员老龄化" in problem.alias_list
    for typed in ("老龄化", "党员老龄化", "dangyuanlaolinghua"):
        assert {"label": "党员队伍老化", "kind": "难题", "url": None} in search_json_suggest(client, typed), typed


def search_json_suggest(client, typed):
    return json.loads(client.get("/search/suggest/", {"q": typed, "format": "json"}).content)["suggestions"]


def test_suggestions_never_show_unpublished_vocabulary(client):
    case = CasePage.objects.get(slug="wuchang-1-3")
    case.tags.add("绝密项目标签")
    case.save()
    case.unpublish()
    data = json.loads(client.get("/search/suggest/", {"q": "绝密", "format": "json"}).content)
    assert data == {"suggestions": []}


def test_control_characters_in_parameters_are_harmless(client):
    for params in ({"theme": "a\x00"}, {"tag": "\x00"}, {"q": "党建\x00", "region": "\x00山东省"}):
        assert client.get("/search/", params).status_code == 200
        assert client.get("/search/", {**params, "format": "json"}).status_code == 200
    assert client.get("/cases/", {"theme": "a\x00"}).status_code == 200
    assert client.get("/compare/", {"cases": "a\x00,wuchang-1-3"}).status_code == 200


def test_training_collections_matching_a_search_are_shown_apart_from_the_cases(client):
    """In their own 培训专题 block above the results; not among the hits, not in the facets."""
    from cases.models import TrainingCollectionPage

    collection = TrainingCollectionPage.objects.get(slug="chengxiang-tongchou")
    response = client.get("/search/", {"q": "结对共建"})
    html = response.content.decode()
    assert [each.pk for each in response.context["collections"]] == [collection.pk]
    block = html.split('class="collection-hits"')[1].split("</section>")[0]
    assert f'href="{collection.url}"' in block and collection.title in block
    assert html.index('class="collection-hits"') < html.index('class="search-layout"')
    assert all(hit.case.pk != collection.pk for hit in response.context["results"].hits)
    # The page's JSON lists them too.
    assert search_json(client, q="结对共建")["collections"] == [
        {"title": collection.title, "url": f"http://testserver{collection.url}", "audience": collection.audience}
    ]
    # Every word must be there: a word the collection does not hold leaves it out.
    assert client.get("/search/", {"q": "结对共建 量子计算"}).context["collections"] == []
    # Traditional characters and a synonym-free word order still find it.
    assert client.get("/search/", {"q": "城鄉統籌"}).context["collections"] == [collection]


def test_a_word_a_collections_introduction_merely_mentions_does_not_show_it(client):
    """党员 is in its introduction (党员群众), not in what it says it is about (title, goals)."""
    from cases.models import TrainingCollectionPage

    collection = TrainingCollectionPage.objects.get(slug="chengxiang-tongchou")
    assert "党员" in collection.introduction and "党员" not in collection.title + collection.learning_goals
    assert client.get("/search/", {"q": "党员"}).context["collections"] == []
    # Once one word names its subject, the others may come from anywhere in it.
    assert client.get("/search/", {"q": "党员 结对共建"}).context["collections"] == [collection]


def test_a_training_collections_shared_description_is_its_own_introduction(client):
    from cases.models import TrainingCollectionPage

    collection = TrainingCollectionPage.objects.get(slug="chengxiang-tongchou")
    html = client.get(collection.url).content.decode()
    opening = collection.summary[:40]
    assert f'<meta property="og:description" content="{opening}' in html
    assert f'<meta name="description" content="{opening}' in html


def test_a_long_query_is_shortened_in_the_heading_and_kept_whole_in_the_box(client):
    """On a phone a whole village sentence in the heading pushed every result below the fold."""
    query = "我们村在山区，年轻人大都外出务工了，留下的多是老人和孩子，村里党员平均年龄很大，发展新党员难"
    html = client.get("/search/", {"q": query}).content.decode()
    heading = re.search(r"<h1>(.*?)</h1>", html, re.S).group(1)
    assert heading.startswith(f"“{query[:20]}") and heading.endswith("”的搜索结果") and query not in heading
    assert len(heading) < 40
    assert f'value="{query}"' in html
