"""Structure detection: from cleaned paragraphs to the fields of one or more draft cases.

Everything here is a suggestion for the editor: the title, place, years and vocabulary are
detected by general rules, and the review page shows what was found.
"""

import itertools
import re
from collections import Counter
from dataclasses import dataclass, field

from search.text import curated_words, fold, segmenter, to_simplified
from search.text import vocabulary as search_vocabulary

from ..taxonomy import Domain, Problem, Region, Theme
from .clean import ISSUER, Removed
from .patterns import ENUMERATION, TERMINAL, TOP_HEADING, ends_sentence, is_heading_like
from .places import PlaceFinder

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
# "截止目前，……已建立……": totals so far, which report results when the results are announced next.
_SO_FAR = re.compile(r"^(截止|截至|到|至)(目前|现在|今年|去年|(19|20)\d{2}年)|^目前[,，]")
_DATED = re.compile(r"(19|20)\d{2}年(\d{1,2}月|第\d{1,2}期)")

UNITS = (
    "万人次|人次|万元|亿元|万亩|万名|万人|万户|平方米|公里|千米|元|亩|名|人|个百分点|个|户|家|期|项|条|所|座|场|盏|篇|件|"
    "位|支|批|吨|倍|次|%|％"
)
# Counted things: a count under ten of them is an example's detail ("带领3名理事"), not a key figure.
COUNT_UNITS = {
    "人次",
    "名",
    "人",
    "个",
    "户",
    "家",
    "期",
    "项",
    "条",
    "所",
    "座",
    "场",
    "盏",
    "篇",
    "件",
    "位",
    "支",
    "批",
    "次",
}
FIGURE = re.compile(
    r"(?<![\d.第])(\d+(?:\.\d+)?)((?:[-~—～至到]\d+(?:\.\d+)?)?)([余多]?)([万亿]?)([余多]?)(" + UNITS + ")"
)
# A rate or a norm, not a result: 每人3万元, 人均…, 村平5万元, 1000元/场.
_RATE_BEFORE = re.compile(r"(每|人均|户均|平均|村平|村均|年均|月均|按)[^,，;；。:：、]{0,4}$")
_RATE_AFTER = re.compile(r"^[/／每]")
# A threshold or a target, not a result: 5万元以上的村, 不少于1000平方米, 力争达到90%.
_BOUND_BEFORE = re.compile(r"(不少于|不低于|不超过|不高于|不足|力争|争取|目标)[^,，;；。]{0,6}$")
_BOUND_AFTER = re.compile(r"^(以上|以下|以内)的")
# Full-width digits read as digits, one character for one: positions stay those of the text.
_HALF_WIDTH = str.maketrans("０１２３４５６７８９．％", "0123456789.%")
_CLAUSE_END = re.compile(r"[,，;；。:：、(（“”]")
_LABEL_TRIM = re.compile(
    r"^(的|已|共|又|先后|累计|目前|全县|全市|全省|其中)+|(达到|达|为|有|共|约|近|计|超过|突破|共有)+$"
)
MAX_FIGURES = 50
# Numbers looked at for them: a real case has a few hundred at most.
MAX_NUMBERS = 2000
_QUOTED = re.compile(r"[“「]([^“”「」]{2,15})[”」]")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?=年|\s*起|以来)")
_START = re.compile(
    r"(?:从|自|于)\s*((?:19|20)\d{2})年?(?:\d{1,2}月)?(?:[^。；;，,\d]{0,16}?开始|起|以来)|"
    r"(?<!\d)((?:19|20)\d{2})年(?:\d{1,2}月)?(?:起|开始|以来)"
)
# A target, not a year the case reached: 力争到2020年底.
_TARGET_YEAR = re.compile(r"(?:力争|计划|预计|争取|目标)[^。；;，,]{0,4}?((?:19|20)\d{2})年")
_DATE = re.compile(r"((?:19|20)\d{2})[-/.年](\d{1,2})[-/.月](\d{1,2})日?")
# "湖北兴山：" — a place and a colon heading a case in a collection.
_PLACE_HEAD = re.compile(r"^([\u4e00-\u9fff]{2,10})[:：]\s*(.*)$")
# Town and subdistrict names; a stem with a function word or 乡/城 is a phrase (组织乡镇, 选聘为街道).
COMMON_SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚"
    "卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)


@dataclass
class Section:
    kind: str
    heading: str
    paragraphs: list = field(default_factory=list)
    added: bool = False  # the heading is the importer's, not the source's


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
    repeats: list = field(default_factory=list)  # cases it probably repeats (importer.duplicates)

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


# A speech's subtitle names its occasion: "——在全市……推进会上的交流发言".
_OCCASION = re.compile(r"(会议?|座谈会|论坛)上的(交流|典型)?(发言|讲话|汇报|报告)$")
# A page title's site name: "…提质增效--准格尔旗党建网", "…_光山县人民政府".
_SITE_SUFFIX = re.compile(r"\s*(?:--|__|_|\||｜|-\s)\s*[^-_|｜]{2,30}$")


def _title_like(line):
    """A title's line: at most 40 characters, no sentence stop, not a numbered point."""
    return 0 < len(line) <= 40 and not ends_sentence(line) and not ENUMERATION.match(line)


def split_title(paragraphs, hint, file_title, cleaned):
    """(title, the rest): a markup title, a leading short line or "——subtitle", else the file name
    (cut from the start of the text when the text repeats it). Title lines above a main title
    and its subtitle (a site's name for the document) are recorded in `cleaned` as removed."""
    rest = list(paragraphs)
    hint = _SITE_SUFFIX.sub("", hint or "")
    # the page's own title, below its navigation: what lies above it is page chrome
    at = next((n for n, line in enumerate(rest[:15]) if hint and title_text(line) == title_text(hint)), None)
    if at is not None:
        cleaned.removed += [Removed("标题上方的页面内容", line) for line in rest[:at]]
        return title_text(hint), rest[at + 1 :]
    for number, paragraph in enumerate(rest[:3]):
        if paragraph.startswith(("——", "--")) and _title_like(paragraph.lstrip("—-")):
            if number and _title_like(rest[number - 1]):
                # the main title above it: "“兰花支部”开出致富花——翁源县江尾镇……纪实"
                title = f"{title_text(rest[number - 1])}——{title_text(paragraph)}"
                above = rest[: number - 1]
                if all(_title_like(line) for line in above):
                    cleaned.removed += [Removed("标题上方的文档名", line) for line in above]
                    above = []
                return title, above + rest[number + 1 :]
            return title_text(paragraph), rest[:number] + rest[number + 1 :]
    if rest and _title_like(rest[0]):
        return title_text(rest[0]), rest[1:]
    title = hint or file_title
    if title and rest and rest[0].startswith(title):
        rest[0] = rest[0][len(title) :]
    return title_text(title), [p for p in rest if p]


def split_byline(paragraphs):
    """A name run into the text after its title ("…新模式王国生加快新农村…") is the author's."""
    if not paragraphs:
        return "", paragraphs
    # HMM on: it is what recognises a name the dictionary does not know
    words = segmenter().cut(paragraphs[0][:12], True) if paragraphs[0][:1] in COMMON_SURNAMES else []
    if words and len(words[0]) in (2, 3) and re.fullmatch(r"[\u4e00-\u9fff]+", words[0]):
        return words[0], [paragraphs[0][len(words[0]) :]] + paragraphs[1:]
    return "", paragraphs


def _iso_date(match):
    """2019-05-20 from a _DATE match."""
    return f"{match.group(1)}-{int(match.group(2)):02d}-{int(match.group(3)):02d}"


def metadata(cleaned):
    """Author, outlet and date from the publishing lines the cleaner removed."""
    author = publisher = date = ""
    # a publishing line with a counter on it ("发布时间：… 浏览：322次") goes as a counter
    for line in (
        cleaned.removed_by("发布信息")
        + cleaned.removed_by("署名")
        + cleaned.removed_by("阅读与页码计数")
        + cleaned.removed_by("电头")
    ):
        line = fold(line)  # full-width digits
        # "执笔：遵义市委组织部 刘洋": the person, after the body they write for
        if m := re.search(
            r"(?:作者|信息发布者|发布者|发布人|撰稿人?|执笔人?|供稿人?|编写人?)[:：]\s*(?:记者|通讯员)?\s*"
            r"(?:\S+(?:委|部|局|办|中心)\s+)?"
            r"([\u4e00-\u9fff](?:\s{0,2}[\u4e00-\u9fff]){1,3}(?!\s{0,2}[\u4e00-\u9fff]*[:：])(?![\u4e00-\u9fff])|[^\s|,，)）]+)",
            line,
        ):
            author = author or re.sub(r"\s", "", m.group(1))
        if m := re.search(r"(?:来源|稿源|信息来源|文章来源)[:：]\s*([^\s|,，]+)", line):
            publisher = publisher or m.group(1)
        if m := _DATE.search(line):  # a publishing line's or a byline's date is the document's
            date = date or _iso_date(m)
        if m := re.search(r"记者\s*([\u4e00-\u9fff]{2,4})(?=\s|[)）]|$)", line):
            author = author or m.group(1)
        elif re.match(r"^[(（].*(记者|通讯员)", line):
            author = author or line.strip("()（） ")
    # an official document: the body that issued it, and its date
    for line in cleaned.removed_by("公文版头与版记"):
        folded = fold(line)
        if ISSUER.match(folded):
            publisher = publisher or re.sub(r"\s*\d{4}年.*$", "", line.strip())
        if m := _DATE.search(folded):
            date = date or _iso_date(m)
    return author, publisher, date


# --- several cases in one document ------------------------------------------------------------


def _place_head(paragraphs, number, places):
    """The title of a case that starts at `number` ("湖北兴山:" + its title line), or None."""
    match = _PLACE_HEAD.match(paragraphs[number])
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


# --- sections ---------------------------------------------------------------------------------


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
    model achieved ("商南县“共建共富促和谐”活动的开展，找到了……，建立了……"): that paragraph
    is the results, under the importer's heading."""
    last = sections[-1]
    if not model or last.kind in ("成效", "启示") or len(last.paragraphs) < 2:
        return sections
    closing = last.paragraphs[-1]
    first = TERMINAL.split(closing, maxsplit=1)[0]
    if ENUMERATION.match(closing) or f"“{model}”" not in first[:40] or len(re.findall(r"[\u4e00-\u9fff]了", first)) < 2:
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


# --- place ------------------------------------------------------------------------------------

# --- the case's title: place + what -----------------------------------------------------------

# The verbs a report title puts before the name of what it reports ("推进农村党建“1+3模式”").
_TITLE_VERB = re.compile(
    r"^(?:积极|大力|深入|全面|扎实|认真|努力|着力|不断|持续)?(?:推进|开展|推广|推行|培育|实施|探索|"
    r"打造|建立|构建|深化|加强|完善|实行|创建|坚持|做好|抓好|健全|落实|践行|试行|启动|推动|创新|"
    r"抓实|抓牢|做实|夯实|用好|擦亮|打响|叫响|聚焦|念好|走好|激活|筑牢|织密|建强|强化|提升|以)"
)
# The kind of thing a quoted name is ("“两会两评”模式", "“共建共富促和谐”党建活动"); what follows it
# in a title is about the report ("进展情况及取得成果综述", "纪实").
_TITLE_KIND = re.compile(
    r"^[\u4e00-\u9fff]{0,4}?(?:模式|活动|工程|机制|制度|工作法|行动|计划|品牌|体系|平台|载体|联盟|"
    r"联合体|工作室|驿站|清单|积分制|议事会|理事会|服务队)"
)
_TITLE_QUOTE = re.compile(r"[“「]([^“”「」]{2,20})[”」]")
# A title ending in its genre ("…互帮互助交流", "…工作纪实") names the report, not the case; such a
# report says in its opening what it reports on ("大力推行城乡基层党组织联建，形成了…").
_REPORT_GENRE = re.compile(r"(?:经验)?(?:交流(?:材料)?|纪实|综述|汇报(?:材料)?|(?:情况|调研|调查)报告|工作总结)$")
_OPENING_PRACTICE = re.compile(
    r"(?:大力|积极|全面|深入|普遍)?(?:推行|推广|实施|开展|推进)(?![了着过的以把将在对从])"
    r"([\u4e00-\u9fff]{4,14})[，,。；;]"
)
# A province's short name, which names its parts: 苏南地区, 陕南地区, 粤东西北地区.
PROVINCE_SHORT_NAMES = {
    "北京": "京",
    "天津": "津",
    "河北": "冀",
    "山西": "晋",
    "内蒙古": "蒙",
    "辽宁": "辽",
    "吉林": "吉",
    "黑龙江": "黑",
    "上海": "沪",
    "江苏": "苏",
    "浙江": "浙",
    "安徽": "皖",
    "福建": "闽",
    "江西": "赣",
    "山东": "鲁",
    "河南": "豫",
    "湖北": "鄂",
    "湖南": "湘",
    "广东": "粤",
    "广西": "桂",
    "海南": "琼",
    "重庆": "渝",
    "四川": "川蜀",
    "贵州": "黔贵",
    "云南": "滇云",
    "西藏": "藏",
    "陕西": "陕秦",
    "甘肃": "甘陇",
    "青海": "青",
    "宁夏": "宁",
    "新疆": "新",
}


def _area_name(region, text):
    """The part of a province the text is about, as it names it ("苏南地区"), if it names one."""
    short = next((abbr for name, abbr in PROVINCE_SHORT_NAMES.items() if region.name.startswith(name)), "")
    if region.level != Region.PROVINCE or not short:
        return ""
    areas = Counter(re.findall(f"[{short}](?:东南|西南|东北|西北|东西北|东|南|西|北|中)部?地区", text))
    area, count = areas.most_common(1)[0] if areas else ("", 0)
    return area if count >= 2 else ""


def _title_place(source_title, region, places, text):
    """(place, the rest of the title): the place a title starts with ("五常市…"), the region a
    place head names ("湖北兴山:" → 兴山县), or for a title naming no place, the detected one."""
    head = _PLACE_HEAD.match(source_title)
    if head and places.names_a_place(head.group(1)):
        named = region is not None and places.names(head.group(1), region)
        return (region.name if named else head.group(1)), head.group(2)
    place, rest = "", source_title
    while start := places.starting(rest):  # 苏州市吴江区…
        place, rest = place + start, rest[len(start) :]
    if place:
        return place, rest
    if region is None or places.names(source_title, region):
        return "", source_title
    return _area_name(region, text) or region.name, source_title


def case_title(source_title, region, places, model, text, opening=""):
    """The case's name, where + what, in the words of the source and the region taxonomy: the
    place, then the quoted name the title reports on with its kind ("五常市" + "农村党建“1+3模式”"),
    without the report's verb or its tail ("推进", "进展情况及取得成果综述"). When the title
    quotes a slogan but the text names its model otherwise, the model's name stands for it
    ("培育农村党员创业“领头雁”" → "“农村党员创业示范工程”"). A title naming only its genre
    gives way to what the opening says is practised, with the model's name in brackets."""
    place, core = _title_place(source_title, region, places, text)
    named_elsewhere = not place and region is not None and places.names(source_title, region)
    quoted = _TITLE_QUOTE.search(core)
    practice = _OPENING_PRACTICE.search(opening) if not quoted and _REPORT_GENRE.search(core) else None
    if practice:
        what = practice.group(1)
        core = what + (f"（{model}）" if model and model not in what else "")
    elif quoted:
        if model and quoted.group(1) != model and model not in core:
            core = f"“{model}”"
        else:
            kind = _TITLE_KIND.match(core[quoted.end() :])
            core = _TITLE_VERB.sub("", core[: quoted.start()]) + quoted.group(0) + (kind.group(0) if kind else "")
    if named_elsewhere and not places.names(core, region):
        place = region.name  # the cut left the place out: "“余村经验”+…：安吉县以……"
    return title_text(place + core) or source_title


# --- figures, years, names, vocabulary --------------------------------------------------------


# What a count measures when the noun follows it (6368名农村党员，293个机关事企业单位党组织与…): the
# words up to a stop, a function word or a verb that starts the rest of the sentence.
_NOUN_AFTER_END = re.compile(
    r"[,，;；。:：、“”\d]|以上|以下|左右|的|在|被|与|和|及|等|中|里|深入|结成|参加|参与|加入|实现|完成|获得|"
    r"达到|进行|开展|组成|担任|走上|受到|得到|成为|全部|均|都|已|先后|推行|推广|实行|实施|建立|组建|形成|设立|"
    r"配备|选派|选聘|覆盖|落实|签订|结对|联系|带动|发挥"
)
# The manner before what was done (以出租、入股等方式流转土地): not what the figure measures.
_MANNER = re.compile(r"^.*?(方式|形式|途径|办法)(?=[\u4e00-\u9fff]{2})")
# A verb or a scope before the noun a figure counts (已建立各类农民专业合作社751个): not part of it.
_LEADING_VERB = re.compile(
    r"^(?:已|共|先后|累计|目前|全县|全市|全省|全镇|其中|今年|去年|各类|共计)*"
    r"(?:建立|建起|建成|组建|成立|吸纳|发展|新上|组织引导|引导|拥有|有(?!.*的$))(?:了|起)?(?:各类)?(?=[\u4e00-\u9fff]{2})"
)
_PLACE_ONLY = re.compile(r"^[\u4e00-\u9fff]{1,6}(省|市|县|区|镇|乡|村)$")


def _label(paragraph, start, end, previous_end=0, counted=False):
    """What a number measures, as a noun phrase in the source's words: the noun after a count
    ("6368名"农村党员), else the clause before it without its verb ("建立"关怀理事会 92个); a share
    reads as one (占全市村级党组织的 39% → 占全市村级党组织的比例)."""
    before = _CLAUSE_END.split(paragraph[max(0, start - 30, previous_end) : start])[-1]
    label = re.sub(r"(只|仅|就|才|均|都)$", "", _LABEL_TRIM.sub("", before).strip())
    label = _MANNER.sub("", _LEADING_VERB.sub("", label))
    after = _NOUN_AFTER_END.split(paragraph[end : end + 30], maxsplit=1)[0]
    after = re.sub(r"[(（][^()（）]*$", "", after)  # a bracket the noun does not close is not its own
    if counted and (len(after) >= 2 or (after and (not label or _PLACE_ONLY.match(label)))):
        return after[:100]
    if label.startswith("占") and label.endswith("的"):
        return (label + "比例")[:100]
    if label.endswith("占"):  # 55岁以上的占 51%
        return (label + "比")[:100]
    if len(label) < 2 or label.endswith(("的", "与", "和", "同", "及")):
        after = re.split(r"[,，;；。:：、与和的及\d]", paragraph[end : end + 30])[0]
        label = after if len(after) >= 2 else label
    return label[:100]


def _is_key_figure(paragraph, match, label):
    """A result or a size: not a range or a rate (norms), not a small count, and it counts something."""
    number, span, approx, multiplier, approx_after, unit = match.groups()
    if span or re.search(r"\d[-~—～至到]$", paragraph[max(0, match.start() - 2) : match.start()]):
        return False
    if _RATE_BEFORE.search(paragraph[max(0, match.start() - 8) : match.start()]) or _RATE_AFTER.match(
        paragraph[match.end() : match.end() + 1]
    ):
        return False
    if _BOUND_BEFORE.search(paragraph[max(0, match.start() - 12) : match.start()]) or _BOUND_AFTER.match(
        paragraph[match.end() : match.end() + 3]
    ):
        return False
    if unit in COUNT_UNITS and not (approx or multiplier or approx_after) and float(number) < 10:
        return False
    return len(re.findall(r"[\u4e00-\u9fff]", label)) >= 2


# A table: its rows are lines of tab-separated cells (decode), the first its header.
_CELL_NUMBER = re.compile(r"^(\d+(?:\.\d+)?)([余多]?)([万亿]?)(" + UNITS + r")?$")
_UNIT_IN_BRACKETS = re.compile(r"\s*[(（]([^()（）]{1,6})[)）]\s*$")
_YEAR_COLUMN = re.compile(r"^((?:19|20)\d{2})年?(?:底|末|度)?$")


def _is_row(paragraph):
    return "\t" in paragraph


def table_figures(rows):
    """Key-figure candidates of a table: a row's name (and its column's, unless the column is a
    year) is the label, a unit in brackets after either is the unit (嘎查村（个） | 2021年 → 172 个)."""
    header, *body = [[cell.strip() for cell in row.split("\t")] for row in rows]
    figures = []
    for cells in body:
        for column, cell in enumerate(cells[1 : len(header)], start=1):
            number = _CELL_NUMBER.match(cell.translate(_HALF_WIDTH))
            if not number or not cells[0]:
                continue
            year = _YEAR_COLUMN.match(header[column])
            name = cells[0] if year else cells[0] + _UNIT_IN_BRACKETS.sub("", header[column])
            unit = _UNIT_IN_BRACKETS.search(cells[0]) or _UNIT_IN_BRACKETS.search(header[column])
            value, approx, multiplier, written_unit = number.groups()
            figures.append(
                Figure(
                    _UNIT_IN_BRACKETS.sub("", name)[:100],
                    value + approx,
                    multiplier + (written_unit or (unit.group(1) if unit else "")),
                    int(year.group(1)) if year else None,
                )
            )
    return figures


def key_figures(paragraphs):
    """Key-figure candidates: a number, its unit and what it counts, the value as written ("300余",
    "5亿多", "1.29" 万名), and a table's cells; at most MAX_FIGURES, in the order of the text."""
    figures, seen, numbers = [], set(), 0
    for at, written in enumerate(paragraphs):
        if _is_row(written):
            if at and _is_row(paragraphs[at - 1]):
                continue  # a row of a table read at its first row
            rows = list(itertools.takewhile(_is_row, paragraphs[at:]))
            if len(rows) >= 2:  # a row alone is a line of text
                for figure in table_figures(rows):
                    if (figure.label, figure.value, figure.unit) not in seen:
                        seen.add((figure.label, figure.value, figure.unit))
                        figures.append(figure)
                continue
        paragraph = written.translate(_HALF_WIDTH)
        previous_end, label = 0, ""
        for match in FIGURE.finditer(paragraph):
            numbers += 1
            if numbers > MAX_NUMBERS:
                return figures
            # the value as written, full-width digits and all
            number, _, approx, multiplier, approx_after, unit = (
                written[match.start(group) : match.end(group)] for group in range(1, 7)
            )
            if approx_after:  # 5亿多元: the approximation follows the multiplier
                value, unit = number + approx + multiplier + approx_after, unit
            else:
                value, unit = number + approx, multiplier + unit
            # "分别达65%、67%、60%": the values of a list share what they count
            if paragraph[previous_end : match.start()] not in ("、", "和", "与", "及"):
                label = _label(written, match.start(), match.end(), previous_end, counted=match.group(6) in COUNT_UNITS)
            previous_end = match.end()
            if not _is_key_figure(paragraph, match, label):
                continue
            # the year of the sentence, looked for nearby only: a paragraph may be very long
            window = paragraph[max(0, match.start() - 200) : match.start()]
            years = _YEAR.findall(window[max(window.rfind(stop) for stop in "。；;") + 1 :])
            key = (label, value, unit)
            if key not in seen:
                seen.add(key)
                figures.append(Figure(label, value, unit.replace("％", "%"), int(years[-1]) if years else None))
                if len(figures) == MAX_FIGURES:
                    return figures
    return figures


def years(text):
    """(year started, latest year the text describes); targets ("力争到2020年底") are not reached."""
    text = fold(text)  # full-width digits
    start = _START.search(text)
    reached = Counter(_YEAR.findall(text)) - Counter(_TARGET_YEAR.findall(text))
    mentioned = [int(y) for y in reached if 1949 <= int(y) <= 2100]
    started = int(start.group(1) or start.group(2)) if start else None
    return started, max(mentioned) if mentioned else None


def model_name(title, text):
    """The quoted name the text uses most ("1+3模式", "两会两评"), preferring one in the title; or,
    when none is quoted twice, one quoted once that the text goes on using unquoted
    ("*市探索建立的“城乡联合党组织”……"). Two characters make a catchword ("三农"), not a name."""
    counts = Counter(name for name in _QUOTED.findall(text) if not TERMINAL.search(name) and len(name) >= 3)
    best = max(counts, key=lambda name: (counts[name] + (3 if name in title else 0), len(name)), default="")
    if counts[best] >= 2:
        return best
    # a name the title quotes and the text uses ("“红色物业”破解老旧小区治理难题"), or one the
    # opening quotes and the title names
    for name in _QUOTED.findall(title) + _QUOTED.findall(text[:300]):
        if len(name) >= 3 and not TERMINAL.search(name) and name in title and name in text:
            return name
    if not counts:
        return ""
    # the first names only: each is counted over the whole text
    uses = {name: text.count(name) for name in list(counts)[:100]}
    used = max(uses, key=lambda name: (uses[name], len(name)))
    return used if uses[used] >= 4 else ""


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


def vocabulary(text, model):
    """Suggested domain, themes, problems and tags (curated dictionary words used ≥ 2 times).
    Themes and problems are those the text names, by name or alias, as search recognises them."""
    folded = fold(text)
    named = search_vocabulary.matcher().in_document(folded)
    themes = list(Theme.objects.filter(pk__in=[term.pk for term in named if term.kind == "theme"]))
    problems = list(Problem.objects.filter(pk__in=[term.pk for term in named if term.kind == "problem"]))
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
            title, rest = split_title(paragraphs, document.title_hint, _file_title(cleaned), cleaned)
            if not author and title and cleaned.paragraphs and cleaned.paragraphs[0].startswith(title):
                signed, rest = split_byline(rest)
        model = model_name(title, "\n".join(rest))
        sections = sections_of(rest, markup_headings, signed=bool(signed), model=model)
        if not title or not sections:
            continue
        drafts.append(_draft(title, sections, places, model, signed or author, publisher, date))
    for draft in drafts:
        if collection:
            draft.notes.append(f"出自文档《{collection}》，该文档收有 {len(drafts)} 个案例。")
        if cleaned.traditional:
            draft.notes.append("原文为繁体字，已转换为简体。")
    return drafts


def _draft(title, sections, places, model, author, publisher, date):
    last = sections[-1].paragraphs[-1] if sections[-1].paragraphs else ""
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
        draft.notes.append(f"地区“{draft.region.full_name}”原不在地区分类中，随草稿一并添加（试运行不添加）。")
    if draft.region:
        draft.unit_level = {Region.PROVINCE: "省", Region.CITY: "市", Region.COUNTY: "县"}[draft.region.level]
    opening = next((section.paragraphs[0] for section in sections if section.paragraphs), "")
    # a subtitle says what and where, the main title above it is a headline; but a speech's
    # subtitle names the occasion ("——在全市……推进会上的交流发言")
    main, _, subtitle = title.rpartition("——")
    basis = main if main and _OCCASION.search(subtitle) else subtitle
    draft.title = case_title(basis, draft.region, places, model, text, opening)
    if draft.title != title:
        guessed = f"，其中地名“{draft.region.name}”系推断" if draft.region_inferred else ""
        draft.notes.append(f"案例标题由原文标题“{title}”整理而成（地名 + 模式名称{guessed}），请核对。")
    draft.year_started, draft.year_reported = years("\n".join(draft.paragraphs))
    # The document's own date, not the latest year its results name; unless it is a page that
    # posted the text years after (the text's latest year well before the date).
    dated = int(draft.date[:4]) if draft.date else None
    if dated and (draft.year_reported is None or draft.year_reported >= dated - 1):
        draft.year_reported = dated
    draft.summary = summary(sections)
    draft.figures = key_figures(draft.paragraphs)
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
