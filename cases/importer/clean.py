"""Cleaning: remove page noise, join broken lines, re-paragraph. It never rewrites a word (it
writes ASCII punctuation in Chinese text as Chinese).

Rules are matched on the folded form of a line (search.text.fold: full-width and ASCII
punctuation alike, Traditional like Simplified), while the kept text is the source's own,
converted to Simplified. Every removal is recorded with its rule, for the review page.
"""

import re
from dataclasses import dataclass, field

from search.text import drop_controls, fold, strip_pinyin_notes, to_simplified

from .patterns import (
    AUTHOR_LABELS,
    EMOJI_ENDS,
    ENUMERATION,
    HEADING_MAX,
    LONG_TITLE_MAX,
    PAGE_BREAK,
    TERMINAL,
    ends_sentence,
    is_heading_like,
)

# --- line rules: (rule label, test on the folded, stripped line) ------------------------------

_BUTTON_WORDS = re.compile(
    r"下载|举报|分享|打印|收藏|关闭|提交|评论|转载|打赏|捐赠|购物车|点击查看|阅读全文|继续阅读|免费阅读|"
    r"返回顶部|扫一扫|我要|登录|注册|字号|上一页|下一页|首页|尾页|在线阅读|关注我们|关注该公众号|点击上方|"
    r"识别二维码|阅读原文|在看|点赞|点亮|转发|留言"
)
# Never a heading: a social account's call to follow or read on.
_CALL_TO_ACTION = re.compile(r"关注我们|关注该公众号|点击上方|识别二维码|阅读原文")
# What a button's label says besides its verb ("下载此文档", "点击下载全文").
_BUTTON_FILLER = re.compile(
    r"[此本该]?(文档|文章|全文|正文|本文|资料)|[到至在]|点击|免费|窗口|本页|当前页|页面|手机|打开"
)
_COUNTER = re.compile(
    r"浏览(量|次数)?[:：]?\s*\d+|阅读(量|数)?[:：]\s*\d+|点击(量|数)?[:：]\s*\d+|第\s*\d+\s*页|^\d+\s*/\s*\d+$|"
    r"已阅读\s*\d+\s*页|还剩\s*\d+\s*页|共\s*\d+\s*页|^(id|大小|格式|页数|上传人|上传时间|文档编号|文件大小)[:：]"
)
_FILE_NAME = re.compile(r"\.(docx?|pdf|txt|wps|pptx?|xlsx?|html?)(_第\d+页)?$|_第\d+页$")
_PUBLISH = re.compile(
    rf"^(发布时间|发布日期|发表时间|更新时间|时间|日期|来源|稿源|信息来源|文章来源|{AUTHOR_LABELS}|"
    r"编辑|责任编辑|通讯员|记者|审核)[:：]|(?<![\u4e00-\u9fff])来源[:：]|(发布|更新|发表)(时间|日期)|^发表于[\u4e00-\u9fff]{2,8}$|"
    r"^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(\s+\d{1,2}:\d{2}(:\d{2})?)?$"
)
_FOOTER = re.compile(
    r"版权|copyright|©|icp|备案号|经营许可证|本站|本网|本文档|注册会员|由会员|客服|联系我们|"
    r"网站地图|关于我们|all rights reserved|技术支持[:：]|主办单位[:：]|承办单位[:：]|"
    r"本刊地址|邮编[:：]|邮政编码|投稿邮箱|投稿信箱|电子邮箱[:：]|微信号[:：]|"
    # document-sharing sites, whose name heads a scraped page
    r"原创力文档|道客巴巴|豆丁网|百度文库|人人文库|淘豆网|金锄头文库|360doc|个人图书馆|book118|docin|doc88"
)
# Words of site footers that running text uses too ("群众诉求实时上传"): on short lines only.
_FOOTER_WORDS = re.compile(r"上传|侵权|免责")
_BREADCRUMB = re.compile(r"当前位置|您的位置|首页\s*[>»›/]|[>»›]\s*正文$")
_PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)|(?<!\d)\d{3,4}-\d{7,8}(?!\d)|(电话|热线|咨询|订购|qq|微信号?)[:：]")
_IMAGE = re.compile(
    r"\.(jpe?g|png|gif|bmp|webp)$|^(图为|图片[:：]|图[:：]|图\s*\d{1,2}\s|▲|△|↑)|[(（][^()（）]{0,20}(摄影?|供图|图片来源)[^()（）]{0,20}[)）]$"
)
_BYLINE = re.compile(
    r"^[(（][^()（）]{0,40}(记者|通讯员|作者|撰稿|供稿|执笔|编辑|审核|校对)[^()（）]{0,40}[)）]$|"
    r"^[\u4e00-\u9fff]{2,30}\s*供稿$"
)
# A speech's salutation, thanks and apology: 尊敬的各位领导，同志们：/ 谢谢大家！/ 不妥之处，请批评指正。
_SPEECH_FORMULA = re.compile(
    r"^尊敬的.*[:：]$|^(各位领导|同志们|朋友们)[,，、].*[:：]$|^谢谢(大家|各位)?[!！。]?$|"
    r"不妥之处.*批评指正"
)
_KEYWORDS = re.compile(r"^(关键词|关键字|标签|tags?|keywords?)[:：]")
# An official document's head and end (公文版头、版记): the issuing body alone on its line, the
# document number, a date alone, 抄送, 印发, copies printed, the contact person.
ISSUER = re.compile(
    r"^(中共)?[\u4e00-\u9fff]{1,12}(省|市|县|区|旗|镇|乡|街道)(委员会|委|人民政府|政府)"
    r"([\u4e00-\u9fff]{0,8}?(组织部|宣传部|办公室|办公厅|党工委|党委|委员会|局))?"
    r"(\s*\d{4}年\d{1,2}月(\d{1,2}日)?)?$"
    # a township's 党委 only with its date: "乡镇党委" alone on a line may be a heading's words
    r"|^[\u4e00-\u9fff]{1,12}(镇|乡|街道)(党委|党工委)\s*\d{4}年\d{1,2}月(\d{1,2}日)?$"
)
_DOCUMENT_NUMBER = re.compile(r"^[\u4e00-\u9fff]{1,12}[〔\[【(（]\d{4}[〕\]】)）]\s*\d{1,4}\s*号$")
_DATE_LINE = re.compile(r"^[(（]?(\d{4})年(\d{1,2})月(\d{1,2})日?[)）]?$")
_DISPATCH = re.compile(
    r"^(抄送|抄报|主送|联系人|签发人?)[:：]|印发$|^[(（]?共印\d+份[)）]?$|"
    # a bulletin's running head: 无锡市党建工作简报（第12期）
    r"^[\u4e00-\u9fff]{2,20}(简报|简讯|通讯|动态|专刊|信息)\s*[(（]第\d{1,4}期[)）]$"
)
# A document site's teaser of the text, under its own heading (文档简介): the text's start again, cut.
_TEASER_HEADING = re.compile(r"^(文档简介|文档介绍|内容简介|资源描述|内容提要)[:：]?$")
_CHROME_WORDS = {
    "首页",
    "正文",
    "返回",
    "目录",
    "资源描述",
    "文档简介",
    "文档介绍",
    "内容简介",
    "相关",
    "菜单",
    "导航",
    "搜索",
    "关闭",
    "展开",
    "收起",
    "更多",
}
# Titles of the trailing blocks of a page; the block's list items go with the title.
_TAIL_BLOCK = re.compile(
    r"推荐阅读|相关阅读|相关文章|相关资源|相关搜索|相关新闻|相关链接|猜你喜欢|热门文章|延伸阅读|"
    r"温馨提示|往期回顾|往期推荐|更多新闻|展开阅读全文|上一篇|下一篇|^评论|^热点"
)
_LIST_ITEM = re.compile(r"^([•·●◆■\-\*]|\d{1,2}[.、)）])")


def _seo_line(line):
    """A line of ≥ 4 short keywords (words, not letters) separated by spaces or bars (an SEO tag cloud)."""
    if "\t" in line:
        return False  # a table's row
    items = [item for item in re.split(r"[\s|/]+", line) if item]
    words = [item for item in items if re.fullmatch(r"[\w\u4e00-\u9fff]+", item) and not item.isdigit()]
    return (
        len(items) >= 4
        and len(words) == len(items)
        and max(map(len, items)) <= 8
        and sum(len(item) >= 2 for item in items) >= 3
    )


def _figures_row(line):
    """A table's row holding figures: cells apart by tabs, a digit among them."""
    return "\t" in line and any(character.isdigit() for character in line)


def _short(line, limit=30):
    return len(line) <= limit and not ends_sentence(line)


LINE_RULES = [
    ("面包屑导航", lambda s: bool(_BREADCRUMB.search(s)) and len(s) <= 80),
    ("文件名与页码列表", lambda s: bool(_FILE_NAME.search(s)) and len(s) <= 80),
    ("阅读与页码计数", lambda s: bool(_COUNTER.search(s)) and len(s) <= 60),
    # …not a sentence that starts like one ("时间：每月15日为固定主题党日，…。")
    ("发布信息", lambda s: bool(_PUBLISH.search(s)) and len(s) <= 80 and not ends_sentence(s)),
    (
        "公文版头与版记",
        lambda s: (
            bool(ISSUER.match(s) or _DOCUMENT_NUMBER.match(s) or _DATE_LINE.match(s) or _DISPATCH.search(s))
            and len(s) <= 80
        ),
    ),
    ("版权与网站页脚", lambda s: bool(_FOOTER.search(s)) or (bool(_FOOTER_WORDS.search(s)) and len(s) <= 80)),
    # …not a table's row of figures, data whatever its words (注册用户（万人）\t12.1\t26.5); a
    # site laid out in a table gives its button bar tabs too (打印本页\t关闭窗口)
    (
        "按钮与链接",
        lambda s: bool(_BUTTON_WORDS.search(s)) and _short(s, 40) and not ENUMERATION.match(s) and not _figures_row(s),
    ),
    ("电话与广告", lambda s: bool(_PHONE.search(s)) and len(s) <= 80),
    ("图片与图片说明", lambda s: bool(_IMAGE.search(s)) and len(s) <= 80),
    ("署名", lambda s: bool(_BYLINE.match(s))),
    ("讲话的称呼与致谢", lambda s: bool(_SPEECH_FORMULA.search(s)) and len(s) <= 40),
    ("关键词行", lambda s: bool(_KEYWORDS.match(s)) or _seo_line(s)),
    ("页面残留符号", lambda s: not re.search(r"[\u3400-\u9fffa-z]", s) and len(s) <= 12),
    ("页面残留符号", lambda s: s.rstrip(":：") in _CHROME_WORDS or bool(re.fullmatch(r"[-—\s]*end[-—\s]*", s))),
]
# Site template labels put before a document's text ("1、精品文章城鄉黨建…").
TEMPLATE_LABEL = re.compile(r"^(精品文章|精品文档|精选文档|优质文档|最新文档|精品范文|【精品】|\[精品\])")


@dataclass
class Removed:
    rule: str
    text: str


@dataclass
class Line:
    text: str
    indented: bool = False
    gap: int = 0  # blank lines before it
    page_start: bool = False  # the first line after a page break (form feed, as PDF readers give)
    offset: int = 0  # the blanks before it: a PDF's layout text centres a line with them


@dataclass
class Cleaned:
    """The paragraphs kept, what was removed (by rule), and what was changed."""

    paragraphs: list
    removed: list = field(default_factory=list)
    changes: list = field(default_factory=list)
    traditional: bool = False

    def removed_by(self, rule):
        return [item.text for item in self.removed if item.rule == rule]


# --- per line ---------------------------------------------------------------------------------

_SPACED_DATE = re.compile(r"(?<=\d)[ \u3000]+(?=[年月日号时%])|(?<=[年月])[ \u3000]+(?=\d)")  # tabs part cells
# A PDF's single spaces around numbers: "超过 10 万元，其中超过 50 万元"
_SPACED_NUMBER = re.compile(r"(?<=\d) (?=[\u4e00-\u9fff])|(?<=[\u4e00-\u9fff，。、；]) (?=\d)")
_SPACE_BY_PUNCT = re.compile(
    r"[ \t\u3000]+(?=[,，。;；:：、!！?？”’）)》」』])|(?<=[,，。;；:：、“‘（(《「『])[ \t\u3000]+(?=\S)"
)
_LETTER_SPACED = re.compile(r"(?<=[\u4e00-\u9fff]) (?=[\u4e00-\u9fff])")
_SPACED_WORDS = re.compile(r"\S*[\u4e00-\u9fff]( [\u4e00-\u9fff]){2,}")


def fix_spacing(text):
    """PDF spacing: 2018 年11 月 → 2018年11月; no space beside punctuation; 党 建 工 作 → 党建工作."""
    text = _SPACED_DATE.sub("", text)
    if len(_SPACED_NUMBER.findall(text)) >= 2:  # one gap is a layout ("2008-2022 某某网")
        text = _SPACED_NUMBER.sub("", text)
    text = _SPACE_BY_PUNCT.sub("", text)
    gaps = len(_LETTER_SPACED.findall(text))
    # only when the whole line is letter-spaced, or its words are ("三、经 验 启 示")
    if (gaps >= 4 and gaps * 3 >= len(text)) or _SPACED_WORDS.fullmatch(text):
        text = _LETTER_SPACED.sub("", text)
    return text


# ASCII punctuation in Chinese text (PDF text layers, pasted text, pages typed with a half-width
# keyboard): the full-width mark it stands for, only beside Chinese characters, so that 1,000
# and 2:1 and English stay. The source's own text is kept (source_text).
_HAN_CLASS = r"[\u3400-\u9fff“”‘’（）《》]"
_ASCII_MARKS = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！"}
_ASCII_MARK = re.compile(rf"(?<={_HAN_CLASS})[,;:?!](?={_HAN_CLASS}|\d|$)|(?<=\d)[,;](?={_HAN_CLASS})")
_ASCII_BRACKETS = re.compile(r"\(([^()]*[\u3400-\u9fff][^()]*)\)")


def chinese_punctuation(text):
    """逗号,冒号: → 逗号，冒号：; (单位) → （单位）. Numbers and Latin text are left as they are."""
    text = _ASCII_BRACKETS.sub(r"（\1）", text)
    return _ASCII_MARK.sub(lambda match: _ASCII_MARKS[match.group(0)], text)


def _lines(text, cleaned):
    lines, blank = [], 0
    pinyin = 0
    page_start = False
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        page_start = page_start or PAGE_BREAK in raw
        raw = drop_controls(raw)
        stripped = strip_pinyin_notes(raw)
        pinyin += stripped != raw
        content = EMOJI_ENDS.sub("", stripped.strip(" \t\u3000\xa0\ufeff"))
        if not content:
            blank += 1
            continue
        indented = bool(re.match(r"[ \t\u3000\xa0]{2,}|\t|\u3000", stripped))
        offset = len(stripped) - len(stripped.lstrip(" \t\u3000\xa0"))
        lines.append(Line(content, indented, blank, page_start, offset))
        blank, page_start = 0, False
    # converted in one call: OpenCC costs more per call than per character
    simplified = to_simplified("\n".join(line.text for line in lines)).split("\n")
    for line, text in zip(lines, simplified, strict=True):
        line.text = fix_spacing(text)
    if pinyin:
        cleaned.changes.append(f"删除拼音注音（{pinyin} 行）")
    return lines


def _line_rule(folded):
    return next((label for label, test in LINE_RULES if test(folded)), None)


def _teaser(folded, following):
    """A site's teaser: cut off ("……") or the start of the text, which follows."""
    return len(folded) <= 300 and (folded.endswith(("…", "...")) or any(folded[:12] in line for line in following))


def _heading_with_a_button_word(text, folded, following):
    """A heading that holds a button's word ("经验分享", "“红色代办”一站式登录服务"): more than
    the button's words, and running text under it."""
    if _CALL_TO_ACTION.search(folded):
        return False
    rest = _BUTTON_WORDS.sub("", _BUTTON_FILLER.sub("", folded))
    return (
        len(re.findall(r"[\u4e00-\u9fff]", rest)) >= 3
        and is_heading_like(text)
        and bool(following)
        and len(following[0]) >= 20
        and not _line_rule(following[0])
    )


# A page's number alone on its line: 3, - 3 -, — 3 —, 第3页, 3/12, 第3页 共12页.
_PAGE_NUMBER = re.compile(r"^[-—–\s]*(第\s*)?\d{1,4}(\s*页)?(\s*([/／]|共)\s*\d{1,4}\s*页?)?[-—–\s]*$")
_RUNNING_MAX = 40


def _page_numbers(folded_lines):
    """Line numbers of page numbers: lines of a number alone, counted only when they rise from
    page to page (a year or a section's "01" alone on its line is not one)."""
    found = [
        (n, int(re.search(r"\d+", folded).group()))
        for n, folded in enumerate(folded_lines)
        if _PAGE_NUMBER.match(folded)
    ]
    values = [value for _, value in found]
    return [n for n, _ in found] if len(found) >= 2 and values == sorted(values) else []


def _running_lines(lines, folded_lines):
    """Line numbers of running heads and feet: a short line that recurs beside the edges of
    more than half the pages (a page break, a page number, the document's start or end), once
    per page. A title written twice at the top, or a heading atop a few pages of a collection,
    is not one."""
    breaks = [n for n, line in enumerate(lines) if line.page_start]
    numbers = _page_numbers(folded_lines)
    if not breaks and not numbers:
        return set()
    pages = max(len(breaks) + 1, len(numbers))
    edges = {0, len(lines) - 1, *breaks, *numbers}
    places = {}
    for number, folded in enumerate(folded_lines):
        if len(folded) <= _RUNNING_MAX and not ends_sentence(folded) and not _PAGE_NUMBER.match(folded):
            places.setdefault(folded, []).append(number)
    running = set()
    for found in places.values():
        if len(found) < 2 or len(found) * 2 <= pages:
            continue
        used = set()
        for number in found:
            edge = next((e for e in range(number - 2, number + 3) if e in edges and e not in used), None)
            if edge is None:
                break
            used.add(edge)
        else:
            running.update(found)
    return running


def _drop_noise(lines, cleaned):
    width = _wrap_width(lines)
    folded_lines = [fold(line.text).strip() for line in lines]
    running = _running_lines(lines, folded_lines)

    def block_item(folded):
        """A link of a "推荐阅读" block: short, and not a line of hard-wrapped running text."""
        if width and width - 3 <= len(folded) <= width + 1:
            return False
        # a long numbered line is text (a page chunk "8、…")
        return bool(_LIST_ITEM.match(folded) and len(folded) <= 120) or _short(folded, 50)

    kept, in_tail_block = [], False
    for number, line in enumerate(lines):
        folded = folded_lines[number]
        if number in running:
            cleaned.removed.append(Removed("页眉页脚", line.text))
            continue
        if number and _TEASER_HEADING.match(folded_lines[number - 1]) and _teaser(folded, folded_lines[number + 1 :]):
            cleaned.removed.append(Removed("文档简介", line.text))
            continue
        if in_tail_block and block_item(folded):
            # …except a heading the running text resumes under (a block inside the article)
            following = folded_lines[number + 1] if number + 1 < len(lines) else ""
            if not (
                is_heading_like(line.text) and following and not block_item(following) and not _line_rule(following)
            ):
                cleaned.removed.append(Removed("推荐阅读、提示与评论区", line.text))
                continue
        in_tail_block = False
        if _TAIL_BLOCK.search(folded) and len(folded) <= 30:
            in_tail_block = True
            cleaned.removed.append(Removed("推荐阅读、提示与评论区", line.text))
            continue
        rule = _line_rule(folded)
        if rule == "按钮与链接" and _heading_with_a_button_word(
            line.text, folded, folded_lines[number + 1 : number + 2]
        ):
            rule = None
        if rule:
            cleaned.removed.append(Removed(rule, line.text))
        else:
            kept.append(line)
    return kept


# --- lines → paragraphs -----------------------------------------------------------------------


def _wrap_width(lines):
    """The width of a hard-wrapped text (most lines about equally long), else None."""
    lengths = [len(line.text) for line in lines if len(line.text) >= 10]
    if len(lengths) < 8:
        return None
    width = max(set(lengths), key=lambda n: sum(abs(n - m) <= 1 for m in lengths))
    full = [line.text for line in lines if width - 2 <= len(line.text) <= width + 1]
    # wrapped lines are cut anywhere, so most full ones end mid-sentence
    mid_sentence = sum(not ends_sentence(text) for text in full)
    return width if 20 <= width <= 80 and len(full) >= 0.5 * len(lengths) and mid_sentence * 2 > len(full) else None


def _sentence_per_line(lines):
    """Documents that put each sentence in its own paragraph."""
    if len(lines) < 20:
        return False
    single = sum(len(TERMINAL.findall(line.text.rstrip("”’」』"))) <= 1 for line in lines)
    return single >= 0.8 * len(lines)


def _continues(size, tail, line):
    """Whether `line` goes on a paragraph of `size` characters ending with `tail` in a text with
    no layout signal."""
    if "\t" in line.text or "\t" in tail:
        return False  # a table's row
    if re.match(r"[”’」』）)，,。；;、]", line.text):
        return True  # a line cannot start with closing punctuation
    return size >= 40 and not ends_sentence(tail) and not ENUMERATION.match(line.text)


def _blank_lines_part_paragraphs(lines):
    """Whether a blank line before a line says a paragraph starts there: some lines have one
    and some not. A text with a blank line after every line (copied double-spaced) says nothing by them."""
    gaps = [bool(line.gap) for line in lines[1:] if not line.page_start]
    return any(gaps) and not all(gaps)


_OPENERS, _CLOSERS_OF = "“‘「『（(《〈【", "”’」』）)》〉】"
_COLUMNS = re.compile(r"\S[ \t\u3000\xa0]{2,}\S")
_DATE = re.compile(r"\d{4}\s*[-年./]\s*\d{1,2}")
# A wrapped title starts in the document's first lines (a running head or a site's name may
# stand above it), its first line full from the margin (a few blanks of centring at most).
TITLE_SEARCH_LINES, FULL_LINE_OFFSET = 6, 3


def _goes_on(text, line, first):
    """Whether `line` goes on a title's `text` so far: set in under a full first line (a centred
    title's last line), a quotation mark or bracket still open, or it starts with a closing one."""
    still_open = sum(text.count(mark) for mark in _OPENERS) > sum(text.count(mark) for mark in _CLOSERS_OF)
    return line.offset > first.offset or still_open or line.text[:1] in _CLOSERS_OF


def _wrapped_title(lines):
    """(first, last) line numbers of a title wrapped over two or three of the first lines (a
    PDF's big title: a blank line below it, each line going on the one before), else None."""
    starts = [n for n in range(min(len(lines), TITLE_SEARCH_LINES)) if n == 0 or lines[n].gap or lines[n].page_start]
    for first in starts:
        last = first
        while last + 1 < len(lines) and not (lines[last + 1].gap or lines[last + 1].page_start):
            last += 1
        block = lines[first : last + 1]
        if last + 1 == len(lines) or not 2 <= len(block) <= 3 or block[0].offset > FULL_LINE_OFFSET:
            continue
        if len("".join(line.text for line in block)) > LONG_TITLE_MAX or any(
            ends_sentence(line.text) for line in block
        ):
            continue
        # A numbered heading, a subtitle, and a line set in columns (a byline and its date) start
        # or go on no title.
        text, wrapped = block[0].text, not ENUMERATION.match(block[0].text)
        for line in block[1:]:
            apart = line.text.startswith(("——", "--")) or _COLUMNS.search(line.text) or _DATE.search(line.text)
            wrapped = wrapped and not apart and _goes_on(text, line, block[0])
            text += line.text
        if wrapped:
            return first, last
    return None


def _join(lines, cleaned):
    title = _wrapped_title(lines)
    width = _wrap_width(lines)
    per_sentence = not width and _sentence_per_line(lines)
    blank_parts = _blank_lines_part_paragraphs(lines)
    # A paragraph is kept as its lines until it ends (adding to one long string is quadratic);
    # the rules below need only its length and its last characters.
    paragraphs, current, size, tail = [], [], 0, ""
    for number, line in enumerate(lines):
        if not current:
            join = False
        elif title and title[0] <= number <= title[1] + 1:
            join = title[0] < number <= title[1]  # the title's lines, a paragraph of their own
        elif width:
            last = lines[number - 1].text
            # a full line goes on, unless a sentence ends on it and a heading or a point follows
            heading = (ends_sentence(last) and len(line.text) < width - 3 and is_heading_like(line.text)) or (
                (ends_sentence(last) or last.endswith((":", "："))) and bool(ENUMERATION.match(line.text))
            )
            join = len(last) >= width - 3 and not line.indented and not heading
        elif per_sentence:
            # a wider gap than between sentences, an indent, a number or a heading starts a paragraph
            heading_before = size <= HEADING_MAX and is_heading_like("".join(current))
            join = not (
                line.gap >= 2
                or line.indented
                or ENUMERATION.match(line.text)
                or is_heading_like(line.text)
                or heading_before
            ) or _continues(size, tail, line)
        else:
            # A title or a byline without a stop, set apart by a blank line, is not a line wrapped.
            join = not (blank_parts and line.gap and not line.page_start) and _continues(size, tail, line)
        if current and not join:
            paragraphs.append("".join(current))
            current, size, tail = [], 0, ""
        current.append(line.text)
        size += len(line.text)
        tail = (tail + line.text)[-20:]
    if current:
        paragraphs.append("".join(current))
    if width:
        cleaned.changes.append(f"合并硬换行（每行约 {width} 字）")
    elif per_sentence:
        cleaned.changes.append("一句一段的原文已按层次合并成段")
    return paragraphs


_PAGE_FRAGMENT = re.compile(r"^(\d{1,3})、")


def join_page_fragments(paragraphs, cleaned):
    """Document sites cut a text into numbered page chunks ("2、…") that break mid-sentence."""
    numbered = [(i, int(m.group(1))) for i, p in enumerate(paragraphs) if (m := _PAGE_FRAGMENT.match(p))]
    numbers = [n for _, n in numbered]
    if len(numbered) < 3 or numbers != list(range(1, len(numbers) + 1)):
        return paragraphs
    chunks = [paragraphs[i] for i, _ in numbered]
    broken = sum(not ends_sentence(chunk) for chunk in chunks[:-1])
    if broken * 2 < len(chunks) - 1 and sum(map(len, chunks)) / len(chunks) < 150:
        return paragraphs  # an ordinary numbered list
    first, last = numbered[0][0], numbered[-1][0]
    if last - first + 1 != len(numbered):
        return paragraphs  # something between the chunks: not one paged text
    text = "".join(_PAGE_FRAGMENT.sub("", chunk, count=1) for chunk in chunks)
    label = TEMPLATE_LABEL.match(text)
    if label:
        cleaned.removed.append(Removed("网站模板字样", label.group(0)))
        text = text[label.end() :]
    cleaned.removed.append(Removed("分页编号", "、".join(str(n) for n in numbers) + "、"))
    return paragraphs[:first] + [text] + paragraphs[last + 1 :]


# A run-on text (no paragraphs) is cut before the markers of its points: (一) 一是 第一, 一、
_POINT = re.compile(
    r"(?<=[。；;！!？?:：])(?=[(（][一二三四五六七八九十]{1,3}[)）]|[一二三四五六七八九十]{1,3}是|"
    r"第[一二三四五六七八九十]{1,3}[,，、]|[一二三四五六七八九十]{1,3}、)"
)
# …and before a sentence announcing results or lessons ("……取得了明显效果，大体有五个方面：").
_ANNOUNCE = re.compile(
    r"(?<=[。；;！!？?])(?=[^。；;！!？?]{4,80}(?:成效|效果|成绩|启示|体会)[^。；;！!？?]{0,30}[:：])"
)
RUN_ON = 500


def split_run_on(paragraphs, cleaned):
    result = []
    for paragraph in paragraphs:
        if len(paragraph) < RUN_ON:
            result.append(paragraph)
            continue
        parts = [part for piece in _ANNOUNCE.split(paragraph) for part in _POINT.split(piece) if part]
        if len(parts) > 1:
            cleaned.changes.append(f"不分段的长文按条目分为 {len(parts)} 段")
        result += parts
    return result


# A news report's dateline before its first sentence: 本报讯（记者 赵晓峰 通讯员 郭丽）, 新华社北京6月1日电.
_DATELINE = re.compile(
    r"^(本报|本刊|本台|新华社|人民网|中新网)[\u4e00-\u9fff\d]{0,12}(讯|电)\s*([(（][^()（）]{0,40}[)）])?\s*"
)


def drop_datelines(paragraphs, cleaned):
    result = []
    for paragraph in paragraphs:
        match = _DATELINE.match(paragraph)
        if match and len(paragraph) > match.end():
            cleaned.removed.append(Removed("电头", match.group(0).strip()))
            paragraph = paragraph[match.end() :]
        result.append(paragraph)
    return result


def drop_branding(paragraphs, cleaned):
    """A short name above the text twice, or above it and again at its end: a site's or an
    account's (光山组工), not the text's. Never the first line, which may be a short title."""
    first_prose = next((n for n, p in enumerate(paragraphs) if len(p) >= 40 or ends_sentence(p)), len(paragraphs))
    head = [
        p for p in paragraphs[1:first_prose] if 2 <= len(p) <= 10 and is_heading_like(p) and not ENUMERATION.match(p)
    ]
    tail = set(paragraphs[-15:]) if len(paragraphs) > first_prose + 15 else set()
    names = {name for name in head if (head.count(name) >= 2 or name in tail) and name != paragraphs[0]}
    for name in sorted(names):
        cleaned.removed.append(Removed("网站或公众号名称", name))
    return [p for p in paragraphs if p not in names]


def drop_repeats(paragraphs, cleaned):
    """A repeated title or lead paragraph (not a numbered heading, which cases may share)."""
    seen, result = set(), []
    for paragraph in paragraphs:
        key = re.sub(r"\s", "", fold(paragraph))
        if key in seen and len(key) >= 8 and not ENUMERATION.match(paragraph):
            cleaned.removed.append(Removed("重复的标题或段落", paragraph))
            continue
        seen.add(key)
        result.append(paragraph)
    return result


def clean(text):
    """The cleaned paragraphs of a document's text, with every removal recorded."""
    cleaned = Cleaned(paragraphs=[])
    cleaned.traditional = is_traditional(text)
    if cleaned.traditional:
        cleaned.changes.append("繁体字已转换为简体（OpenCC t2s）")
    lines = _drop_noise(_lines(text, cleaned), cleaned)
    paragraphs = _join(lines, cleaned)
    punctuated = [chinese_punctuation(paragraph) for paragraph in paragraphs]
    changed = sum(a != b for a, b in zip(paragraphs, punctuated))
    if changed:
        cleaned.changes.append(f"中文里的英文标点改为中文标点（{changed} 段）")
    paragraphs = punctuated
    paragraphs = join_page_fragments(paragraphs, cleaned)
    paragraphs = split_run_on(paragraphs, cleaned)
    paragraphs = drop_datelines(paragraphs, cleaned)
    cleaned.paragraphs = drop_repeats(drop_branding(paragraphs, cleaned), cleaned)
    return cleaned


def is_traditional(text):
    """Whether a text is written in Traditional characters (≥ 5% of its Han characters change)."""
    han = re.findall(r"[\u4e00-\u9fff]", text)
    if not han:
        return False
    sample = "".join(han[:5000])
    changed = sum(a != b for a, b in zip(sample, to_simplified(sample)))
    return changed >= 0.05 * len(sample)
