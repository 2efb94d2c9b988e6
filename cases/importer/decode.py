"""Bytes → text: the file type by name and content, the encoding detected, never assumed.

Input may be hostile: sizes are checked before anything is unpacked, HTML and Word XML are
read as streams (no tree walking, so deep nesting costs no more than its length), and a text
must look like Chinese prose, not like mojibake, to go further.
"""

import io
import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass, field

import charset_normalizer
from django.conf import settings
from lxml import etree

from search.text import drop_controls, to_simplified

from . import DocumentError
from .converted import MAX_PAGES, ofd_pages, old_word_text, pdf_pages
from .patterns import EMOJI_ENDS, PAGE_BREAK, ends_sentence

MAX_BYTES = settings.CASE_IMPORT_MAX_UPLOAD_SIZE
MAX_SIZE_TEXT = f"{MAX_BYTES // settings.MEGABYTE} MB"
# A .docx or an .ofd is a zip: its parts unpacked may not exceed this (a real case document is a
# few MB; a "zip bomb" declares hundreds of MB or more), nor hold more parts than this.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_PARTS = 5000
# The text taken from any document (a case is a few thousand characters; a book is not a case):
# it bounds the time of cleaning and structure detection, whatever the file held.
MAX_CHARS = 1_000_000
FILE_TYPES = {
    ".txt": "text",
    ".text": "text",
    ".html": "html",
    ".htm": "html",
    ".docx": "docx",
    ".pdf": "pdf",
    ".doc": "doc",
    ".wps": "doc",  # old WPS files are Word 97–2003 files; newer ones are .docx inside
    ".ofd": "ofd",
}
ACCEPTED = ".txt、.html/.htm、.docx、.doc、.wps、.pdf 或 .ofd"
# What a file's first bytes say it is, whatever its name: a .doc named .docx and the reverse are
# common, and a renamed PDF is still a PDF.
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97–2003 (and other Office) files
_ZIP = b"PK\x03\x04"
# Chinese documents come in these; charset detection is limited to them so that a GBK file is
# never read as, say, Latin-1 (which decodes any byte string without error).
CHINESE_ENCODINGS = ["utf_8", "gb18030", "big5"]
KIND_NAMES = {
    "text": "纯文本",
    "html": "网页（HTML）",
    "docx": "Word 文档（.docx）",
    "pdf": "PDF 文件的文字层",
    "doc": "旧版 Word/WPS 文档",
    "ofd": "OFD 版式文件的文字",
    "paste": "粘贴的文字",
}
BOMS = [(b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")]
_HAN = re.compile(r"[\u3400-\u9fff]")
# Fewer Chinese characters than this are a line or a title, not a case's text.
MIN_HAN = 20
# Chinese prose is written almost only (> 99% in the seeds) with the 3,755 common characters of
# GB 2312 level 1; bytes decoded with the wrong encoding give rare characters at random.
_COMMON_SHARE = 0.5
_SAMPLE = 20000


@dataclass
class Document:
    """A decoded document: its text as lines, and what was learnt on the way."""

    name: str
    kind: str  # text | html | docx | pdf | ofd | doc | paste
    encoding: str
    text: str
    title_hint: str = ""  # <title>, <h1> or the Word Title / Heading 1 paragraph
    headings: set = field(default_factory=set)  # lines marked as headings by the markup
    notes: list = field(default_factory=list)  # what the editor must know about the reading

    @property
    def described(self):
        """What was read, in words an editor knows: 纯文本，GB18030 编码."""
        kind = KIND_NAMES[self.kind]
        if self.kind not in ("text", "html"):  # no byte encoding to name
            return kind
        return f"{kind}，{self.encoding.upper().replace('_', '-')} 编码"


def file_kind(name, data=b""):
    """The reader for a file: by its content where that is unmistakable, else by its name."""
    suffix = re.search(r"\.[^.]+$", name.lower())
    kind = FILE_TYPES.get(suffix.group(0) if suffix else "")
    if kind is None:
        raise DocumentError(f"“{name}”的文件类型不受支持：请上传 {ACCEPTED} 文件。")
    if data.startswith(_OLE):
        return "doc"
    if data.startswith(_ZIP) and kind in ("doc", "docx"):
        return "docx"
    # a PDF whatever its name; one named .pdf may have bytes before its header, as readers allow
    if data.startswith(b"%PDF-") or (kind == "pdf" and b"%PDF-" in data[:1024]):
        return "pdf"
    if kind == "doc":
        head = data[:1024].lstrip().lower()
        if head.startswith(b"{\\rtf"):
            raise DocumentError(f"“{name}”实际是 RTF 格式：请在 Word 或 WPS 中另存为 .docx 后再导入。")
        if b"<html" in head or head.startswith(b"<!doctype html"):
            return "html"  # Word's "save as web page" named .doc: read as the web page it is
        raise DocumentError(f"“{name}”不是有效的 Word 97–2003 或 WPS 文件：请在 Word 或 WPS 中另存为 .docx 后再导入。")
    return kind


def too_big(name):
    return DocumentError(f"“{name}”超过 {MAX_SIZE_TEXT}，请只上传案例正文。")


def read_bytes(name, data):
    """Decode an uploaded file; DocumentError for anything that is not a readable document."""
    if not data:
        raise DocumentError(f"“{name}”是空文件。")
    if len(data) > MAX_BYTES:
        raise too_big(name)
    kind = file_kind(name, data)
    if kind == "docx":
        return _read_docx(name, data)
    if kind == "pdf":
        return _read_pdf(name, data)
    if kind == "ofd":
        return _read_ofd(name, data)
    if kind == "doc":
        return _checked(Document(name=name, kind="doc", encoding="doc", text=old_word_text(name, data)))
    text, encoding = decode_text(name, data)
    if kind == "html" or (kind == "text" and re.match(r"\s*<(!doctype|html)", text, re.I)):
        return _read_html(name, text, encoding)
    return _checked(Document(name=name, kind="text", encoding=encoding, text=text))


def read_paste(text, name="粘贴的文本"):
    """Text pasted into the admin form (already Unicode); pasted HTML is read as HTML."""
    text = _storable(text or "")
    if not text.strip():
        raise DocumentError("没有粘贴任何文字。")
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise DocumentError(f"粘贴的文字超过 {MAX_SIZE_TEXT}。")
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


def _common(character):
    try:
        lead = character.encode("gb2312")[0]
    except UnicodeEncodeError:
        return False
    return 0xB0 <= lead <= 0xD7


def _storable(text):
    """Text without control characters or lone surrogates (pasted debris), which neither the
    database nor the parsers accept; page breaks (form feed, HTML whitespace) are kept for the
    cleaner."""
    return PAGE_BREAK.join(re.sub(r"[\ud800-\udfff]", "", drop_controls(page)) for page in text.split(PAGE_BREAK))


def _checked(document):
    """A document must hold some Chinese text, readable as such, to be a case."""
    if len(document.text) > MAX_CHARS:
        raise DocumentError(f"“{document.name}”的正文超过 100 万字，请只导入案例正文。")
    document.text = _storable(document.text)
    han = _HAN.findall(document.text)
    if not han:
        raise DocumentError(f"“{document.name}”中没有可识别的中文正文。")
    if len(han) < MIN_HAN:
        scanned = "如果是扫描件，请先做 OCR 文字识别；否则" if document.kind == "pdf" else ""
        raise DocumentError(f"“{document.name}”只有 {len(han)} 个汉字，不像一篇案例的正文：{scanned}请导入案例全文。")
    sample = to_simplified("".join(han[:_SAMPLE]))
    if sum(map(_common, sample)) < _COMMON_SHARE * len(sample):
        if document.kind == "pdf":
            raise DocumentError(
                f"“{document.name}”的文字层取出来是乱码（PDF 的字体没有文字对照表）：请用 OCR 识别，"
                "或从原始的 Word 文件导入。"
            )
        raise DocumentError(f"“{document.name}”的文字像是乱码（编码识别错误或不是中文文档），无法导入。")
    return document


# --- HTML -------------------------------------------------------------------------------------

_BLOCK_TAGS = {
    "p",
    "div",
    "li",
    "tr",
    "td",
    "th",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "br",
    "section",
    "article",
    "blockquote",
    "pre",
    "dd",
    "dt",
    "ul",
    "ol",
    "table",
}
_SKIPPED_TAGS = {"script", "style", "noscript", "head", "xml", "nav", "footer", "template", "svg", "iframe"}
_HEADING_TAGS = {"h1", "h2", "h3", "h4"}
_PARAGRAPH_TAGS = {"p", "div", "li"}
_BOLD_TAGS = {"b", "strong"}


class _HtmlText:
    """An lxml parser target collecting the visible text: block elements end lines, inline
    ones (Word's <span> per fragment) do not; comments (Word's <!--[if gte mso]>) are dropped."""

    def __init__(self):
        self.parts, self.title, self.headings = [], [], []
        self.size = 0
        self.skipping = 0  # depth inside <script>, <head> …
        self.in_title = False
        self.heading = None  # the text of the <h1>–<h4> being read
        # A paragraph all in bold is a heading too (news sites, Word): its text, and the bold part.
        self.paragraph = None
        self.bold = 0
        # Table rows being read: a row of plain cells becomes one line, its cells apart by tabs
        # (a layout table's cells, holding paragraphs, stay blocks).
        self.rows = []

    def start(self, tag, attrib):
        tag = tag.lower()
        if tag == "title":
            self.in_title = True
        if self.skipping or tag in _SKIPPED_TAGS:
            self.skipping += 1
            return
        if tag in _HEADING_TAGS and self.heading is None:
            self.heading = (tag, [])
        if tag in _PARAGRAPH_TAGS:
            self.paragraph = ([], [])
        if self.rows and self.rows[-1]["cells"] and tag in _BLOCK_TAGS and tag not in ("td", "th", "br"):
            self.rows[-1]["nested"] = True
        if tag == "tr":
            self.rows.append({"start": len(self.parts), "cells": [], "nested": False})
        elif tag in ("td", "th") and self.rows:
            self.rows[-1]["cells"].append([])
        if tag in _BOLD_TAGS:
            self.bold += 1
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def end(self, tag):
        tag = tag.lower()
        if tag == "title":
            self.in_title = False
        if self.skipping:
            self.skipping -= 1
            return
        if self.heading and tag == self.heading[0]:
            self.headings.append(("".join(self.heading[1]).strip(), tag))
            self.heading = None
        if tag in _BOLD_TAGS:
            self.bold = max(self.bold - 1, 0)
        if tag == "tr" and self.rows:
            row = self.rows.pop()
            if not row["nested"] and len(row["cells"]) >= 2:
                del self.parts[row["start"] :]
                self.parts.append("\n" + "\t".join(" ".join("".join(cell).split()) for cell in row["cells"]) + "\n")
        if tag in _PARAGRAPH_TAGS and self.paragraph:
            text, bold = (EMOJI_ENDS.sub("", "".join(parts)) for parts in self.paragraph)
            if text and text == bold and len(text) <= 40 and not ends_sentence(text):
                self.headings.append((text, "b"))
            self.paragraph = None
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def data(self, text):
        if self.in_title:
            self.title.append(text)
        if self.skipping:
            return
        self.size += len(text)
        if self.size > MAX_CHARS:
            raise DocumentError("网页的正文超过 100 万字，请只导入案例正文。")
        self.parts.append(text)
        if self.heading:
            self.heading[1].append(text)
        if self.rows and self.rows[-1]["cells"]:
            self.rows[-1]["cells"][-1].append(text)
        if self.paragraph:
            self.paragraph[0].append(text)
            if self.bold:
                self.paragraph[1].append(text)

    def close(self):
        return "".join(self.parts)


def _read_html(name, text, encoding):
    # The text is already decoded: a declaration naming its old encoding must not apply again.
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    target = _HtmlText()
    parser = etree.HTMLParser(target=target, no_network=True, remove_comments=True, remove_pis=True)
    try:
        parser.feed(text)
        body = parser.close()
    except etree.LxmlError as error:
        raise DocumentError(f"“{name}”无法作为网页读取：{error}") from error
    lines = (re.sub(r"[ \r\f\v]+", " ", line) for line in body.split("\n"))  # tabs part table cells
    h1 = next((heading for heading, tag in target.headings if tag == "h1" and heading), "")
    hint = h1 or " ".join("".join(target.title).split())
    return _checked(
        Document(
            name=name,
            kind="html",
            encoding=encoding,
            text="\n".join(lines),
            title_hint=hint,
            headings={heading for heading, _ in target.headings if heading},
        )
    )


# --- PDF --------------------------------------------------------------------------------------


def _read_pdf(name, data):
    return _paged(name, "pdf", *pdf_pages(name, data))


def _paged(name, kind, texts, scans):
    """A document of pages, as a PDF's or an OFD file's text is: the pages one after the other."""
    document = Document(name=name, kind=kind, encoding=kind, text=("\n" + PAGE_BREAK).join(texts))
    if scans:
        pages = "、".join(map(str, scans))
        document.notes.append(
            f"原 {kind.upper()} 第 {pages} 页是扫描的图片，没有文字层，其内容未导入：请对照原件补录。"
        )
    return _checked(document)


# --- OFD (GB/T 33190, China's own fixed-layout format: a zip of XML parts) ---------------------

_OFD_PAGE = re.compile(r"(^|/)Pages/[^/]+/Content\.xml$", re.IGNORECASE)


def _read_ofd(name, data):
    archive = _archive(name, data, "OFD 文件", "请用 OFD 阅读器导出为 PDF 后再导入。")
    pages = sum(bool(_OFD_PAGE.search(part.filename)) for part in archive.infolist())
    if pages > MAX_PAGES:
        raise DocumentError(f"“{name}”有 {pages} 页，超过 {MAX_PAGES} 页：请只导入案例所在的页。")
    return _paged(name, "ofd", *ofd_pages(name, data))


def _archive(name, data, what, remedy):
    """A document's zip archive, its directory checked before anything is unpacked: reading
    never goes past the sizes it declares (zipfile stops there and checks the CRC)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        parts = archive.infolist()
    except UNREADABLE as error:
        raise DocumentError(f"“{name}”不是有效的 {what}（文件不完整或已损坏）。") from error
    if len(parts) > MAX_PARTS:
        raise DocumentError(
            f"“{name}”包含 {len(parts):,} 个内部文件（正常的 {what}远少于 {MAX_PARTS:,} 个），"
            f"不是正常的 {what}，已拒绝导入。{remedy}"
        )
    if sum(part.file_size for part in parts) > MAX_UNPACKED_BYTES:
        raise DocumentError(
            f"“{name}”解压后超过 {MAX_UNPACKED_BYTES // settings.MEGABYTE} MB（可能是“压缩炸弹”），"
            f"不是正常的 {what}，已拒绝导入。"
        )
    return archive


# --- Word -------------------------------------------------------------------------------------

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
UNREADABLE = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    EOFError,
    OSError,
    ValueError,
    KeyError,
    NotImplementedError,
    RuntimeError,
    etree.LxmlError,
)


# No entity expansion (billion laughs), no network, libxml2's limits on depth and size kept.
_XML_OPTIONS = {"resolve_entities": False, "no_network": True, "huge_tree": False}


def _read_docx(name, data):
    broken = f"“{name}”不是有效的 .docx 文件（文件不完整或已损坏）。"
    archive = _archive(name, data, ".docx 文件", "请在 Word 或 WPS 中另存为新的 .docx 后再试。")
    try:
        main = _related_part(archive, "_rels/.rels", "/officeDocument", "word/document.xml")
        if main not in archive.NameToInfo:
            raise DocumentError(broken)
        folder, base = posixpath.split(main)
        styles = _related_part(
            archive, posixpath.join(folder, "_rels", base + ".rels"), "/styles", posixpath.join(folder, "styles.xml")
        )
        style_names = _style_names(archive, styles)
        with archive.open(main) as stream:
            lines, headings, title = _docx_lines(stream, style_names)
    except DocumentError:
        raise
    except UNREADABLE as error:
        raise DocumentError(f"“{name}”无法作为 Word 文档打开（文件已损坏、已加密或结构异常）。") from error
    return _checked(
        Document(name=name, kind="docx", encoding="docx", text="\n".join(lines), title_hint=title, headings=headings)
    )


def _related_part(archive, rels, kind, default):
    """The part a relationship of `kind` points to (Word may name its parts differently)."""
    if rels not in archive.NameToInfo:
        return default
    with archive.open(rels) as stream:
        for _, element in etree.iterparse(stream, tag=_REL, **_XML_OPTIONS):
            if element.get("Type", "").endswith(kind) and element.get("TargetMode") != "External":
                target = element.get("Target", "")
                folder = posixpath.dirname(posixpath.dirname(rels))
                return posixpath.normpath(
                    target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
                )
    return default


def _style_names(archive, styles):
    """Paragraph style ids → their names in lower case ("heading 1", "title")."""
    names = {}
    if styles not in archive.NameToInfo:
        return names
    with archive.open(styles) as stream:
        for _, element in etree.iterparse(stream, tag=_W + "style", **_XML_OPTIONS):
            name = element.find(_W + "name")
            if name is not None:
                names[element.get(_W + "styleId")] = (name.get(_W + "val") or "").lower()
            element.clear()
    return names


def _paragraph_text(paragraph):
    """A paragraph's text as Word shows it: runs, tabs and line breaks (not deleted text)."""
    parts = []
    for node in paragraph.iter(_W + "t", _W + "tab", _W + "br", _W + "cr"):
        if node.tag == _W + "t":
            parts.append(node.text or "")
        elif node.tag == _W + "tab":
            parts.append("\t")
        elif node.get(_W + "type") != "page":
            parts.append("\n")
    return "".join(parts)


# A table whose every cell is as short as this is data (指标 | 2018年 | 2021年), read where it
# stands; one holding longer text lays a page out, and its rows come after the body's paragraphs.
DATA_CELL = 30


def _docx_lines(stream, style_names):
    """(lines, headings, title) of the main document, read as a stream: the body's paragraphs
    in order, a table of short cells (data) among them where it stands, the other tables' rows
    after them (their cells are rarely the narrative). Text boxes are left out, as Word's own
    "save as text" does with floating shapes."""
    lines, rows, headings, title = [], [], set(), ""
    tables = boxes = size = 0
    row = cell = None
    table = []  # the rows of the outermost table being read
    for event, element in etree.iterparse(stream, events=("start", "end"), **_XML_OPTIONS):
        tag = element.tag
        if event == "start":
            if tag == _W + "tbl":
                tables += 1
            elif tag == _W + "txbxContent":
                boxes += 1
            elif tables == 1 and tag == _W + "tr":
                row = []
            elif tables == 1 and tag == _W + "tc":
                cell = []
            continue
        if tag == _W + "p" and not boxes:
            text = _paragraph_text(element)
            size += len(text)
            if size > MAX_CHARS:
                raise DocumentError("Word 文档的正文超过 100 万字，请只导入案例正文。")
            if tables:
                if cell is not None:
                    cell.append(text)
            else:
                style = element.find(f"{_W}pPr/{_W}pStyle")
                style = (
                    style_names.get(style.get(_W + "val"), style.get(_W + "val") or "").lower()
                    if style is not None
                    else ""
                )
                if text.strip() and (style.startswith("heading") or style == "title"):
                    headings.add(text.strip())
                    if not title and style in ("title", "heading 1"):
                        title = text.strip()
                lines.append(text)
        elif tag == _W + "txbxContent":
            boxes -= 1
            element.clear()  # or its text would join the paragraph that anchors the box
        elif tag == _W + "tc" and tables == 1 and cell is not None and row is not None:
            row.append("\n".join(cell))
            cell = None
        elif tag == _W + "tr" and tables == 1 and row is not None:
            table.append(row)
            row = None
        elif tag == _W + "tbl":
            tables -= 1
            if not tables:
                texts = [text for table_row in table for text in table_row]
                # An empty one (a table in a text box, whose text is left out) is no data either.
                data = any(texts) and all(len(text) <= DATA_CELL and "。" not in text for text in texts)
                # Cells apart by tabs, as an HTML table's.
                (lines if data else rows).extend("\t".join(table_row) for table_row in table)
                table = []
        if tag in (_W + "p", _W + "tbl", _W + "sdt") and not tables and not boxes:
            # what is read is dropped, so that memory stays with the text, not the XML
            element.clear()
            while element.getprevious() is not None:
                del element.getparent()[0]
    return lines + rows, headings, title
