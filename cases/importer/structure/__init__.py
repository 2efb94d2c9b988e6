"""Structure detection: from cleaned paragraphs to the fields of one or more draft cases.

Everything here is a suggestion for the editor: the title, place, years and vocabulary are
detected by general rules, and the review page shows what was found. One module per thing
found: titles (and the model name), metadata (author, outlet, dates, years), sections, figures,
vocabulary; drafts holds what a draft is made of.
"""

from search.text import to_simplified

from ...taxonomy import Region
from ..patterns import ends_sentence, is_heading_like
from ..places import PlaceFinder
from .drafts import CaseDraft, title_text
from .figures import chosen_figures
from .metadata import metadata, split_byline, years
from .sections import drop_cut_off_section, sections_of, split_cases, summary
from .titles import OCCASION, case_title, file_title, local_unit, model_name, split_title
from .vocabulary import vocabulary


def build_drafts(document, cleaned):
    """The draft cases of a cleaned document (several when cases are headed by places)."""
    places = PlaceFinder(Region.objects.select_related("parent__parent"))
    author, publisher, date = metadata(cleaned)
    parts, preface = split_cases(cleaned.paragraphs, places)
    collection = title_text(preface[-1]) if preface and is_heading_like(preface[-1]) else ""
    # as the cleaner left the text: Simplified
    markup_headings = set(to_simplified("\n".join(document.headings)).split("\n")) if document.headings else set()
    drafts = []
    for head, paragraphs in parts:
        signed = ""
        if head:
            title, rest = head, paragraphs
        else:
            title, rest = split_title(paragraphs, document.title_hint, file_title(cleaned), cleaned)
            if not author and title and cleaned.paragraphs and cleaned.paragraphs[0].startswith(title):
                signed, rest = split_byline(rest)
        model = model_name(title, "\n".join(rest))
        sections = sections_of(rest, markup_headings, signed=bool(signed), model=model)
        if not title or not sections:
            continue
        draft = _draft(title, sections, places, model, signed or author, publisher, date)
        if signed:
            # Text taken out of the body: the editor checks it was a byline.
            draft.notes.append(f"正文开头紧接标题的“{signed}”看作作者署名，已移到“作者”，请核对。")
        drafts.append(draft)
    for draft in drafts:
        if collection:
            draft.notes.append(f"出自文档《{collection}》，该文档收有 {len(drafts)} 个案例。")
        if cleaned.traditional:
            draft.notes.append("原文为繁体字，已转换为简体。")
    return drafts


def _draft(title, sections, places, model, author, publisher, date):
    # A text ending in a table (its rows' cells tab-separated) ends where its data does, not
    # with a stop: its end says nothing of a cut.
    last = sections[-1].paragraphs[-1] if sections[-1].paragraphs else ""
    last = "" if "\t" in last else last
    sections, cut_off = drop_cut_off_section(sections)
    draft = CaseDraft(
        title=title,
        source_title=title,
        sections=sections,
        model_name=model,
        author=author,
        publisher=publisher,
        date=date,
    )
    text = draft.text
    place = places.detect(title, text)
    if place is None:
        place, towns = places.from_towns(text)
        if place:
            draft.region_inferred = "、".join(towns)
            draft.notes.append(
                f"原文未写明地区；“{place.full_name}”系根据文中的乡镇（街道）名{draft.region_inferred}推断，请核对。"
            )
    draft.region = places.region(place) if place else None
    if draft.region is not None and draft.region.pk is None:
        draft.notes.append(f"地区“{draft.region.full_name}”原不在地区分类中，导入时随草稿一并添加。")
    if draft.region:
        draft.unit_level = {Region.PROVINCE: "省", Region.CITY: "市", Region.COUNTY: "县"}[draft.region.level]
    opening = next((section.paragraphs[0] for section in sections if section.paragraphs), "")
    # a subtitle says what and where, the main title above it is a headline; but a speech's
    # subtitle names the occasion ("——在全市……推进会上的交流发言")
    main, _, subtitle = title.rpartition("——")
    basis = main if main and OCCASION.search(subtitle) else subtitle
    draft.title = case_title(basis, draft.region, places, model, text, opening)
    draft.unit_level = local_unit(basis, text)[1] or draft.unit_level  # a village's work, not its county's
    if draft.title != title:
        guessed = f"，其中地名“{draft.region.name}”系推断" if draft.region_inferred else ""
        draft.notes.append(f"案例标题由原文标题《{title}》整理而成（地名 + 模式名称{guessed}），请核对。")
    draft.year_started, draft.year_reported = years("\n".join(draft.paragraphs))
    # The document's own date, not the latest year its results name; unless it is a page that
    # posted the text years after (the text's latest year well before the date).
    dated = int(draft.date[:4]) if draft.date else None
    if dated and (draft.year_reported is None or draft.year_reported >= dated - 1):
        draft.year_reported = dated
    draft.summary = summary(sections)
    draft.figures, draft.other_figures = chosen_figures(sections)
    if draft.other_figures:
        listed = "；".join(f"{f.label}：{f.value}{f.unit}" for f in draft.other_figures)
        draft.notes.append(f"关键数据只列了最重要的 {len(draft.figures)} 项；文中其他数字可按需添加：{listed}。")
    draft.domain, draft.themes, draft.problems, draft.tags = vocabulary(text, draft.model_name)
    if last and not ends_sentence(last):
        draft.complete = False
        draft.notes.append(f"原文可能不完整：正文止于“……{last[-12:]}”，没有句末标点。")
    if cut_off:
        draft.notes.append(f"原文在小标题“{cut_off}”后只剩半句即中断，该节未导入（原文见“来源”）。")
    added = [s.heading for s in sections if s.added]
    if added:
        draft.notes.append(f"小标题“{'”“'.join(added)}”为导入程序所加。")
    return draft
