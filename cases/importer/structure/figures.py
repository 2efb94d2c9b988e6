"""Key-figure candidates: a number, its unit and the noun phrase it measures; a table's cells."""

import itertools
import re

from .drafts import Figure
from .metadata import YEAR

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
# The scope and time words before what a figure counts (目前全县已…), and the verbs after it (…达到).
_SCOPE = "的|已|共|又|先后|累计|目前|全县|全市|全省|全镇|其中|今年|去年|各类|共计"
_LABEL_TRIM = re.compile(rf"^({_SCOPE})+|(达到|达|为|有|共|约|近|计|超过|突破|共有)+$")
MAX_FIGURES = 50
# Numbers looked at for them: a real case has a few hundred at most.
MAX_NUMBERS = 2000
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
    rf"^(?:{_SCOPE})*"
    r"(?:建立|建起|建成|组建|成立|吸纳|发展|新上|组织引导|引导|拥有|有(?!.*的$))(?:了|起)?(?:各类)?(?=[\u4e00-\u9fff]{2})"
)
_PLACE_ONLY = re.compile(r"^[\u4e00-\u9fff]{1,6}(省|市|县|区|镇|乡|村)$")


def _label(paragraph, start, end, previous_end=0, counted=False):
    """What a number measures, as a noun phrase in the source's words: the noun after a count
    ("6368名"农村党员), else the clause before it without its verb ("建立"关怀理事会 92个); a share
    reads as one (占全市村级党组织的 39% → 占全市村级党组织的比例)."""
    before = _CLAUSE_END.split(paragraph[max(0, start - 30, previous_end) : start])[-1]
    before = re.sub(r"^[^(（]*[)）]", "", before)  # the end of a bracket the clause began inside
    label = re.sub(r"(只|仅|就|才|均|都|全部)$", "", _LABEL_TRIM.sub("", before).strip())
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
    """Key-figure candidates of a table, one by one: a row's name (and its column's, unless the
    column is a year) is the label, a unit in brackets after either is the unit (嘎查村（个） |
    2021年 → 172 个)."""
    header, *body = [[cell.strip() for cell in row.split("\t")] for row in rows]
    for cells in body:
        for column, cell in enumerate(cells[1 : len(header)], start=1):
            number = _CELL_NUMBER.match(cell.translate(_HALF_WIDTH))
            if not number or not cells[0]:
                continue
            year = _YEAR_COLUMN.match(header[column])
            name = cells[0] if year else cells[0] + _UNIT_IN_BRACKETS.sub("", header[column])
            unit = _UNIT_IN_BRACKETS.search(cells[0]) or _UNIT_IN_BRACKETS.search(header[column])
            value, approx, multiplier, written_unit = number.groups()
            yield Figure(
                _UNIT_IN_BRACKETS.sub("", name)[:100],
                value + approx,
                multiplier + (written_unit or (unit.group(1) if unit else "")),
                int(year.group(1)) if year else None,
            )


def key_figures(paragraphs):
    """Key-figure candidates: a number, its unit and what it counts, the value as written ("300余",
    "5亿多", "1.29" 万名), and a table's cells; each once, at most MAX_FIGURES, in the order of the text."""
    figures, seen = [], set()
    for figure in _candidates(paragraphs):
        if (figure.label, figure.value, figure.unit) not in seen:
            seen.add((figure.label, figure.value, figure.unit))
            figures.append(figure)
            if len(figures) == MAX_FIGURES:
                break
    return figures


def _candidates(paragraphs):
    numbers = 0
    for at, written in enumerate(paragraphs):
        if _is_row(written):
            if at and _is_row(paragraphs[at - 1]):
                continue  # a row of a table read at its first row
            rows = list(itertools.takewhile(_is_row, paragraphs[at:]))
            if len(rows) >= 2:  # a row alone is a line of text
                yield from table_figures(rows[:MAX_NUMBERS])
                continue
        paragraph = written.translate(_HALF_WIDTH)
        previous_end, label = 0, ""
        for match in FIGURE.finditer(paragraph):
            numbers += 1
            if numbers > MAX_NUMBERS:
                return
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
            years = YEAR.findall(window[max(window.rfind(stop) for stop in "。；;") + 1 :])
            yield Figure(label, value, unit.replace("％", "%"), int(years[-1]) if years else None)
