"""Training collections (page, criteria, print view, Word handout), compare, related cases."""

import io
import re
from urllib.parse import quote

import docx
import pytest
import zxingcpp
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image, ImageDraw

from cases.models import CasePage, CollectionCase, RelatedCase, TrainingCollectionPage, TrainingIndexPage
from cases.taxonomy import Problem, Theme

pytestmark = pytest.mark.django_db

SEED_ORDER = ["zhucheng-chengxiang-lianjian", "shangnan-gongjian-gongfu", "wuchang-1-3"]


@pytest.fixture
def collection():
    return TrainingCollectionPage.objects.get(slug="chengxiang-tongchou")


def entry_slugs(collection):
    return [case.slug for case, _, _ in TrainingCollectionPage.objects.get(pk=collection.pk).entries()]


def new_collection(title="测试专题", **fields):
    page = TrainingCollectionPage(title=title, slug=f"t-{abs(hash(title)) % 10**6}", **fields)
    TrainingIndexPage.objects.get().add_child(instance=page)
    return page


def queries_for(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_seed_collection_page_lists_cases_in_order_with_questions(client, collection):
    html = client.get(collection.url).content.decode()
    positions = [html.index(CasePage.objects.get(slug=slug).title) for slug in SEED_ORDER]
    assert positions == sorted(positions)
    assert "综合讨论题" in html and "讨论题" in html and "打印版讲义" in html
    assert entry_slugs(collection) == SEED_ORDER


def test_reordering_is_kept(collection):
    links = list(collection.collection_cases.all())
    for link, order in zip(links, (2, 0, 1)):
        link.sort_order = order
        link.save()
    assert entry_slugs(collection) == ["shangnan-gongjian-gongfu", "wuchang-1-3", "zhucheng-chengxiang-lianjian"]


def test_unpublished_cases_leave_the_collection(client, collection):
    CasePage.objects.get(slug="wuchang-1-3").unpublish()
    assert entry_slugs(collection) == SEED_ORDER[:2]
    assert "五常市农村党建" not in client.get(collection.url).content.decode()


def test_a_collection_with_no_live_case_says_so_on_page_print_and_handout(client, collection):
    for slug in SEED_ORDER:
        CasePage.objects.get(slug=slug).unpublish()
    for path in ("", "print/"):
        assert collection.NO_CASES in client.get(collection.url + path).content.decode()
    handout = docx.Document(io.BytesIO(client.get(collection.url + "handout.docx").content))
    assert collection.NO_CASES in [paragraph.text for paragraph in handout.paragraphs]


def test_criteria_collections_follow_publishing():
    page = new_collection(criteria_match="all")
    page.criteria_themes.set([Theme.objects.get(name="农村社区建设")])
    page.save()
    assert entry_slugs(page) == ["sunan-nongcun-shequ"]

    other = CasePage.objects.get(slug="wuchang-1-3")
    other.themes.add(Theme.objects.get(name="农村社区建设"))
    other.save_revision().publish()
    assert set(entry_slugs(page)) == {"sunan-nongcun-shequ", "wuchang-1-3"}

    CasePage.objects.get(slug="sunan-nongcun-shequ").unpublish()
    assert entry_slugs(page) == ["wuchang-1-3"]


def test_criteria_any_or_all_and_combined_with_picked_cases():
    theme = Theme.objects.get(name="农村社区建设")
    problem = Problem.objects.get(name="党员发展难")
    page = new_collection(criteria_match="any")
    page.criteria_themes.set([theme])
    page.criteria_problems.set([problem])
    page.save()
    assert set(entry_slugs(page)) == {"sunan-nongcun-shequ", "wengyuan-dangyuan-chuangye"}
    page.criteria_match = "all"
    page.save()
    assert entry_slugs(page) == []

    page.criteria_match = "any"
    CollectionCase.objects.create(
        collection=page, case=CasePage.objects.get(slug="wengyuan-dangyuan-chuangye"), sort_order=0
    )
    page.save()
    assert entry_slugs(page) == ["wengyuan-dangyuan-chuangye", "sunan-nongcun-shequ"]


def test_word_handout(client, collection):
    response = client.get(collection.url + "handout.docx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    document = docx.Document(io.BytesIO(response.content))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    case_headings = [h for h in headings if re.match(r"\d+\. ", h)]
    titles = [CasePage.objects.get(slug=slug).title for slug in SEED_ORDER]
    assert case_headings == [f"{n}. {title}" for n, title in enumerate(titles, 1)]
    assert "综合讨论题" in headings
    assert {p.style.name for p in document.paragraphs} >= {"Title", "Heading 1", "Heading 2", "List Number"}
    figures = sum(CasePage.objects.get(slug=slug).key_figures.count() for slug in SEED_ORDER)
    assert len(document.tables) == 3 and sum(len(t.rows) - 1 for t in document.tables) == figures
    assert document.tables[0].rows[0].cells[0].text == "指标"
    east_asia = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia"
    assert document.styles["Normal"].element.rPr.rFonts.get(east_asia) == "宋体"
    assert document.styles["Heading 1"].element.rPr.rFonts.get(east_asia) == "黑体"


def test_the_trainers_notes_come_before_each_cases_text_in_print_and_word(client, collection):
    """A trainer reads her notes before the case, not pages after it."""
    html = client.get(collection.url + "print/").content.decode()
    first = html.split('id="case-1"', 1)[1].split('id="case-2"', 1)[0]
    assert first.index("<h3>讲解要点</h3>") < first.index("<h3>摘要</h3>")
    document = docx.Document(io.BytesIO(client.get(collection.url + "handout.docx").content))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert headings.index("讲解要点") < headings.index("摘要")


def test_word_handout_is_laid_out_for_a4_like_an_official_document(client, collection):
    response = client.get(collection.url + "handout.docx")
    assert quote(f"{collection.title}（培训讲义）.docx") in response["Content-Disposition"]
    document = docx.Document(io.BytesIO(response.content))
    section = document.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(margin.cm, 2) for margin in margins] == [2.5] * 4
    assert section.header.paragraphs[0].text == collection.title
    footer = section.footer.paragraphs[0]._p.xml
    assert "PAGE" in footer and 'w:fldCharType="begin"' in footer and "第 " in section.footer.paragraphs[0].text
    for name in ("Title", "Heading 1", "Heading 2"):
        assert document.styles[name].font.color.rgb == docx.shared.RGBColor(0, 0, 0)
    properties = document.core_properties
    assert properties.title == collection.title and properties.author == "基层党建典型案例库"
    assert properties.created is not None
    assert properties.comments == ""  # not python-docx's "generated by python-docx"


def test_each_cases_questions_are_numbered_from_one(client, collection):
    document = docx.Document(io.BytesIO(client.get(collection.url + "handout.docx").content))
    numbering = document.part.numbering_part.element
    lists = []  # the numId of each run of numbered questions
    for paragraph in document.paragraphs:
        if paragraph.style.name == "List Number":
            num_id = paragraph._p.pPr.numPr.numId.val
            if not lists or lists[-1] != num_id:
                lists.append(num_id)
    questioned = sum(1 for entry in collection.collection_cases.all() if entry.questions.strip())
    assert len(lists) == len(set(lists)) == questioned + bool(collection.questions)
    for num_id in lists:
        overrides = numbering.num_having_numId(num_id).lvlOverride_lst
        assert overrides and overrides[0].startOverride.val == 1


def test_handout_of_an_unpublished_collection_is_404(client, collection):
    collection.unpublish()
    assert client.get(collection.url or "/training/chengxiang-tongchou/").status_code == 404
    assert client.get("/training/chengxiang-tongchou/handout.docx").status_code == 404
    assert client.get("/cases/handout.docx").status_code == 404


def decode_qr_svg(svg):
    size = int(re.search(r'viewBox="0 0 (\d+) \d+"', svg).group(1))
    scale = 8
    image = Image.new("L", (size * scale, size * scale), 255)
    draw = ImageDraw.Draw(image)
    for x, y in re.findall(r"M(\d+),(\d+)h1v1h-1z", svg):
        x, y = int(x), int(y)
        draw.rectangle([x * scale, y * scale, x * scale + scale - 1, y * scale + scale - 1], fill=0)
    image = image.resize((image.width + 8 * scale, image.height + 8 * scale))
    return [result.text for result in zxingcpp.read_barcodes(image)]


def test_print_view_has_contents_full_text_and_a_qr_code_per_case(client, collection):
    response = client.get(collection.url + "print/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "@page" in open("static/css/print-handout.css", encoding="utf-8").read()
    assert "目录" in html and "综合讨论题" in html
    collection_svg, *svgs = re.findall(r"<svg[^>]*class=\"qr\".*?</svg>", html)
    assert decode_qr_svg(collection_svg) == [f"http://testserver{collection.url}"]  # on the cover
    assert len(svgs) == len(SEED_ORDER)
    for slug, svg in zip(SEED_ORDER, svgs):
        case = CasePage.objects.get(slug=slug)
        assert decode_qr_svg(svg) == [f"http://testserver{case.url}"]
        for _anchor, heading in case.sections:
            assert heading in html
    last_paragraph = CasePage.objects.get(slug="wuchang-1-3").body_text().splitlines()[-1]
    assert last_paragraph[:30] in html


def test_printed_and_handed_out_links_use_the_sites_configured_address(client, collection, settings):
    settings.PUBLIC_BASE_URL = "https://dangjian.example.org"
    html = client.get(collection.url + "print/").content.decode()
    first = CasePage.objects.get(slug=SEED_ORDER[0])
    cover, case_svg = re.findall(r"<svg[^>]*class=\"qr\".*?</svg>", html)[:2]
    assert decode_qr_svg(cover) == [f"https://dangjian.example.org{collection.url}"]
    assert decode_qr_svg(case_svg) == [f"https://dangjian.example.org{first.url}"]
    document = docx.Document(io.BytesIO(client.get(collection.url + "handout.docx").content))
    text = "\n".join(p.text for p in document.paragraphs)
    links = re.findall(r"在线阅读：(\S+)", text)
    assert len(links) == len(SEED_ORDER)
    assert all(link.startswith("https://dangjian.example.org/cases/") for link in links), links
    assert f"在线阅读本专题：https://dangjian.example.org{collection.url}" in text
    page = client.get(collection.url).content.decode()
    assert f'data-copy-link="https://dangjian.example.org{collection.url}"' in page
    svg = re.search(r"<svg[^>]*class=\"qr\".*?</svg>", page).group(0)
    assert decode_qr_svg(svg) == [f"https://dangjian.example.org{collection.url}"]


def test_a_chinese_address_is_printed_as_read_and_encoded_in_its_qr_code(client, collection, settings):
    """A collection published before addresses were put in pinyin keeps its Chinese one."""
    settings.PUBLIC_BASE_URL = "https://dangjian.example.org"
    collection.slug = "城乡统筹专题"
    collection.save_revision().publish()
    collection.refresh_from_db()
    html = client.get(collection.url + "print/").content.decode()
    cover = re.findall(r"<svg[^>]*class=\"qr\".*?</svg>", html)[0]
    assert decode_qr_svg(cover) == [
        "https://dangjian.example.org/training/%E5%9F%8E%E4%B9%A1%E7%BB%9F%E7%AD%B9%E4%B8%93%E9%A2%98/"
    ]
    assert "扫码打开本专题<br>https://dangjian.example.org/training/城乡统筹专题/</figcaption>" in html
    document = docx.Document(io.BytesIO(client.get(collection.url + "handout.docx").content))
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert "在线阅读本专题：https://dangjian.example.org/training/城乡统筹专题/" in text


def test_print_view_offers_a_print_button_and_the_way_back(client, collection):
    html = client.get(collection.url + "print/").content.decode()
    assert "data-print" in html and "打印本讲义" in html
    assert f'href="{collection.url}"' in html
    from tests.cases.test_pages import print_rules

    assert ".print-controls { display: none; }" in print_rules(open("static/css/print-handout.css").read())
    assert "data-print hidden" in html  # shown by its script, which alone can print


def test_collection_and_print_query_counts_do_not_grow(client, collection):
    page_queries = queries_for(client, collection.url)
    print_queries = queries_for(client, collection.url + "print/")
    CollectionCase.objects.create(
        collection=collection, case=CasePage.objects.get(slug="sunan-nongcun-shequ"), sort_order=9
    )
    CollectionCase.objects.create(
        collection=collection, case=CasePage.objects.get(slug="xingshan-lianghui-liangping"), sort_order=10
    )
    assert len(entry_slugs(collection)) == 5
    assert queries_for(client, collection.url) == page_queries
    assert queries_for(client, collection.url + "print/") == print_queries


# --- compare ----------------------------------------------------------------------------------


def compared(response):
    return [case.slug for case in response.context["cases"]]


def test_compare_two_side_by_side(client):
    response = client.get("/compare/", {"cases": "wuchang-1-3,xingshan-lianghui-liangping"})
    assert response.status_code == 200
    assert compared(response) == ["wuchang-1-3", "xingshan-lianghui-liangping"]
    html = response.content.decode()
    for text in (
        "黑龙江省哈尔滨市五常市",
        "湖北省宜昌市兴山县",
        "1+3模式",
        "两会两评",
        "针对难题",
        "关键数据",
        "主要做法",
        "来源",
    ):
        assert text in html
    xingshan = CasePage.objects.get(slug="xingshan-lianghui-liangping")
    assert xingshan.key_figures.first().label in html


def practices_row(client, slugs):
    html = client.get("/compare/", {"cases": ",".join(slugs)}).content.decode()
    row = re.search(r"<th scope=\"row\">主要做法</th>(.*?)</tr>", html, re.S).group(1)
    return [re.findall(r"<li>(.*?)</li>", cell) for cell in re.findall(r"<td>(.*?)</td>", row, re.S)]


def test_the_practices_row_compares_what_each_case_did(client):
    slugs = ["wengyuan-dangyuan-chuangye", "shangnan-gongjian-gongfu", "wuchang-1-3"]
    numbered, sections, plain = practices_row(client, slugs)
    cases = {slug: CasePage.objects.get(slug=slug) for slug in slugs}
    # One 做法 section with numbered points: each point's opening phrase, its number dropped.
    section = next(b.value for b in cases[slugs[0]].body if b.block_type == "section" and b.value["kind"] == "做法")
    assert len(numbered) >= 3 and all(point and point in section["text"].source for point in numbered)
    assert not any(point.startswith(("(", "（")) for point in numbered)
    # Several 做法 sections: their headings.
    assert sections == [
        b.value["heading"] for b in cases[slugs[1]].body if b.block_type == "section" and b.value["kind"] == "做法"
    ]
    # Points of one level only: 第一/第二 in 苏南, not also the 一是/二是 under them.
    (sunan,) = practices_row(client, ["sunan-nongcun-shequ", "wuchang-1-3"])[:1]
    assert len(sunan) == 2 and all(point.startswith("坚持把") for point in sunan)
    # One section without numbered points: its first sentences, not its bare heading.
    assert 1 <= len(plain) <= 2 and all(len(point) > 10 for point in plain)
    assert all(len(point) <= 41 for point in numbered + sections + plain)


def test_compare_four_and_repeated_parameters(client):
    slugs = ["wuchang-1-3", "xingshan-lianghui-liangping", "sunan-nongcun-shequ", "shangnan-gongjian-gongfu"]
    response = client.get("/compare/?" + "&".join(f"cases={slug}" for slug in slugs))
    assert compared(response) == slugs
    too_many = client.get("/compare/", {"cases": ",".join(slugs + ["zhucheng-chengxiang-lianjian"])})
    assert compared(too_many) == slugs and "最多同时对比 4 个案例" in too_many.content.decode()


def test_compare_explains_unknown_and_duplicate_slugs(client):
    response = client.get("/compare/", {"cases": "wuchang-1-3,no-such-case,wuchang-1-3,<b>x</b>,sunan-nongcun-shequ"})
    html = response.content.decode()
    assert compared(response) == ["wuchang-1-3", "sunan-nongcun-shequ"]
    assert "没有找到“no-such-case”这个已发布案例（链接可能有误，或案例已撤下）" in html
    assert "《五常市农村党建“1+3模式”》重复出现，只显示一次。" in html
    assert "<b>x</b>" not in html


def test_compare_hides_unpublished_and_asks_for_two(client):
    CasePage.objects.get(slug="sunan-nongcun-shequ").unpublish()
    response = client.get("/compare/", {"cases": "wuchang-1-3,sunan-nongcun-shequ"})
    assert compared(response) == ["wuchang-1-3"]
    assert "请至少选择两个案例" in response.content.decode()
    assert client.get("/compare/").status_code == 200


def test_compare_query_count_does_not_grow(client):
    two = queries_for(client, "/compare/?cases=wuchang-1-3,sunan-nongcun-shequ")
    three = queries_for(client, "/compare/?cases=wuchang-1-3,sunan-nongcun-shequ,xingshan-lianghui-liangping")
    # With four cases the "add a case" list is not shown, which saves a query.
    four = queries_for(
        client,
        "/compare/?cases=wuchang-1-3,sunan-nongcun-shequ,xingshan-lianghui-liangping,zhucheng-chengxiang-lianjian",
    )
    assert two == three and four <= two


def test_compare_offers_a_bounded_list_of_cases_to_add(client, monkeypatch):
    monkeypatch.setattr("cases.training.views.ADDABLE", 2)
    html = client.get("/compare/?cases=wuchang-1-3").content.decode()
    offered = html.split('id="compare-add"', 1)[1].split("</select>", 1)[0]
    assert offered.count("<option") == 2 and "wuchang-1-3" not in offered
    assert '<a href="/cases/">案例库</a>' in html


def test_add_to_compare_works_without_javascript(client):
    case_html = client.get("/cases/wuchang-1-3/").content.decode()
    assert 'href="/compare/?cases=wuchang-1-3"' in case_html
    listing = client.get("/cases/").content.decode()
    assert 'form id="compare-form"' in listing and 'name="cases" value="wuchang-1-3" form="compare-form"' in listing


# --- related ----------------------------------------------------------------------------------


def test_similar_cases_when_none_were_picked(client):
    case = CasePage.objects.get(slug="wuchang-1-3")
    assert not case.related_case_links.exists()
    context = client.get(case.url).context
    related = [other.slug for other in context["related_cases"]]
    assert context["related_is_automatic"] and related
    assert "wuchang-1-3" not in related
    best = related[0]

    def shared(slug):
        return CasePage.objects.get(slug=slug).problems.filter(pk__in=case.problems.all()).count()

    assert shared(best) == max(shared(slug) for slug in related)


def test_a_shared_tag_makes_a_case_similar(client):
    """Among cases sharing no problem or theme, the one sharing a tag comes first."""
    case = CasePage.objects.get(slug="wuchang-1-3")
    for other in CasePage.objects.exclude(pk=case.pk):
        other.problems.clear()
        other.themes.clear()
        other.save_revision().publish()
    tagged = CasePage.objects.get(slug="wengyuan-dangyuan-chuangye")
    for page in (case, tagged):
        page.tags.add("相似度测试标签")
        page.save_revision().publish()
    assert client.get(case.url).context["related_cases"][0].slug == "wengyuan-dangyuan-chuangye"


def test_similar_cases_exclude_drafts(client):
    case = CasePage.objects.get(slug="wuchang-1-3")
    first = client.get(case.url).context["related_cases"][0]
    first.unpublish()
    assert first.slug not in [other.slug for other in client.get(case.url).context["related_cases"]]


def test_picked_related_cases_win(client):
    case = CasePage.objects.get(slug="wuchang-1-3")
    RelatedCase.objects.create(page=case, case=CasePage.objects.get(slug="sunan-nongcun-shequ"))
    context = client.get(case.url).context
    assert [other.slug for other in context["related_cases"]] == ["sunan-nongcun-shequ"]
    assert not context["related_is_automatic"]


@pytest.mark.django_db
def test_a_year_range_no_case_can_meet_is_refused_with_a_reason():
    with pytest.raises(ValidationError) as refused:
        new_collection(criteria_year_from=2030, criteria_year_to=2000)
    assert "没有案例能同时满足" in refused.value.message_dict["criteria_year_to"][0]
    assert not TrainingCollectionPage.objects.filter(criteria_year_from=2030).exists()
    assert entry_slugs(new_collection(criteria_year_from=2000, criteria_year_to=2030))  # a range that holds cases
