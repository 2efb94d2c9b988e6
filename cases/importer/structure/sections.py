"""Sections by the source's headings (or the importer's, where a text has none), and a collection's cases."""

import re

from search.text import fold, segmenter

from ..patterns import ENUMERATION, TERMINAL, TOP_HEADING, ends_sentence, is_heading_like
from .drafts import Section, title_text

INTRO_HEADING = "基本情况"
# A signed article (its author's name under the title) opens with an introduction, not a report
# of the situation.
ARTICLE_INTRO_HEADING = "引言"
# A headingless account that goes event by event (dated meetings, articles, visits) tells how the
# work was pushed forward rather than what was done.
CHRONICLE_HEADING = "推进情况"
# Section kinds by the words of their heading; the first that matches wins (经验启示 → 启示).
KIND_WORDS = [
    # a report's closing problems and plans are neither its background nor what it did
    ("其他", "存在的?(主要)?问题|不足之处|困难和问题|问题[与和]不足|下一步|今后(的)?打算|工作打算|努力方向"),
    ("启示", "启示|探讨|思考|体会|建议|展望|结语"),
    ("成效", "成效|效果|成果|成绩|变化|收获"),
    ("背景", "背景|起因|动因|基本情况|概况|缘起|问题|现状|要求|引言|前言|由来"),
    ("做法", "做法|举措|措施|经验|任务|路径|机制|探索|办法"),
]
# Headings the importer adds where a headingless text announces results or lessons.
ADDED_HEADINGS = {"背景": INTRO_HEADING, "做法": "主要做法", "成效": "取得成效", "启示": "实践启示"}
_ANNOUNCES = [
    ("成效", re.compile(r"(成效|效果|成绩)[^。；;]{0,30}[:：]")),
    ("启示", re.compile(r"(启示|体会)[^。；;]{0,30}[:：]")),
]
# "两年来，……" opening a text's closing paragraph: a look back over the work's own span, which
# reports its results (not 近年来 or 几年来, which open the situation the work answered). Earlier
# in a text it may as well announce what was done (两年来，我们主要做了以下工作).
_LOOKING_BACK = re.compile(r"^([一二两三四五六七八九十半]|\d{1,2})个?多?年多?来[,，]")
# "截止目前，……已建立……": totals so far, which report results when the results are announced next.
_SO_FAR = re.compile(r"^(截止|截至|到|至)(目前|现在|今年|去年|(19|20)\d{2}年)|^目前[,，]")
_DATED = re.compile(r"(19|20)\d{2}年(\d{1,2}月|第\d{1,2}期)")
# "湖北兴山：" — a place and a colon heading a case in a collection.
PLACE_HEAD = re.compile(r"^([\u4e00-\u9fff]{2,10})[:：]\s*(.*)$")


def _place_head(paragraphs, number, places):
    """The title of a case that starts at `number` ("湖北兴山:" + its title line), or None."""
    match = PLACE_HEAD.match(paragraphs[number])
    if not match or not places.names_a_place(match.group(1)):
        return None
    if match.group(2):
        return (title_text(paragraphs[number]), 1) if is_heading_like(match.group(2)) else None
    following = paragraphs[number + 1] if number + 1 < len(paragraphs) else ""
    if is_heading_like(following) and not TOP_HEADING.match(following):
        return title_text(paragraphs[number] + following), 2
    return None


def split_cases(paragraphs, places):
    """[(title or "", paragraphs)] — one entry per case headed by a place ("广东翁源：…")."""
    heads = []
    for number in range(len(paragraphs)):
        head = _place_head(paragraphs, number, places)
        if head:
            heads.append((number, *head))
    if not heads:
        return [("", paragraphs)], []
    preface = paragraphs[: heads[0][0]]
    cases = []
    for index, (start, title, size) in enumerate(heads):
        end = heads[index + 1][0] if index + 1 < len(heads) else len(paragraphs)
        cases.append((title, paragraphs[start + size : end]))
    return cases, preface


def section_kind(heading, default="做法"):
    folded = fold(heading)
    return next((kind for kind, words in KIND_WORDS if re.search(words, folded)), default)


def _is_heading(paragraph, markup_headings):
    if re.match(r"[表图]\s*\d", paragraph) or "\t" in paragraph or re.fullmatch(r"[（(][^()（）]*[)）]", paragraph):
        return False  # a table's or a figure's caption, a table's row, a note in brackets
    return paragraph in markup_headings or (is_heading_like(paragraph) and not paragraph.startswith(("“", "《")))


_TIME_OPENERS = {"近年来", "目前", "今年", "去年", "近年", "当前"}
# A heading without a number, run into its text, is taken only before an opener and a comma
# (搭建城乡互动桥梁近年来，…), never after a subject (兴山县委近年来，…), as copying a PDF leaves it.
_OPENER_AND_COMMA = re.compile(
    r"^(近年来|今年以来|去年以来|多年来|长期以来|一直以来|(19|20)\d{2}年以来|自(19|20)\d{2}年)[，,]"
)
_SUBJECT_END = re.compile(r"(县|市|区|镇|乡|村|省|州|旗|委|部|局|组织|支部|我们|群众|干部|党员|企业|社区|街道|单位)$")


def split_run_in_heading(paragraph):
    """(heading, text) for a heading run into its text, else None.

    A numbered heading ends where the text starts a time phrase ("改革开放以来") or repeats the
    heading's opening words (二、统筹城乡发展……新任务 | 统筹城乡发展……); one without a number
    only before an opener and a comma.
    """
    first = TERMINAL.split(paragraph, maxsplit=1)[0]
    if len(first) <= 30:
        return None
    if not TOP_HEADING.match(paragraph):
        return _unnumbered_run_in_heading(paragraph)
    words = segmenter().cut(first[:60], False)
    head = ""
    for number, word in enumerate(words[:-1]):
        head += word
        rest = paragraph[len(head) :]
        opener = words[number + 1] in _TIME_OPENERS or (number + 2 < len(words) and words[number + 2] == "以来")
        repeats = len(head) > 8 and rest[:4] in head[2:]
        if 8 <= len(head) <= 40 and (opener or repeats):
            return title_text(head), rest
    return None


def _unnumbered_run_in_heading(paragraph):
    for length in range(4, min(16, len(paragraph)) + 1):
        head, rest = paragraph[:length], paragraph[length:]
        if _OPENER_AND_COMMA.match(rest):
            if re.fullmatch(r"[\u4e00-\u9fff“”]+", head) and not _SUBJECT_END.search(head) and ends_sentence(rest):
                return head, rest
            return None
    return None


_BRACKETED_HEADING = re.compile(r"^【([^【】]{2,12})】\s*(\S.*)$")


def _bracketed_heading(paragraph):
    """(heading, text) for a heading in 【】 run into its text: 【主要成效】2022年以来……"""
    match = _BRACKETED_HEADING.match(paragraph)
    return (match.group(1), match.group(2)) if match and is_heading_like(match.group(1)) else None


def _point_with_a_lead(paragraph):
    """(heading, text) for a numbered point whose first sentence is short and heads it."""
    first, _, rest = paragraph.partition("。")
    if TOP_HEADING.match(paragraph) and rest and len(rest) >= 30 and is_heading_like(first) and len(first) <= 20:
        return title_text(first), rest
    return None


def _fold_subsections(sections):
    """A top-level heading with nothing under it but lower headings (二、主要做法 / 1.… / 2.…)
    takes them in as its paragraphs, heading lines and all: a case's sections are one level."""
    folded, gathering = [], False
    for section in sections:
        top = TOP_HEADING.match(section.heading)
        if gathering and not top and not section.added:
            folded[-1].paragraphs += [section.heading, *section.paragraphs]
            continue
        gathering = bool(top) and not section.paragraphs
        folded.append(section)
    return folded


def sections_of(paragraphs, markup_headings=frozenset(), signed=False, model=""):
    """Sections by the source's headings; a headingless text is divided where it announces
    results or lessons, under the importer's headings. The text before the first heading is
    the situation (基本情况), or the introduction (引言) of a signed article."""
    sections = []
    # A text whose top-level points stand on no line of their own heads each point with its first
    # sentence ("一、网格划分到底。以村为单位……").
    points_lead = not any(TOP_HEADING.match(p) and _is_heading(p, markup_headings) for p in paragraphs)
    for paragraph in paragraphs:
        run_in = (
            split_run_in_heading(paragraph)
            or _bracketed_heading(paragraph)
            or (points_lead and _point_with_a_lead(paragraph))
        )
        if run_in or _is_heading(paragraph, markup_headings):
            heading, text = run_in or (title_text(paragraph), None)
            sections.append(Section(section_kind(heading), heading, [text] if text else []))
        elif not sections:
            intro = ARTICLE_INTRO_HEADING if signed else INTRO_HEADING
            sections.append(Section("背景", intro, [paragraph], added=True))
        else:
            sections[-1].paragraphs.append(paragraph)
    sections = [s for s in _fold_subsections(sections) if s.paragraphs]
    if all(section.added for section in sections):
        return _divide_headingless(sections[0].paragraphs if sections else [])
    return _closing_results(sections, model)


def _announced(paragraph):
    return next((kind for kind, cue in _ANNOUNCES if cue.search(paragraph[:80])), None)


def _divide_headingless(paragraphs):
    sections = []
    for number, paragraph in enumerate(paragraphs):
        kind = _announced(paragraph)
        if (
            kind is None
            and _SO_FAR.match(paragraph)
            and number + 1 < len(paragraphs)
            and _announced(paragraphs[number + 1]) == "成效"
        ):
            kind = "成效"
        if (
            number == len(paragraphs) - 1
            and kind is None
            and sections
            and sections[-1].kind == "做法"
            and _LOOKING_BACK.match(paragraph)
        ):
            kind = "成效"
        if number == 0:
            kind = "背景"
        elif kind is None and len(sections) == 1:
            kind = "做法"
        if kind and (not sections or sections[-1].kind != kind):
            sections.append(Section(kind, ADDED_HEADINGS[kind], [], added=True))
        sections[-1].paragraphs.append(paragraph)
    for section in sections:
        dated = sum(bool(_DATED.search(paragraph[:40])) for paragraph in section.paragraphs)
        if section.kind == "做法" and len(section.paragraphs) >= 3 and dated * 2 > len(section.paragraphs):
            section.heading = CHRONICLE_HEADING
    return sections


def _closing_results(sections, model):
    """A text may end, under its last heading of practice, on a paragraph that sums up what the
    model achieved ("商南县“共建共富促和谐”活动的开展，找到了……，建立了……") or looks back over
    its span ("两年来，……"): that paragraph is the results, under the importer's heading."""
    last = sections[-1]
    if last.kind in ("成效", "启示") or len(last.paragraphs) < 2:
        return sections
    closing = last.paragraphs[-1]
    first = TERMINAL.split(closing, maxsplit=1)[0]
    sums_up = model and f"“{model}”" in first[:40] and len(re.findall(r"[\u4e00-\u9fff]了", first)) >= 2
    looks_back = last.kind == "做法" and _LOOKING_BACK.match(closing)
    if ENUMERATION.match(closing) or not (sums_up or looks_back):
        return sections
    last.paragraphs.pop()
    return sections + [Section("成效", ADDED_HEADINGS["成效"], [closing], added=True)]


def drop_cut_off_section(sections):
    """(sections, heading dropped): a source cut off just after a heading leaves that section
    nothing but half a sentence, which is no content for the case."""
    last = sections[-1] if len(sections) > 1 else None
    if (
        last
        and not last.added
        and len(last.paragraphs) == 1
        and len(last.paragraphs[0]) < 80
        and not ends_sentence(last.paragraphs[0])
    ):
        return sections[:-1], last.heading
    return sections, ""


def summary(sections):
    """The first sentences of the text (≤ 3, about 60–200 characters), as the source wrote them."""
    text = sections[0].paragraphs[0] if sections and sections[0].paragraphs else ""
    sentences = re.findall(r"[^。！？!?]+[。！？!?]?[”’」]?", text)
    result = ""
    for sentence in sentences[:3]:
        if len(result) >= 60 or len(result) + len(sentence) > 300:
            break
        result += sentence
    return result.strip()
