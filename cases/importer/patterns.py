"""Small text tests shared by the cleaner and the structure detector."""

import re

from ..blocks import ENUMERATION

# Between the pages of a PDF's text (form feed, as pdftotext writes it).
PAGE_BREAK = "\f"
# Sentence-ending punctuation, full-width or ASCII.
TERMINAL = re.compile(r"[。！？!?；;…]")
_CLOSERS = "”’」』）)\"'"
# Top-level section headings: 一、背景
TOP_HEADING = re.compile(r"^[一二三四五六七八九十]{1,3}[、.．]")
HEADING_MAX = 30  # a numbered heading
PLAIN_HEADING_MAX = 20  # a heading without a number: short, no comma, no colon
# A title with its subtitle on one line ("四川省大邑县：“院落夜谈”让村务议事走进群众家门口，打通联系
# 服务群众的最后一公里"), or wrapped over a PDF's lines, runs longer than a heading.
LONG_TITLE_MAX = 80


def ends_sentence(text):
    """Whether `text` ends a sentence (closing quotes and brackets after the stop allowed)."""
    return bool(TERMINAL.search(text.rstrip(_CLOSERS)[-1:] or "x"))


def is_heading_like(text):
    """A short line without a sentence stop: a title or a heading, not running text."""
    if not text or ends_sentence(text) or text.endswith(("，", ",")):
        return False
    if ENUMERATION.match(text):
        return len(text) <= HEADING_MAX
    return len(text) <= PLAIN_HEADING_MAX and not re.search(r"[,，:：]", text)


# Emoji and pictographs that decorate a line's ends in social-media articles ("🔴划片联户…", "✨点亮…✨").
EMOJI_ENDS = re.compile(
    r"^[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\uFE0F\u200D\s]+|"
    r"[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\uFE0F\u200D\s]+$"
)

# The labels of a byline's author (作者：王明), for the cleaner that removes the line and the
# metadata that reads it.
AUTHOR_LABELS = "作者|信息发布者|发布者|发布人|撰稿人?|执笔人?|供稿人?|编写人?"
