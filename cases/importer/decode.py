"""Bytes → text: the file type by name and content, the encoding detected, never assumed."""

import io
import re
import zipfile
from dataclasses import dataclass, field

import charset_normalizer
from bs4 import BeautifulSoup, Comment

from . import DocumentError

MAX_BYTES = 10 * 1024 * 1024
TEXT_TYPES = {".txt": "text", ".text": "text", ".html": "html", ".htm": "html", ".docx": "docx"}
# Chinese documents come in these; charset detection is limited to them so that a GBK file is
# never read as, say, Latin-1 (which decodes any byte string without error).
CHINESE_ENCODINGS = ["utf_8", "gb18030", "big5"]
BOMS = [(b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")]
_BLOCK_TAGS = ["p", "div", "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "br",
               "section", "article", "blockquote", "pre", "dd", "dt"]
_HAN = re.compile(r"[\u3400-\u9fff]")


@dataclass
class Document:
    """A decoded document: its text as lines, and what was learnt on the way."""

    name: str
    kind: str                      # text | html | docx | paste
    encoding: str
    text: str
    title_hint: str = ""           # <title>, <h1> or the Word Title / Heading 1 paragraph
    headings: set = field(default_factory=set)   # lines marked as headings by the markup


def file_kind(name):
    suffix = re.search(r"\.[^.]+$", name.lower())
    kind = TEXT_TYPES.get(suffix.group(0) if suffix else "")
    if kind is None:
        raise DocumentError(f"“{name}”的文件类型不受支持：请上传 .txt、.html/.htm 或 .docx 文件。")
    return kind


def read_bytes(name, data):
    """Decode an uploaded file; DocumentError for anything that is not a readable document."""
    if not data:
        raise DocumentError(f"“{name}”是空文件。")
    if len(data) > MAX_BYTES:
        raise DocumentError(f"“{name}”超过 10 MB，请只上传案例正文。")
    kind = file_kind(name)
    if kind == "docx":
        return _read_docx(name, data)
    text, encoding = decode_text(name, data)
    if kind == "html" or (kind == "text" and re.match(r"\s*<(!doctype|html)", text, re.I)):
        return _read_html(name, text, encoding)
    return _checked(Document(name=name, kind="text", encoding=encoding, text=text))


def read_paste(text, name="粘贴的文本"):
    """Text pasted into the admin form (already Unicode); pasted HTML is read as HTML."""
    if not (text or "").strip():
        raise DocumentError("没有粘贴任何文字。")
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise DocumentError("粘贴的文字超过 10 MB。")
    if re.match(r"\s*<(!doctype|html|p|div|span)\b", text, re.I):
        return _read_html(name, text, "unicode")
    return _checked(Document(name=name, kind="paste", encoding="unicode", text=text))


def decode_text(name, data):
    """(text, encoding name): a BOM wins, then strict UTF-8, then the best Chinese encoding."""
    if b"\x00" in data and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DocumentError(f"“{name}”像是二进制文件，不是文本。")
    for bom, encoding in BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding.replace("-sig", "（带 BOM）")
            except UnicodeDecodeError:
                break
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(data, cp_isolation=CHINESE_ENCODINGS).best()
    if best is None:
        raise DocumentError(f"“{name}”无法识别编码（支持 UTF-8、GB18030/GBK、Big5）。")
    return str(best), best.encoding


def _checked(document):
    """A document must hold some Chinese text to be a case."""
    if len(_HAN.findall(document.text)) < 20:
        raise DocumentError(f"“{document.name}”中没有可识别的中文正文。")
    return document


def _read_html(name, text, encoding):
    soup = BeautifulSoup(text, "lxml")
    page_title = soup.title.get_text(" ", strip=True) if soup.title else ""
    for node in soup(["script", "style", "noscript", "head", "xml", "nav", "footer"]):
        node.decompose()
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()  # Word's <!--[if gte mso]> blocks
    headings = {h.get_text("", strip=True) for h in soup.find_all(["h1", "h2", "h3", "h4"])}
    h1 = soup.find("h1")
    # Block elements end lines; inline ones (Word's <span> per fragment) do not.
    for tag in soup.find_all(_BLOCK_TAGS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    lines = (re.sub(r"[ \t\r\f\v]+", " ", line) for line in soup.get_text("").split("\n"))
    body = "\n".join(lines)
    hint = h1.get_text("", strip=True) if h1 else page_title
    return _checked(Document(name=name, kind="html", encoding=encoding, text=body,
                             title_hint=hint, headings={h for h in headings if h}))


def _read_docx(name, data):
    import docx  # python-docx; imported here so that the text path does not need it

    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise DocumentError(f"“{name}”不是有效的 .docx 文件（旧版 .doc 请先另存为 .docx）。")
    try:
        word = docx.Document(io.BytesIO(data))
    except Exception as error:  # python-docx raises several types for broken packages
        raise DocumentError(f"“{name}”无法作为 Word 文档打开：{error}") from error
    lines, headings, title = [], set(), ""
    for paragraph in word.paragraphs:
        text = paragraph.text
        style = (paragraph.style.name if paragraph.style is not None else "").lower()
        if text.strip() and (style.startswith("heading") or style == "title"):
            headings.add(text.strip())
            if not title and style in ("title", "heading 1"):
                title = text.strip()
        lines.append(text)
    for table in word.tables:  # tables come after the text; their cells are rarely the narrative
        for row in table.rows:
            lines.append(" ".join(cell.text for cell in row.cells))
    return _checked(Document(name=name, kind="docx", encoding="docx", text="\n".join(lines),
                             title_hint=title, headings=headings))
