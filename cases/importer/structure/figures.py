"""Key-figure candidates: a number, its unit and the noun phrase it measures; a table's cells."""

import itertools
import re
from dataclasses import dataclass

from search.text import segmenter

from .drafts import Figure
from .metadata import START, YEAR

UNITS = (
    "万人次|人次|万元|亿元|万亩|万名|万人|万户|平方米|公里|千米|元|亩|名|人|个百分点|个|户|家|期|项|条|所|座|场|盏|篇|件|"
    "位|支|批|吨|倍|次|%|％"
)
# Counted things: a count under ten of them is an example's detail ("带领3名理事"), not a key
# figure — unless the text stresses it as a whole (仅6名, 只有3个, 共8个): a state of things.
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
_WHOLE_COUNT_BEFORE = re.compile(r"(仅|仅有|只有|只剩|共|共有|总共|合计)$")
# …unless it is a count of each (每个理事会共有5名理事): a detail again.
_EACH = re.compile(r"每[^，,。；;]*$")
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
_LABEL_TRIM = re.compile(
    rf"^({_SCOPE})+|(达到|达|为|有|共|约|近|计|超过|突破|共有|(?:增加|提高|增长|上升|提升|扩大)(?:到|至)了?)+$"
)
MAX_FIGURES = 50
# The key figures a reader is shown; the other candidates are listed for the editor.
SHOWN_FIGURES = 12
FEWEST_SHOWN = 8
# Numbers looked at for them: a real case has a few hundred at most.
MAX_NUMBERS = 2000
# Candidates ranked for the few shown (breakdowns are found pair by pair: the cost grows as its square).
MAX_RANKED = 300
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
# A count's noun that the sentence goes on to measure (126个村（社区）集体经济收入全部超过10万元): the
# count is of the noun's head alone, its first word and the bracket beside it.
_MEASURED_NEXT = re.compile(
    r"^(?:全部|均|都|已|分别|普遍)?(?:超过|达到|达|突破|增长|增加|提高|下降|减少|低于|高于|不足)\d"
)
_BRACKETED_HEAD = re.compile(r"^[^(（)）]{1,8}[(（][^()（）]*[)）]")
_PLACE_ONLY = re.compile(r"^[\u4e00-\u9fff]{1,6}(省|市|县|区|镇|乡|村)$")


# A change from one value to another (人均收入从2017年的6000元增加到2021年的1.2万元): both
# measure what comes before 从.
_YEAR_OF = r"(?:(?:19|20)\d{2}年(?:底|末|初|度)?的?)?"
_LEADING_YEAR = re.compile(r"^(?:19|20)\d{2}年(?:底|末|初|度)?的?(?=[\u4e00-\u9fff]{2})")
_CHANGE_FROM = re.compile(rf"[从由]{_YEAR_OF}$")
# From a number to another: 从事, 由村集体… without a number before the verb are no change.
_CHANGE_TO = re.compile(
    rf"[从由]{_YEAR_OF}[^,，;；。:：、]*?\d[^,，;；。:：、]*?"
    rf"(?:增加|提高|增长|上升|提升|减少|下降|降低|扩大|缩小|发展|壮大)(?:到|至)了?{_YEAR_OF}$"
)


def _changed(paragraph, start):
    """What a value measures when it is one end of a change, or ""."""
    clause = _CLAUSE_END.split(paragraph[max(0, start - 60) : start])[-1]
    change = _CHANGE_FROM.search(clause) or _CHANGE_TO.search(clause)
    if not change:
        return ""
    subject = _LABEL_TRIM.sub("", clause[: change.start()]).strip()
    return _LEADING_VERB.sub("", subject)


def _label(paragraph, start, end, previous_end=0, counted=False):
    """What a number measures, as a noun phrase in the source's words: the noun after a count
    ("6368名"农村党员), else the clause before it without its verb ("建立"关怀理事会 92个); a share
    reads as one (占全市村级党组织的 39% → 占全市村级党组织的比例); both ends of a change (从…增加到…)
    what changed."""
    changed = _changed(paragraph, start)
    if len(changed) >= 2:
        return changed[:100]
    before = _CLAUSE_END.split(paragraph[max(0, start - 30, previous_end) : start])[-1]
    before = _LEADING_YEAR.sub("", before)  # the figure's year, kept apart from its label
    before = re.sub(r"^[^(（]*[)）]", "", before)  # the end of a bracket the clause began inside
    label = re.sub(r"(只|仅|就|才|均|都|全部)$", "", _LABEL_TRIM.sub("", before).strip())
    label = _MANNER.sub("", _LEADING_VERB.sub("", label))
    after = _NOUN_AFTER_END.split(paragraph[end : end + 30], maxsplit=1)[0]
    after = re.sub(r"[(（][^()（）]*$", "", after)  # a bracket the noun does not close is not its own
    if counted and after and _MEASURED_NEXT.match(paragraph[end + len(after) : end + len(after) + 12]):
        head = _BRACKETED_HEAD.match(after)
        after = head.group() if head else segmenter().cut(after, True)[0]
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
        before = paragraph[max(0, match.start() - 30) : match.start()]
        if not _WHOLE_COUNT_BEFORE.search(before[-2:]) or _EACH.search(before):
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
    """Key-figure candidates, what chosen_figures ranks: a number, its unit and what it counts, the
    value as written ("300余", "5亿多", "1.29" 万名), and a table's cells; each once, at most
    MAX_FIGURES, in the order of the text."""
    return [candidate.figure for candidate in _distinct(_candidates([("", p) for p in paragraphs]))]


def chosen_figures(sections):
    """The key figures a reader needs, best first, at most SHOWN_FIGURES; and the other candidates,
    in the order of the text, for the editor."""
    # more candidates ranked than listed: a long report's results come last
    candidates = _distinct(_candidates([(s.kind, p) for s in sections for p in s.paragraphs]), limit=MAX_RANKED)
    _mark_parts(candidates)
    for candidate in candidates:
        candidate.weight = _weight(candidate)
    _mark_repeats(candidates)
    ranked = sorted(candidates, key=lambda c: (-c.weight, c.order))
    # the few that weigh nothing are shown only to make up the least a reader is given
    shown = [c for at, c in enumerate(ranked[:SHOWN_FIGURES]) if c.weight >= 0 or at < FEWEST_SHOWN]
    others = [c.figure for c in candidates if c not in shown]
    return [c.figure for c in shown], others[: MAX_FIGURES - len(shown)]


@dataclass(eq=False)
class _Candidate:
    figure: Figure
    order: int
    kind: str = ""  # the kind of its section
    paragraph: int = 0
    before: str = ""  # its sentence up to the number
    sentence: str = ""
    amount: float | None = None
    part: bool = False
    weight: int = 0


def _distinct(candidates, limit=MAX_FIGURES):
    kept, seen = [], set()
    for candidate in candidates:
        figure = candidate.figure
        if (figure.label, figure.value, figure.unit) not in seen:
            seen.add((figure.label, figure.value, figure.unit))
            kept.append(candidate)
            if len(kept) == limit:
                break
    return kept


# What raises a figure to the few a reader is shown, and what lowers it; each a count of points.
# The opening paragraph and a results section hold the totals a case is known by; its background
# the size of the problem; a story of one village or one family, a breakdown of a total already
# given and a number said twice are details.
WEIGHTS = {
    "opening": 2,
    "成效": 2,
    "背景": -1,
    "启示": -1,
    "其他": -1,
    "overall": 1,
    "large": 1,
    "one_place": -2,
    "part": -2,
    "repeat": -3,
}
# A total over the whole area or time of the case (全县已建立…, 累计…, 目前共…).
# 共 only before a count or as 共计/共有: 共产党员, 共建, 共同 are everywhere in these texts.
_OVERALL = re.compile(
    r"全(县|市|省|区|旗|镇|乡|州|盟|国)|累计|总计|合计|共计|共有|共(?=\d)|先后|现已|目前|截至|截止|以来"
)
# One village, family or person the sentence tells of (该村…, 某镇某村村民…).
# (not 乡村振兴示范村 or 乡镇干部包村: a town's name is not 村 or 镇)
_ONE_PLACE = re.compile(
    r"该(村|镇|乡|户|厂|企业|公司|合作社|社区)|(?<![城乡])(镇|乡|街道)(?![村镇])[\u4e00-\u9fff]{1,5}村"
    r"|村民[\u4e00-\u9fff]{2,3}(?=[在的,，])"
)
# Large for its unit: a hundred things counted, a million yuan, a thousand mu; any share.
_LARGE_COUNT = 100
_LARGE = {"元": 1_000_000, "亩": 1000}


def _weight(candidate):
    points = WEIGHTS.get(candidate.kind, 0)
    if _OVERALL.search(candidate.before):
        points += WEIGHTS["overall"]
    unit = _base_unit(candidate.figure.unit)
    threshold = _LARGE_COUNT if unit in COUNT_UNITS else _LARGE.get(unit)
    if unit == "%" or (threshold and candidate.amount is not None and candidate.amount >= threshold):
        points += WEIGHTS["large"]
    if _ONE_PLACE.search(candidate.sentence):
        points += WEIGHTS["one_place"]
    if candidate.part:
        points += WEIGHTS["part"]
    return points


def _base_unit(unit):
    return unit.lstrip("万亿") or unit


def _amount(figure):
    number = re.match(r"\d+(?:\.\d+)?", figure.value.translate(_HALF_WIDTH))
    if not number:
        return None
    scale = 1
    for written in figure.value + figure.unit:
        scale *= {"万": 10_000, "亿": 100_000_000}.get(written, 1)
    return round(float(number.group()) * scale, 6)  # sums of parts are compared with totals


def _counts(figure):
    """What a figure's unit counts: 名, 人 and 位 all count people."""
    unit = _base_unit(figure.unit)
    return "人" if unit in ("名", "位") else unit


def _same_kind(a, b):
    return _counts(a.figure) == _counts(b.figure)


# A breakdown announced: after its total (…163个，其中…) or before it (…13位…等共152位).
_PARTS_FOLLOW = re.compile(r"其中")
_PARTS_BEFORE_TOTAL = re.compile(r"共|合计|总计")


def _mark_parts(candidates):
    """A total's breakdown: two or more figures of one kind in a row, in the total's sentence
    right after it (其中…) or right before it (…共), adding up to within it
    (13位…72位…27位…共152位); or, anywhere in one paragraph, adding up to another figure exactly
    (54个、58个、51个 of a 163个)."""
    for at, total in enumerate(candidates):
        if total.amount is None or total.part:
            continue
        after, before = _run(candidates, at, 1), _run(candidates, at, -1)
        announced = [
            (after, after and _PARTS_FOLLOW.search(after[0].before[len(total.before) :])),
            (before, before and _PARTS_BEFORE_TOTAL.search(total.before[len(before[0].before) :])),
        ]
        for run, said in announced:
            amounts = [c.amount for c in run]
            if len(run) < 2 or not said or None in amounts:
                continue
            if total.amount / 2 <= round(sum(amounts), 6) <= total.amount:
                for candidate in run:
                    candidate.part = True
    totals = {(c.amount, _counts(c.figure)) for c in candidates if c.amount is not None}
    for start, first in enumerate(candidates):
        amount = 0
        for end in range(start, len(candidates)):
            candidate = candidates[end]
            if candidate.paragraph != first.paragraph or candidate.amount is None or not _same_kind(candidate, first):
                break
            amount = round(amount + candidate.amount, 6)
            if end > start and (amount, _counts(first.figure)) in totals:
                for part in candidates[start : end + 1]:
                    part.part = True


def _run(candidates, at, step):
    run, total = [], candidates[at]
    index = at + step
    while 0 <= index < len(candidates):
        candidate = candidates[index]
        if (candidate.paragraph, candidate.sentence) != (total.paragraph, total.sentence) or not _same_kind(
            candidate, total
        ):
            break
        run.append(candidate)
        index += step
    return run


def _mark_repeats(candidates):
    """A number said again (152名 … 152位 …) is shown once, where it weighs most."""
    best = {}
    for candidate in candidates:
        key = (candidate.amount, _counts(candidate.figure))
        if candidate.amount is None or key[1] == "%":  # 覆盖率100%, 参保率100%: two shares, not one said twice
            continue
        if key in best and best[key].weight >= candidate.weight:
            candidate.weight += WEIGHTS["repeat"]
        elif key in best:
            best[key].weight += WEIGHTS["repeat"]
            best[key] = candidate
        else:
            best[key] = candidate


def _elided(label, last, unit, between):
    """A label that leaves out the noun the figure before it named (党员58名，60岁以上的31名): that
    noun added (60岁以上的党员), when both count the same kind in one sentence."""
    last_label, last_kind = last
    if not label.endswith("的") or not last_label or any(stop in between for stop in "。；;！？!?"):
        return label
    if last_kind != _counts(Figure("", "", unit, None)):
        return label
    noun = segmenter().cut(last_label, True)[-1]
    if len(noun) < 2 or noun.startswith(("全", "各", "本", "该")):  # a scope (全村), not a noun
        return label
    return label + noun


def _candidates(paragraphs):
    """Candidates with their place in the text, from (section kind, paragraph) pairs."""
    numbers, order = 0, 0
    for at, (kind, written) in enumerate(paragraphs):
        if _is_row(written):
            if at and _is_row(paragraphs[at - 1][1]):
                continue  # a row of a table read at its first row
            rows = list(itertools.takewhile(_is_row, (p for _, p in paragraphs[at:])))
            if len(rows) >= 2:  # a row alone is a line of text
                for figure in table_figures(rows[:MAX_NUMBERS]):
                    yield _Candidate(figure, order, "opening" if at == 0 else kind, at, amount=_amount(figure))
                    order += 1
                continue
        paragraph = written.translate(_HALF_WIDTH)
        previous_end, label = 0, ""
        last_counted, last_counted_end = ("", ""), 0
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
            label = _elided(label, last_counted, match.group(6), paragraph[last_counted_end : match.start()])
            # the year of the sentence, looked for nearby only: a paragraph may be very long
            window = paragraph[max(0, match.start() - 200) : match.start()]
            years = YEAR.findall(START.sub("", window[max(window.rfind(stop) for stop in "。；;") + 1 :]))
            figure = Figure(label, value, unit.replace("％", "%"), int(years[-1]) if years else None)
            start = max(paragraph.rfind(stop, 0, match.start()) for stop in "。；;！？!?") + 1
            ends = [end for end in (paragraph.find(stop, match.end()) for stop in "。；;！？!?") if end >= 0]
            last_counted, last_counted_end = (label, _counts(figure)), match.end()
            yield _Candidate(
                figure,
                order,
                "opening" if at == 0 else kind,
                at,
                before=paragraph[start : match.start()],
                sentence=paragraph[start : min(ends, default=len(paragraph))],
                amount=_amount(figure),
            )
            order += 1
