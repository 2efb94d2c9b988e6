"""What counts as English left in the admin: the checker the ordinary and browser suites share."""

import re
from html.parser import HTMLParser

# Names and abbreviations a Chinese admin shows as they are.
ALLOWED = {
    "wagtail", "pdf", "word", "docx", "doc", "txt", "url", "urls", "html", "id", "seo", "rss", "atom", "api",
    "qr", "jpeg", "jpg", "png", "gif", "webp", "svg", "avif", "heic", "ico", "csv", "xlsx", "json", "utf",
    "gdp", "mb", "kb", "gb", "px", "email", "unicode", "gb18030", "gbk", "big5", "htm", "ok", "wps", "zip", "ocr", "ofd",
}  # fmt: skip
# Text that is data, not interface: URLs, file names, user names, e-mail addresses and version
# numbers (the settings menu's "Wagtail v8.0.1").
DATA = re.compile(
    r"https?://\S+|\S+@\S+|\b[\w-]+\.(?:png|jpe?g|gif|pdf|docx?|txt)\b|\b(?:editor|reviewer|trainer)1\b|\bv\d+(?:\.\d+)*\b"
)
WORD = re.compile(r"[A-Za-z][A-Za-z0-9'’]+")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
ATTRIBUTES = ("title", "aria-label", "placeholder", "alt", "data-w-tooltip-content-value")


class VisibleText(HTMLParser):
    """The text a reader sees or hears: text and labelling attributes of elements not hidden,
    outside scripts and templates."""

    SKIPPED = {"script", "style", "template", "noscript", "svg", "code", "pre"}

    def __init__(self):
        super().__init__()
        self.parts, self.open = [], []  # open: a flag per open element, whether it is hidden

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        hidden = tag in self.SKIPPED or "hidden" in attributes or attributes.get("aria-hidden") == "true"
        if tag not in VOID:
            self.open.append(hidden)
        if hidden or any(self.open):
            return
        self.parts += [value for name, value in attrs if name in ATTRIBUTES and value]
        if tag == "input" and attributes.get("type") in ("submit", "button"):
            self.parts.append(attributes.get("value") or "")

    def handle_endtag(self, tag):
        if tag not in VOID and self.open:
            self.open.pop()

    def handle_data(self, data):
        if not any(self.open):
            self.parts.append(data)


def english(html):
    """The English words of a page's visible text, but the allowed names."""
    parser = VisibleText()
    parser.feed(html)
    return english_words(parser.parts)


def english_words(texts):
    """The English words in `texts`, but the allowed names and data."""
    found = set()
    for text in texts:
        for word in WORD.findall(DATA.sub(" ", text)):
            if word.lower() not in ALLOWED:
                found.add(word)
    return found
