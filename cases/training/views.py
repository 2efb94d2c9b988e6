import re

from django.http import Http404
from django.template.response import TemplateResponse
from wagtail.models import Site

from search.text import drop_controls

from .. import finding
from ..blocks import ENUMERATION, html_paragraphs
from ..comparing import MAX_COMPARED
from ..pages import CasePage
from .models import TrainingCollectionPage

MAX_PRACTICE_POINTS = 6
POINT_LENGTH = 40
POINT_END = re.compile(r"[。！？；;:：]")
# The "加入对比" list offers the newest cases; any other is ticked for comparison in the case library.
ADDABLE = 30


def requested_slugs(request):
    """Slugs from ?cases=a,b and/or ?cases=a&cases=b, in order, as typed."""
    values = request.GET.getlist("cases")[:20]
    return [slug.strip()[:100] for value in values for slug in drop_controls(value).split(",") if slug.strip()][:20]


def practice_points(case):
    """What the 主要做法 row shows of a case: the headings of its 做法 sections when it has
    several, else the numbered points of its one section (each point's opening phrase), else
    its first sentences: a heading such as “二、主要做法” alone compares nothing."""
    sections = [block.value for block in case.body if block.block_type == "section" and block.value["kind"] == "做法"]
    if len(sections) > 1:
        return [section["heading"] for section in sections][:MAX_PRACTICE_POINTS]
    paragraphs = [paragraph for section in sections for paragraph in html_paragraphs(section["text"].source)]
    marked = [(match, paragraph) for paragraph in paragraphs if (match := ENUMERATION.match(paragraph))]
    # One level of points: those numbered as the first is (（一） or 第一, not also 一是).
    level = _numbering(marked[0][0].group()) if marked else None
    numbered = [_opening(paragraph[match.end() :]) for match, paragraph in marked if _numbering(match.group()) == level]
    return (numbered or [_opening(paragraph) for paragraph in paragraphs[:2]])[:MAX_PRACTICE_POINTS]


def _numbering(marker):
    """A numbering marker without its number: “（一）” → “（）”, “第二,” → “第,”."""
    return re.sub(r"[一二三四五六七八九十\d]", "", marker)


def _opening(text):
    """A point's opening phrase: up to its first stop or colon, shortened."""
    phrase = POINT_END.split(text.strip(), maxsplit=1)[0]
    return phrase if len(phrase) <= POINT_LENGTH else phrase[:POINT_LENGTH] + "…"


def addable_cases(compared):
    """The newest published cases not yet compared, titles and slugs only."""
    # From search, in the case library's order: ordering every case in SQL cost ~90 ms at 10,000.
    compared_ids = {case.pk for case in compared}
    ids = [pk for pk in finding.newest_case_ids(ADDABLE + len(compared_ids)) if pk not in compared_ids][:ADDABLE]
    found = CasePage.objects.published().select_related(None).prefetch_related(None).only("title", "slug").in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


def compare(request):
    """Cases side by side; unknown, repeated or surplus slugs are explained, the rest shown."""
    messages, unique, repeated = [], [], []
    for slug in requested_slugs(request):
        (repeated if slug in unique else unique).append(slug)
    found = {
        case.slug: case
        for case in CasePage.objects.published().prefetch_related("problems", "key_figures").filter(slug__in=unique)
    }
    for slug in dict.fromkeys(repeated):
        named = f"《{found[slug].title}》" if slug in found else f"“{slug}”"
        messages.append(f"{named}重复出现，只显示一次。")
    for slug in unique:
        if slug not in found:
            messages.append(f"没有找到“{slug}”这个已发布案例（链接可能有误，或案例已撤下）。")
    cases = [found[slug] for slug in unique if slug in found]
    if len(cases) > MAX_COMPARED:
        messages.append(
            f"最多同时对比 {MAX_COMPARED} 个案例，已略去：{'、'.join(c.title for c in cases[MAX_COMPARED:])}。"
        )
        cases = cases[:MAX_COMPARED]
    if len(cases) < 2:
        messages.append("请至少选择两个案例进行对比。")

    rows = [
        ("地区", [case.place for case in cases]),
        ("单位层级", [case.unit_level for case in cases]),
        ("年份", [case.years for case in cases]),
        ("模式名称", [case.model_name for case in cases]),
        ("领域", [case.domain.name if case.domain else "" for case in cases]),
        ("主题", ["、".join(theme.name for theme in case.themes.all()) for case in cases]),
        ("针对难题", ["、".join(problem.name for problem in case.problems.all()) for case in cases]),
    ]
    slugs = [case.slug for case in cases]
    return TemplateResponse(
        request,
        "cases/compare.html",
        {
            "cases": cases,
            "messages_list": messages,
            "rows": rows,
            "figures": [list(case.key_figures.all()) for case in cases],
            "practices": [practice_points(case) for case in cases],
            "columns": [(case, ",".join(s for s in slugs if s != case.slug)) for case in cases],
            "current": ",".join(slugs),
            "max_compared": MAX_COMPARED,
            "addable": addable_cases(cases) if len(cases) < MAX_COMPARED else [],
        },
    )


def collection_handout(request, page_path):
    """<collection URL>handout.docx: Wagtail's page URLs end in a slash, so this route sits
    beside them and finds the collection the way Wagtail would (live, view restrictions)."""
    site = Site.find_for_request(request)
    if site is None:
        raise Http404
    page, _, _ = site.root_page.specific.route(request, [part for part in page_path.split("/") if part])
    if not isinstance(page, TrainingCollectionPage) or not page.live:
        raise Http404
    for restriction in page.get_view_restrictions():
        if not restriction.accept_request(request):
            raise Http404
    return page.handout(request)
