"""Who wrote the document, where it appeared and when; the years the work started and was reported."""

import re
from collections import Counter

from search.text import fold, segmenter

from ..clean import ISSUER
from ..patterns import AUTHOR_LABELS

YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?=年|\s*起|以来)")
# The year a stretch of work began (2018年以来, 从2016年开始): not the year of what it achieved.
START = re.compile(
    r"(?:从|自|于)\s*((?:19|20)\d{2})年?(?:\d{1,2}月)?(?:[^。；;，,\d]{0,16}?开始|起|以来)|"
    r"(?<!\d)((?:19|20)\d{2})年(?:\d{1,2}月)?(?:起|开始|以来)"
)
# A target, not a year the case reached: 力争到2020年底.
_TARGET_YEAR = re.compile(r"(?:力争|计划|预计|争取|目标)[^。；;，,]{0,4}?((?:19|20)\d{2})年")
_DATE = re.compile(r"((?:19|20)\d{2})[-/.年](\d{1,2})[-/.月](\d{1,2})日?")
# Surnames: a name run into the text after its title starts with one (split_byline).
COMMON_SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚"
    "卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)


# What a place's name ends in or is followed by: 石门村, 王家庄, 高坪村党支部 begin a text about a
# place, not a byline.
_PLACE_ENDS = set("村庄屯寨堡沟湾岭坪峪洼坝铺店集镇乡县市区州旗街巷里弄组")


def split_byline(paragraphs):
    """A name run into the text after its title ("…新模式王国生加快新农村…") is the author's:
    a word the segmenter takes for a person's name (nr), not a place's (石门村共有党员…)."""
    if not paragraphs:
        return "", paragraphs
    # HMM on: it is what recognises a name the dictionary does not know
    tagged = segmenter().tag(paragraphs[0][:12], True) if paragraphs[0][:1] in COMMON_SURNAMES else []
    if not tagged:
        return "", paragraphs
    name, kind = tagged[0]
    after = paragraphs[0][len(name) : len(name) + 1]
    if (
        kind == "nr"
        and len(name) in (2, 3)
        and re.fullmatch(r"[\u4e00-\u9fff]+", name)
        and name[-1] not in _PLACE_ENDS
        and after not in _PLACE_ENDS
    ):
        return name, [paragraphs[0][len(name) :]] + paragraphs[1:]
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
            rf"(?:{AUTHOR_LABELS})[:：]\s*(?:记者|通讯员)?\s*"
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


def years(text):
    """(year started, latest year the text describes); targets ("力争到2020年底") are not reached."""
    text = fold(text)  # full-width digits
    start = START.search(text)
    reached = Counter(YEAR.findall(text)) - Counter(_TARGET_YEAR.findall(text))
    mentioned = [int(y) for y in reached if 1949 <= int(y) <= 2100]
    started = int(start.group(1) or start.group(2)) if start else None
    return started, max(mentioned) if mentioned else None
