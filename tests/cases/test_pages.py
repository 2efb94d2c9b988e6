"""The public pages: home, case library with its filters, and case pages."""

import re
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import CasePage, KeyFigure, RelatedCase
from cases.pages import listing_year
from search import listing
from tests.conftest import SEED_SLUGS

pytestmark = pytest.mark.django_db


def listed_slugs(response):
    return sorted(case.slug for case in response.context["cases"])


@pytest.mark.parametrize("slug", SEED_SLUGS)
def test_every_seed_case_page_shows_its_essentials(client, slug):
    case = CasePage.objects.get(slug=slug)
    response = client.get(case.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert case.title in html
    assert case.model_name and case.model_name in html
    assert case.region.province.name in html
    figure = case.key_figures.first()
    assert figure is not None and figure.value in html and figure.label in html
    assert ('<p class="notice notice--warning"><strong>原文不完整' in html) == (not case.source_complete)


def test_incomplete_sources_are_the_three_cut_off_ones():
    incomplete = set(CasePage.objects.filter(source_complete=False).values_list("slug", flat=True))
    assert incomplete == {"zhucheng-chengxiang-lianjian", "sunan-nongcun-shequ", "wengyuan-dangyuan-chuangye"}


def test_case_page_has_a_table_of_contents_linking_to_sections(client):
    case = CasePage.objects.get(slug="xingshan-lianghui-liangping")
    html = client.get(case.url).content.decode()
    for anchor, heading in case.sections:
        assert f'href="#{anchor}"' in html and f'id="{anchor}"' in html and heading in html


def test_case_page_links_its_terms_to_filtered_listings(client):
    case = CasePage.objects.get(slug="wuchang-1-3")
    html = client.get(case.url).content.decode()
    for term, parameter in (
        (case.themes.first(), "theme"),
        (case.problems.first(), "problem"),
        (case.region, "region"),
        (case.tags.first(), "tag"),
    ):
        assert f"/cases/?{parameter}={quote(term.slug)}" in html


def render_queries(client, case):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(case.url).status_code == 200
    return len(queries)


def test_case_page_queries_do_not_grow_with_tags_figures_or_related(client):
    case = CasePage.objects.get(slug="shangnan-gongjian-gongfu")
    render_queries(client, case)  # warm caches (site root paths, content types)
    baseline = render_queries(client, case)
    assert baseline <= 12

    for number in range(5):
        case.tags.add(f"测试标签{number}")
        KeyFigure.objects.create(page=case, label=f"测试{number}", value=str(number), unit="个")
    for other in CasePage.objects.exclude(pk=case.pk):
        RelatedCase.objects.create(page=case, case=other)
    case.save_revision().publish()  # changes reach readers when published

    html = client.get(case.url).content.decode()
    assert "测试标签4" in html and "测试4" in html and "五常" in html
    assert render_queries(client, case) == baseline


def test_related_cases_hide_unpublished_ones(client):
    case = CasePage.objects.get(slug="shangnan-gongjian-gongfu")
    related = CasePage.objects.get(slug="zhucheng-chengxiang-lianjian")
    assert related.title in client.get(case.url).content.decode()
    related.unpublish()
    assert related.title not in client.get(case.url).content.decode()


def test_listing_shows_all_live_cases_newest_first(client, case_index):
    response = client.get(case_index.url)
    assert response.status_code == 200
    cases = list(response.context["cases"])
    assert sorted(case.slug for case in cases) == sorted(SEED_SLUGS)
    years = [listing_year(case.year_started, case.year_reported) or 0 for case in cases]
    assert years == sorted(years, reverse=True)


@pytest.mark.parametrize(
    "query, expected",
    [
        ({"theme": "农村社区建设"}, ["sunan-nongcun-shequ"]),
        ({"region": "山东省"}, ["zhucheng-chengxiang-lianjian"]),
        ({"region": "湖北省"}, ["xingshan-lianghui-liangping"]),
        ({"region": "宜昌市"}, ["xingshan-lianghui-liangping"]),
        ({"domain": "城乡结合"}, ["shangnan-gongjian-gongfu", "zhucheng-chengxiang-lianjian"]),
        ({"year": "2010"}, ["wuchang-1-3"]),
        ({"year": "2005"}, ["sunan-nongcun-shequ"]),
        ({"tag": "关怀理事会"}, ["xingshan-lianghui-liangping"]),
    ],
)
def test_listing_filters(client, case_index, query, expected):
    response = client.get(case_index.url, query)
    assert response.status_code == 200
    assert listed_slugs(response) == expected


def test_filters_combine(client, case_index):
    response = client.get(case_index.url, {"domain": "农村", "problem": "党员队伍老化"})
    slugs = listed_slugs(response)
    assert slugs and all(
        CasePage.objects.get(slug=slug).problems.filter(name="党员队伍老化").exists() for slug in slugs
    )
    assert "zhucheng-chengxiang-lianjian" not in slugs


@pytest.mark.parametrize(
    "query, message",
    [
        ({"theme": "不存在"}, "没有名为“不存在”的主题"),
        ({"year": "二〇〇九"}, "年份“二〇〇九”无效"),
        ({"year": "1800"}, "年份“1800”无效，应为 1900—2100 之间的年份"),
        ({"region": "<script>alert(1)</script>"}, "&lt;script&gt;"),
    ],
)
def test_unknown_filter_values_are_explained_not_errors(client, case_index, query, message):
    response = client.get(case_index.url, query)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert listed_slugs(response) == sorted(SEED_SLUGS)


def test_listing_paginates(client, case_index, monkeypatch):
    monkeypatch.setattr(listing, "PAGE_SIZE", 4)
    first = client.get(case_index.url)
    second = client.get(case_index.url, {"page": "2"})
    assert len(first.context["cases"]) == 4 and len(second.context["cases"]) == 2
    assert set(listed_slugs(first)).isdisjoint(listed_slugs(second))
    assert client.get(case_index.url, {"page": "abc"}).status_code == 200


def test_unpublished_cases_are_not_listed_or_served(client, case_index):
    case = CasePage.objects.get(slug="wuchang-1-3")
    case.unpublish()
    assert "wuchang-1-3" not in listed_slugs(client.get(case_index.url))
    assert client.get(case.url or "/cases/wuchang-1-3/").status_code == 404


def test_home_page_shows_featured_cases_and_ways_to_browse(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    for case in CasePage.objects.filter(featured=True):
        assert case.title in html
    assert "按地区" in html and "黑龙江省" in html and "?theme=" in html
    assert 'lang="zh-Hans"' in html


def test_home_page_lists_each_case_once_and_names_the_site_once(client):
    response = client.get("/")
    featured = [case.pk for case in response.context["featured_cases"]]
    latest = [case.pk for case in response.context["latest_cases"]]
    assert featured and latest
    assert not set(featured) & set(latest)
    assert set(featured) | set(latest) == set(CasePage.objects.live().values_list("pk", flat=True))
    title = response.content.decode().split("<title>")[1].split("</title>")[0]
    assert title.count("基层党建典型案例库") == 1


def test_the_site_has_a_favicon(client):
    html = client.get("/").content.decode()
    assert 'rel="icon"' in html
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"].endswith(".ico")


def test_browse_counts_leave_out_private_cases(client):
    from wagtail.models import PageViewRestriction

    case = CasePage.objects.get(slug="zhucheng-chengxiang-lianjian")
    PageViewRestriction.objects.create(page=case, restriction_type="password", password="x")
    html = client.get("/").content.decode()
    assert "山东省" not in html.split('class="province-table"')[1]
    assert not any(tile["name"] == "山东" and tile["count"] for tile in client.get("/").context["browse"]["map_tiles"])


def test_regions_with_the_same_name_get_distinct_slugs():
    from cases.taxonomy import Region

    province = Region.objects.create(name="测试省", level=Region.PROVINCE)
    cities = [Region.objects.create(name=name, parent=province, level=Region.CITY) for name in ("甲市", "乙市")]
    districts = [Region.objects.create(name="鼓楼区", parent=city, level=Region.COUNTY) for city in cities]
    assert districts[0].slug == "鼓楼区" and districts[1].slug == "测试省乙市鼓楼区"


def test_images_are_renditions_with_srcset_and_alt_text(client):
    import io

    from django.core.files.images import ImageFile
    from PIL import Image as PILImage

    from portal.models import PortalImage

    buffer = io.BytesIO()
    PILImage.new("RGB", (1600, 900), (200, 30, 30)).save(buffer, format="PNG")
    image = PortalImage.objects.create(
        title="测试图片", description="村党支部活动场所外景", file=ImageFile(buffer, name="test.png")
    )
    case = CasePage.objects.get(slug="wuchang-1-3")
    case.lead_image = image
    case.save_revision().publish()
    html = client.get(case.url).content.decode()
    assert 'srcset="' in html and "400w" in html and "1200w" in html
    assert 'alt="村党支部活动场所外景"' in html
    # shared, the case shows its card (title, place, figure), not its photograph
    assert re.search(r'property="og:image" content="[^"]*/share/cases/', html)


def test_a_case_page_can_be_shared_and_printed(client, settings):
    from tests.cases.test_training import decode_qr_svg

    settings.PUBLIC_BASE_URL = "https://dangjian.example.org"
    case = CasePage.objects.get(slug="wengyuan-dangyuan-chuangye")
    html = client.get(case.url).content.decode()
    address = f"https://dangjian.example.org{case.url}"
    svg = re.search(r"<svg[^>]*class=\"qr\".*?</svg>", html).group(0)
    assert decode_qr_svg(svg) == [address]  # 微信扫码
    assert f'data-copy-link="{address}"' in html and "data-print" in html
    # On paper: the site and the page's address, no buttons.
    assert f'<p class="print-only">基层党建典型案例库 · {address}</p>' in html
    stylesheet = open("static/css/portal.css", encoding="utf-8").read()
    assert ".case__actions, .case__terms, .case__related { display: none; }" in print_rules(stylesheet)
    assert ".print-only { display: block;" in print_rules(stylesheet)


def print_rules(css):
    """The rules inside the stylesheet's @media print blocks."""
    found = []
    for start in (match.end() for match in re.finditer(r"@media print\s*\{", css)):
        depth, end = 1, start
        while depth:
            depth += {"{": 1, "}": -1}.get(css[end], 0)
            end += 1
        found.append(css[start : end - 1])
    return "\n".join(found)


def test_shared_addresses_fall_back_to_the_requests_host(rf, settings):
    settings.ALLOWED_HOSTS = ["dangjian.intranet", "testserver"]
    from portal.addresses import public_url

    for base in ("", "http://127.0.0.1:8000", "http://localhost"):
        settings.PUBLIC_BASE_URL = base
        assert (
            public_url(rf.get("/", HTTP_HOST="dangjian.intranet"), "/cases/a/") == "http://dangjian.intranet/cases/a/"
        )
    settings.PUBLIC_BASE_URL = "https://dangjian.example.org/"
    assert public_url(rf.get("/"), "/cases/a/") == "https://dangjian.example.org/cases/a/"
