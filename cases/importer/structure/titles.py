"""The source's title and the case's (place + what it is, in the source's words), and the model name."""

import re
from collections import Counter

from ...taxonomy import Region
from ..clean import Removed
from ..patterns import ENUMERATION, LONG_TITLE_MAX, TERMINAL, ends_sentence
from .drafts import title_text
from .sections import PLACE_HEAD

_QUOTED = re.compile(r"[“「]([^“”「」]{2,15})[”」]")


def file_title(cleaned):
    for line in cleaned.removed_by("文件名与页码列表"):
        name = re.sub(r"(\.\w{2,4})?(_第\d+页)?$", "", line.strip())
        name = name.strip("《》 ")
        if name:
            return title_text(name)
    return ""


# A speech's subtitle names its occasion: "——在全市……推进会上的交流发言".
OCCASION = re.compile(r"(会议?|座谈会|论坛)上的(交流|典型)?(发言|讲话|汇报|报告)$")
# A page title's site name: "…提质增效--准格尔旗党建网", "…_光山县人民政府".
_SITE_SUFFIX = re.compile(r"\s*(?:--|__|_|\||｜|-\s)\s*[^-_|｜]{2,30}$")


def _title_like(line, longest=40):
    """A title's line: at most `longest` characters, no sentence stop, not a numbered point."""
    return 0 < len(line) <= longest and not ends_sentence(line) and not ENUMERATION.match(line)


def opening_title_like(line, longest=LONG_TITLE_MAX):
    """A document's first line that reads as a title, up to `longest` characters: a title line,
    not an opening sentence that goes on after a comma or a colon."""
    return _title_like(line, longest) and not line.endswith(("，", ",", "：", ":"))


def split_title(paragraphs, hint, named_in_file, cleaned):
    """(title, the rest): a markup title, a leading short line or "——subtitle", else the file name
    (cut from the start of the text when the text repeats it). Title lines above a main title
    and its subtitle (a site's name for the document) are recorded in `cleaned` as removed."""
    rest = list(paragraphs)
    hint = _SITE_SUFFIX.sub("", hint or "")
    # the page's own title, below its navigation: what lies above it is page chrome
    at = next((n for n, line in enumerate(rest[:15]) if hint and title_text(line) == title_text(hint)), None)
    if at is not None:
        cleaned.removed += [Removed("标题上方的页面内容", line) for line in rest[:at]]
        title, rest = title_text(hint), rest[at + 1 :]
        if rest and _subtitle(rest[0]):
            # its subtitle below it, as in a Word file's: "…焕新颜" over "——浙江省……纪实"
            return f"{title}——{title_text(rest[0])}", rest[1:]
        return title, rest
    for number, paragraph in enumerate(rest[:3]):
        if _subtitle(paragraph):
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
    # A first line up to LONG_TITLE_MAX is the title when the document names none otherwise
    # (pasted text, a plain text file), rather than finding no case at all.
    if not (hint or named_in_file) and len(rest) > 1 and opening_title_like(rest[0]):
        return title_text(rest[0]), rest[1:]
    title = hint or named_in_file
    if title and rest and rest[0].startswith(title):
        rest[0] = rest[0][len(title) :]
    return title_text(title), [p for p in rest if p]


def _subtitle(paragraph):
    """Whether `paragraph` is a title's "——subtitle" line."""
    return paragraph.startswith(("——", "--")) and _title_like(paragraph.lstrip("—-"))


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
    head = PLACE_HEAD.match(source_title)
    if head and places.names_a_place(head.group(1)):
        named = region is not None and places.names(head.group(1), region)
        if not named:
            return head.group(1), head.group(2)
        below = head.group(1)  # what the head names below the region: 于都县桐溪村 → 桐溪村
        while start := places.starting(below):
            below = below[len(start) :]
        kept = below and local_unit(f"{below}：", text)[0] == below  # not 兴山县委, 兴山党建
        return region.name + (below if kept else ""), head.group(2)
    place, rest = "", source_title
    while start := places.starting(rest):  # 苏州市吴江区…
        place, rest = place + start, rest[len(start) :]
    if place:
        return place, rest
    if region is None or places.names(source_title, region):
        return "", source_title
    return _area_name(region, text) or region.name, source_title


_KICKER = re.compile(r"^.*[：:]\s*")
# A headline's kicker naming a village, a community or a town (桐溪村：, 梓山镇：).
_LOCAL_UNIT = re.compile(r"^([\u4e00-\u9fff]{2,10}?(村|社区|镇|乡|街道))[：:]")
LOCAL_LEVELS = {"村": "村", "社区": "社区", "镇": "乡镇", "乡": "乡镇", "街道": "乡镇"}
# What a text writes after a place it is about (桐溪村党支部, 梓山镇党委), not after a word ending
# like one (小山村, 示范村, 新农村).
_LOCAL_ORGAN = "党支部|党总支|党委|党组织|两委|村委会|居委会|党工委|党群服务中心"


def local_unit(source_title, text):
    """(name, 单位层级) of the village, community or town a title's kicker names, or ("", ""):
    one the text goes on to name with its Party organisation or a place above it."""
    found = _LOCAL_UNIT.match(source_title)
    if not found:
        return "", ""
    name = found.group(1)
    named = re.search(rf"(?:[县市区旗镇乡]){re.escape(name)}|{re.escape(name)}(?:{_LOCAL_ORGAN})", text)
    return (name, LOCAL_LEVELS[found.group(2)]) if named else ("", "")


# An account's genre at the end of a title without a quoted name ("…党建引领兰花产业发展纪实"):
# the case is what it gives an account of, when that says enough by itself ("组织工作纪实" does not).
_ACCOUNT = re.compile(r"(?:工作)?(?:纪实|综述)$")
_ACCOUNT_KEPT = 6


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
            # a kicker before a colon ("小山村：“党建+合作社”…") is the headline's, not the name's,
            # unless it names the village or town the case is about (桐溪村：)
            lead = _KICKER.sub("", core[: quoted.start()])
            unit, _ = local_unit(core, text)
            if unit and unit not in place:
                place += unit
            core = _TITLE_VERB.sub("", lead) + quoted.group(0) + (kind.group(0) if kind else "")
    elif (account := _ACCOUNT.search(core)) and len(core) - len(account.group(0)) >= _ACCOUNT_KEPT:
        core = core[: account.start()]  # "…兰花产业发展纪实": the case is what the account is of
    if named_elsewhere and not places.names(core, region):
        place = region.name  # the cut left the place out: "“余村经验”+…：安吉县以……"
    return title_text(place + core) or source_title


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
        # a name only the title quotes, when the text quotes none: the headline's own name for it
        quoted = [name for name in _QUOTED.findall(title) if len(name) >= 3 and not TERMINAL.search(name)]
        return quoted[0] if len(quoted) == 1 else ""
    # the first names only: each is counted over the whole text
    uses = {name: text.count(name) for name in list(counts)[:100]}
    used = max(uses, key=lambda name: (uses[name], len(name)))
    return used if uses[used] >= 4 else ""
