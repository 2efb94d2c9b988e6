"""Structure detection: from cleaned paragraphs to the fields of one or more draft cases.

Everything here is a suggestion for the editor: the title, place, years and vocabulary are
detected by general rules, and the review page shows what was found.
"""

import re
from collections import Counter
from dataclasses import dataclass, field

from search.dictionary import curated_words, place_words
from search.text import fold, query_words, segmenter

from ..taxonomy import Domain, Problem, Region, Theme
from .patterns import ENUMERATION, TERMINAL, TOP_HEADING, ends_sentence, is_heading_like

INTRO_HEADING = "基本情况"
# Section kinds by the words of their heading; the first that matches wins (经验启示 → 启示).
KIND_WORDS = [
    ("启示", "启示|探讨|思考|体会|建议|展望|结语"),
    ("成效", "成效|效果|成果|成绩|变化|收获"),
    ("背景", "背景|起因|动因|基本情况|概况|缘起|问题|现状|要求|引言|前言|由来"),
    ("做法", "做法|举措|措施|经验|任务|路径|机制|探索|办法"),
]
# Headings the importer adds where a headingless text announces results or lessons.
ADDED_HEADINGS = {"背景": INTRO_HEADING, "做法": "主要做法", "成效": "取得成效", "启示": "实践启示"}
_ANNOUNCES = [("成效", re.compile(r"(成效|效果|成绩)[^。；;]{0,30}[:：]")),
              ("启示", re.compile(r"(启示|体会)[^。；;]{0,30}[:：]"))]

UNITS = ("万人次|人次|万元|亿元|万亩|万名|万人|万户|平方米|公里|千米|元|亩|名|人|个|户|家|期|项|条|所|座|场|盏|篇|件|"
         "位|支|批|吨|倍|次|%|％")
FIGURE = re.compile(r"(?<![\d.第])(\d+(?:\.\d+)?(?:[-~—]\d+(?:\.\d+)?)?)([余多]?)([万亿]?)([余多]?)(" + UNITS + ")")
_CLAUSE_END = re.compile(r"[,，;；。:：、(（“”]")
_LABEL_TRIM = re.compile(r"^(已|共|又|先后|累计|目前|全县|全市|全省|其中)+|(达到|达|为|有|共|约|近|计|超过|突破|共有)+$")
_QUOTED = re.compile(r"“([^“”]{2,15})”")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?=年|\s*起|以来)")
_START = re.compile(r"(?:从|自|于)\s*((?:19|20)\d{2})年?(?:起|开始|以来)|(?<!\d)((?:19|20)\d{2})年(?:起|开始)")
_DATE = re.compile(r"((?:19|20)\d{2})[-/.年](\d{1,2})[-/.月](\d{1,2})日?")
# "湖北兴山：" — a place and a colon heading a case in a collection.
_PLACE_HEAD = re.compile(r"^([\u4e00-\u9fff]{2,10})[:：]\s*(.*)$")
# Town and subdistrict names; a stem with a function word or 乡/城 is a phrase (组织乡镇, 选聘为街道).
_LOCAL_PLACE = re.compile(r"[\u4e00-\u9fff]{2}(?:街道|镇)")
_NOT_A_PLACE = re.compile(r"[为的在和与到了及乡城]")
COMMON_SURNAMES = set("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚"
                      "卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")


@dataclass
class Section:
    kind: str
    heading: str
    paragraphs: list = field(default_factory=list)
    added: bool = False          # the heading is the importer's, not the source's


@dataclass
class Figure:
    label: str
    value: str
    unit: str
    year: int | None = None


@dataclass
class CaseDraft:
    """Everything detected for one case, ready to become a draft CasePage."""

    title: str
    sections: list
    source_title: str = ""
    model_name: str = ""
    summary: str = ""
    region: Region | None = None
    region_inferred: str = ""
    unit_level: str = ""
    year_started: int | None = None
    year_reported: int | None = None
    domain: Domain | None = None
    themes: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    tags: list = field(default_factory=list)
    figures: list = field(default_factory=list)
    author: str = ""
    publisher: str = ""
    date: str = ""
    complete: bool = True
    notes: list = field(default_factory=list)

    @property
    def paragraphs(self):
        return [p for section in self.sections for p in section.paragraphs]

    @property
    def text(self):
        return "\n".join([self.title] + [s.heading for s in self.sections] + self.paragraphs)


def title_text(text):
    """A title as one line: no spaces beside Chinese characters or quotes, no trailing colon."""
    text = re.sub(r"\s+(?=[\u4e00-\u9fff“”《》])|(?<=[\u4e00-\u9fff“”《》])\s+", "", text.strip())
    return text.strip("—-_ ").rstrip(":：")


# --- title, byline, metadata ------------------------------------------------------------------

def _file_title(cleaned):
    for line in cleaned.removed_by("文件名与页码列表"):
        name = re.sub(r"(\.\w{2,4})?(_第\d+页)?$", "", line.strip())
        name = name.strip("《》 ")
        if name:
            return title_text(name)
    return ""


def split_title(paragraphs, hint, file_title):
    """(title, the rest): a markup title, a leading short line or "——subtitle", else the file name
    (cut from the start of the text when the text repeats it)."""
    rest = list(paragraphs)
    if hint and rest and title_text(rest[0]) == title_text(hint):
        return title_text(hint), rest[1:]
    for number, paragraph in enumerate(rest[:3]):
        if paragraph.startswith(("——", "--")) and is_heading_like(paragraph.lstrip("—-")):
            return title_text(paragraph), rest[:number] + rest[number + 1:]
    if rest and len(rest[0]) <= 40 and not ends_sentence(rest[0]) and not ENUMERATION.match(rest[0]):
        return title_text(rest[0]), rest[1:]
    title = hint or file_title
    if title and rest and rest[0].startswith(title):
        rest[0] = rest[0][len(title):]
    return title_text(title), [p for p in rest if p]


def split_byline(paragraphs):
    """A name run into the text after its title ("…新模式王国生加快新农村…") is the author's."""
    if not paragraphs:
        return "", paragraphs
    # HMM on: it is what recognises a name the dictionary does not know
    words = segmenter().cut(paragraphs[0][:12], True) if paragraphs[0][:1] in COMMON_SURNAMES else []
    if words and len(words[0]) in (2, 3) and re.fullmatch(r"[\u4e00-\u9fff]+", words[0]):
        return words[0], [paragraphs[0][len(words[0]):]] + paragraphs[1:]
    return "", paragraphs


def metadata(cleaned):
    """Author, outlet and date from the publishing lines the cleaner removed."""
    author = publisher = date = ""
    for line in cleaned.removed_by("发布信息") + cleaned.removed_by("署名"):
        if m := re.search(r"(?:作者|信息发布者|发布者|发布人|撰稿)[:：]\s*([^\s|,，]+)", line):
            author = author or m.group(1)
        if m := re.search(r"(?:来源|稿源|信息来源|文章来源)[:：]\s*([^\s|,，]+)", line):
            publisher = publisher or m.group(1)
        if (m := _DATE.search(line)) and re.search(r"发布|发表|日期|来源", line):
            date = date or f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
        if re.match(r"^[(（].*(记者|通讯员)", line):
            author = author or line.strip("()（） ")
    return author, publisher, date


# --- several cases in one document ------------------------------------------------------------

def _place_head(paragraphs, number, regions):
    """The title of a case that starts at `number` ("湖北兴山:" + its title line), or None."""
    match = _PLACE_HEAD.match(paragraphs[number])
    if not match or not _mentions(match.group(1), regions):
        return None
    if match.group(2):
        return (title_text(paragraphs[number]), 1) if is_heading_like(match.group(2)) else None
    following = paragraphs[number + 1] if number + 1 < len(paragraphs) else ""
    if is_heading_like(following) and not TOP_HEADING.match(following):
        return title_text(paragraphs[number] + following), 2
    return None


def split_cases(paragraphs, regions):
    """[(title or "", paragraphs)] — one entry per case headed by a place ("广东翁源：…")."""
    heads = []
    for number in range(len(paragraphs)):
        head = _place_head(paragraphs, number, regions)
        if head:
            heads.append((number, *head))
    if not heads:
        return [("", paragraphs)], []
    preface = paragraphs[:heads[0][0]]
    cases = []
    for index, (start, title, size) in enumerate(heads):
        end = heads[index + 1][0] if index + 1 < len(heads) else len(paragraphs)
        cases.append((title, paragraphs[start + size:end]))
    return cases, preface


# --- sections ---------------------------------------------------------------------------------

def section_kind(heading, default="做法"):
    folded = fold(heading)
    return next((kind for kind, words in KIND_WORDS if re.search(words, folded)), default)


def _is_heading(paragraph, markup_headings):
    return paragraph in markup_headings or (is_heading_like(paragraph) and not paragraph.startswith(("“", "《")))


_TIME_OPENERS = {"近年来", "目前", "今年", "去年", "近年", "当前"}


def split_run_in_heading(paragraph):
    """(heading, text) for a numbered heading run into its text, else None.

    The heading ends where the text starts a time phrase ("改革开放以来") or repeats the
    heading's opening words (二、统筹城乡发展……新任务 | 统筹城乡发展……).
    """
    first = TERMINAL.split(paragraph, maxsplit=1)[0]
    if not TOP_HEADING.match(paragraph) or len(first) <= 30:
        return None
    words = segmenter().cut(first[:60], False)
    head = ""
    for number, word in enumerate(words[:-1]):
        head += word
        rest = paragraph[len(head):]
        opener = words[number + 1] in _TIME_OPENERS or (number + 2 < len(words) and words[number + 2] == "以来")
        repeats = len(head) > 8 and rest[:4] in head[2:]
        if 8 <= len(head) <= 40 and (opener or repeats):
            return title_text(head), rest
    return None


def sections_of(paragraphs, markup_headings=frozenset()):
    """Sections by the source's headings; a headingless text is divided where it announces
    results or lessons, under the importer's headings."""
    sections = []
    for paragraph in paragraphs:
        run_in = split_run_in_heading(paragraph)
        if run_in or _is_heading(paragraph, markup_headings):
            heading, text = run_in or (title_text(paragraph), None)
            sections.append(Section(section_kind(heading), heading, [text] if text else []))
        elif not sections:
            sections.append(Section("背景", INTRO_HEADING, [paragraph], added=True))
        else:
            sections[-1].paragraphs.append(paragraph)
    sections = [s for s in sections if s.paragraphs]
    if all(section.added for section in sections):
        sections = _divide_headingless(sections[0].paragraphs if sections else [])
    return sections


def _divide_headingless(paragraphs):
    sections = []
    for number, paragraph in enumerate(paragraphs):
        kind = next((kind for kind, cue in _ANNOUNCES if cue.search(paragraph[:80])), None)
        if number == 0:
            kind = "背景"
        elif kind is None and len(sections) == 1:
            kind = "做法"
        if kind and (not sections or sections[-1].kind != kind):
            sections.append(Section(kind, ADDED_HEADINGS[kind], [], added=True))
        sections[-1].paragraphs.append(paragraph)
    return sections


# --- place ------------------------------------------------------------------------------------

def _mentions(text, regions):
    return any(form in text for region in regions for form in place_words(region.name))


def detect_region(title, text, regions):
    """The deepest region the text is clearly about: (region or None).

    Mentions count for a region and all above it (title ×10); below a region the child with the
    most mentions wins, unless siblings tie (苏州、无锡、常州 → 江苏省)."""
    own = Counter()
    for region in regions:
        for form in place_words(region.name):
            own[region.pk] += 10 * title.count(form) + text.count(form)
    children, support = {}, Counter()
    by_id = {region.pk: region for region in regions}
    for region in regions:
        children.setdefault(region.parent_id, []).append(region)
        node = region
        while node is not None:
            support[node.pk] += own[region.pk]
            node = by_id.get(node.parent_id)
    chosen, level = None, children.get(None, [])
    while level:
        ranked = sorted(level, key=lambda r: support[r.pk], reverse=True)
        if not support[ranked[0].pk] or (len(ranked) > 1 and support[ranked[0].pk] == support[ranked[1].pk]):
            break
        chosen = ranked[0]
        level = children.get(chosen.pk, [])
    return chosen


def infer_region_from_cases(text, cases):
    """(region, names) when ≥ 2 local place names (X街道, X镇) of the text occur only in the
    cases of one region — for sources that mask their city ("*市")."""
    names = {name for name in _LOCAL_PLACE.findall(text) if not _NOT_A_PLACE.search(name[:2])}
    regions = {}
    for case in cases:
        for name in names & set(_LOCAL_PLACE.findall(case.body_text())):
            regions.setdefault(name, set()).add(case.region_id)
    agreeing = {name: ids for name, ids in regions.items() if len(ids) == 1}
    region_ids = {next(iter(ids)) for ids in agreeing.values()}
    if len(agreeing) >= 2 and len(region_ids) == 1:
        return Region.objects.get(pk=region_ids.pop()), sorted(agreeing)
    return None, []


# --- figures, years, names, vocabulary --------------------------------------------------------

def _label(paragraph, start, end):
    before = _CLAUSE_END.split(paragraph[max(0, start - 30):start])[-1]
    label = _LABEL_TRIM.sub("", before).strip()
    if len(label) < 2:  # "293个机关事企业单位党组织": what it counts comes after the number
        label = re.split(r"[,，;；。:：、与和的]", paragraph[end:end + 30])[0]
    return label[:100]


def key_figures(paragraphs):
    """Every number with a unit, the value as written ("300余", "5亿多", "1.29" 万名)."""
    figures, seen = [], set()
    for paragraph in paragraphs:
        for match in FIGURE.finditer(paragraph):
            number, approx, multiplier, approx_after, unit = match.groups()
            if approx_after:  # 5亿多元: the approximation follows the multiplier
                value, unit = number + approx + multiplier + approx_after, unit
            else:
                value, unit = number + approx, multiplier + unit
            label = _label(paragraph, match.start(), match.end())
            sentence_start = max(paragraph.rfind(stop, 0, match.start()) for stop in "。；;")
            years = _YEAR.findall(paragraph[sentence_start + 1:match.start()])
            key = (label, value, unit)
            if key not in seen:
                seen.add(key)
                figures.append(Figure(label, value, unit.replace("％", "%"), int(years[-1]) if years else None))
    return figures


def years(text):
    """(year started, latest year the text describes)."""
    start = _START.search(text)
    mentioned = [int(y) for y in _YEAR.findall(text) if 1949 <= int(y) <= 2100]
    started = int(start.group(1) or start.group(2)) if start else None
    return started, max(mentioned) if mentioned else None


def model_name(title, text):
    """The quoted name the text uses most ("1+3模式", "两会两评"), preferring one in the title."""
    counts = Counter(name for name in _QUOTED.findall(text) if not TERMINAL.search(name))
    if not counts:
        return ""
    best = max(counts, key=lambda name: (counts[name] + (3 if name in title else 0), len(name)))
    return best if counts[best] >= 2 else ""


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


def _term_matches(name, folded):
    if fold(name) in folded:
        return True
    words = [word for word in query_words(name) if len(word) >= 2]
    return len(words) >= 2 and all(word in folded for word in words)


def vocabulary(text, model):
    """Suggested domain, themes, problems and tags (curated dictionary words used ≥ 2 times)."""
    folded = fold(text)
    themes = [term for term in Theme.objects.all() if _term_matches(term.name, folded)]
    problems = [term for term in Problem.objects.all() if _term_matches(term.name, folded)]
    domain_counts = {domain: folded.count(fold(domain.name)[:2]) for domain in Domain.objects.all()}
    domain = max(domain_counts, key=domain_counts.get, default=None)
    domain = domain if domain and domain_counts[domain] >= 3 else None
    names = {fold(term.name) for term in (*themes, *problems)}
    counts = Counter({word: folded.count(fold(word)) for word in curated_words()})
    tags = [word for word, count in counts.most_common() if count >= 2 and fold(word) not in names][:8]
    if model and model not in tags:
        tags.insert(0, model)
    return domain, themes, problems, tags[:8]


# --- one document → its cases -----------------------------------------------------------------

def build_drafts(document, cleaned, known_cases=()):
    """The draft cases of a cleaned document (several when cases are headed by places)."""
    regions = list(Region.objects.all())
    author, publisher, date = metadata(cleaned)
    parts, preface = split_cases(cleaned.paragraphs, regions)
    collection = title_text(preface[-1]) if preface and is_heading_like(preface[-1]) else ""
    drafts = []
    for head, paragraphs in parts:
        if head:
            title, rest = head, paragraphs
        else:
            title, rest = split_title(paragraphs, document.title_hint, _file_title(cleaned))
            if not author and title and cleaned.paragraphs and cleaned.paragraphs[0].startswith(title):
                author, rest = split_byline(rest)
        sections = sections_of(rest, document.headings)
        if not title or not sections:
            continue
        drafts.append(_draft(title, sections, regions, known_cases, author, publisher, date))
    for draft in drafts:
        if collection:
            draft.notes.append(f"出自文档《{collection}》，该文档收有 {len(drafts)} 个案例。")
        if cleaned.traditional:
            draft.notes.append("原文为繁体字，已转换为简体。")
    return drafts


def _draft(title, sections, regions, known_cases, author, publisher, date):
    draft = CaseDraft(title=title, source_title=title, sections=sections,
                      author=author, publisher=publisher, date=date)
    text = draft.text
    draft.region = detect_region(title, text, regions)
    if draft.region is None:
        draft.region, names = infer_region_from_cases(text, known_cases)
        if draft.region:
            draft.region_inferred = "、".join(names)
            draft.notes.append(f"原文未写明地区；“{draft.region.full_name}”系根据文中地名{draft.region_inferred}"
                               "推断（与已发布案例中的地名相同），请核对。")
    if draft.region:
        draft.unit_level = {Region.PROVINCE: "省", Region.CITY: "市", Region.COUNTY: "县"}[draft.region.level]
    draft.year_started, draft.year_reported = years("\n".join(draft.paragraphs))
    draft.model_name = model_name(title, text)
    draft.summary = summary(sections)
    draft.figures = key_figures(draft.paragraphs)
    draft.domain, draft.themes, draft.problems, draft.tags = vocabulary(text, draft.model_name)
    last = draft.paragraphs[-1] if draft.paragraphs else ""
    if last and not ends_sentence(last):
        draft.complete = False
        draft.notes.append(f"原文可能不完整：正文止于“……{last[-12:]}”，没有句末标点。")
    added = [s.heading for s in sections if s.added]
    if added:
        draft.notes.append(f"小标题“{'”“'.join(added)}”为导入程序所加。")
    return draft
