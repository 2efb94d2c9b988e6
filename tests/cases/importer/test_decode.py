"""Reading files: types, encodings detected (not assumed), and clear refusals."""

import io
import zipfile

import pytest
from docx import Document as WordDocument

from cases.importer import DocumentError
from cases.importer.decode import MAX_BYTES, read_bytes, read_paste

from .conftest import as_docx, as_word_html

TEXT = "五常市推进农村党建“1+3模式”进展情况。截止目前，五常市农村已建立各类农民专业合作社751个，吸纳社员126928人。"
BIG5_TEXT = "城鄉黨建互幫互助交流。全市已建起城鄉聯合黨組織163個，加入聯合黨組織的村黨支部367個。"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
def test_simplified_text_in_each_encoding(encoding):
    document = read_bytes("case.txt", (TEXT * 3).encode(encoding))
    assert document.text.lstrip("\ufeff") == TEXT * 3


def test_big5_is_detected():
    document = read_bytes("case.txt", (BIG5_TEXT * 3).encode("big5"))
    assert document.text == BIG5_TEXT * 3
    assert document.encoding == "big5"
    assert document.described == "纯文本，BIG5 编码"


def test_word_html_joins_its_spans_and_drops_office_markup():
    document = read_bytes("case.htm", as_word_html("标题行\n" + TEXT).encode("utf-8"))
    lines = [line.strip() for line in document.text.split("\n") if line.strip()]
    assert lines == ["标题行", TEXT]
    assert "mso" not in document.text and "WordDocument" not in document.text


def test_html_title_and_headings_are_hints():
    html = f"<html><head><title>网站名</title></head><body><h1>兴山两会两评</h1><h2>一、背景</h2><p>{TEXT}</p></body></html>"
    document = read_bytes("page.html", html.encode("gb18030"))
    assert document.title_hint == "兴山两会两评"
    assert "一、背景" in document.headings


def test_a_paragraph_all_in_bold_is_a_heading_hint_emoji_and_all():
    html = (
        f"<p><span>🔴</span><strong>划片联户，织密服务“一张网”</strong></p><p>{TEXT}</p>"
        f"<p>一段<b>部分</b>加粗的文字。</p><p><b>整段加粗的一句话。</b></p>"
    )
    document = read_bytes("page.html", html.encode("utf-8"))
    assert document.headings == {"划片联户，织密服务“一张网”"}


def test_a_tables_plain_rows_become_lines_of_cells_but_a_layout_table_keeps_its_paragraphs():
    html = (
        f"<table><tr><td><p>导航</p></td><td><p>{TEXT}</p>"
        "<table><tr><th>指标</th><th>2019年</th><th>2021年</th></tr>"
        "<tr><td>集体经济收入10万元以上村（个）</td><td>58</td><td>172</td></tr></table>"
        "</td></tr></table>"
    )
    lines = [line.strip() for line in read_bytes("page.html", html.encode("utf-8")).text.split("\n") if line.strip()]
    assert lines == ["导航", TEXT, "指标\t2019年\t2021年", "集体经济收入10万元以上村（个）\t58\t172"]


def test_docx_paragraphs_become_lines():
    document = read_bytes("case.docx", as_docx("标题行\n" + TEXT))
    assert document.kind == "docx"
    assert document.text.split("\n") == ["标题行", TEXT]


def test_pasted_text_and_pasted_html():
    assert read_paste(TEXT).text == TEXT
    assert TEXT in read_paste(f"<p>{TEXT}</p>").text


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("empty.txt", b"", "空文件"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10, "二进制"),
        ("case.pdf", TEXT.encode("utf-8"), "不是有效的 PDF 文件"),
        ("case.doc", TEXT.encode("utf-8"), "不是有效的 Word 97–2003 或 WPS 文件"),
        ("case.ofd", b"PK\x03\x04" + bytes(100), "不是有效的 OFD 文件"),
        ("case.pptx", TEXT.encode("utf-8"), "文件类型不受支持"),
        ("big.txt", b"a" * (MAX_BYTES + 1), "10 MB"),
        ("latin.txt", b"Just some English words without any Chinese text at all.", "没有可识别的中文正文"),
        ("noise.txt", bytes(range(128, 256)) * 4, "编码"),
        ("broken.docx", b"PK\x03\x04 not really a zip", "docx"),
    ],
)
def test_bad_input_is_refused_in_chinese(name, data, message):
    with pytest.raises(DocumentError, match=message):
        read_bytes(name, data)


def test_empty_paste_is_refused():
    with pytest.raises(DocumentError, match="没有粘贴"):
        read_paste("  \n ")


def _docx_parts(data):
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def _docx_from(parts):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_docx_styles_tables_and_what_word_does_not_show():
    word = WordDocument()
    word.add_heading("兴山两会两评", 1)
    word.add_heading("一、背景", 2)
    word.add_paragraph(TEXT)
    table = word.add_table(rows=1, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "关怀理事会", "92个"
    word.add_paragraph("二、主要做法")
    layout = word.add_table(rows=1, cols=1)  # a page laid out in a table: longer text in its cell
    layout.cell(0, 0).text = "附：" + TEXT
    word.add_paragraph("三、成效")
    buffer = io.BytesIO()
    word.save(buffer)
    parts = _docx_parts(buffer.getvalue())
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    assert w.encode() in parts["word/document.xml"]
    # a tracked deletion and a text box: Word shows neither as text of the paragraph
    parts["word/document.xml"] = parts["word/document.xml"].replace(
        "<w:t>二、主要做法</w:t>".encode(),
        '<w:t>二、主要做法</w:t></w:r><w:del w:id="1" w:author="x"><w:r><w:delText>删去的字</w:delText></w:r></w:del>'
        "<w:r><w:txbxContent><w:p><w:r><w:t>文本框</w:t></w:r></w:p></w:txbxContent>".encode(),
    )
    document = read_bytes("case.docx", _docx_from(parts))
    # A table of data where it stands; a layout table's text after the body's paragraphs.
    assert document.text.split("\n") == [
        "兴山两会两评",
        "一、背景",
        TEXT,
        "关怀理事会\t92个",
        "二、主要做法",
        "三、成效",
        "附：" + TEXT,
    ]
    assert document.title_hint == "兴山两会两评" and document.headings == {"兴山两会两评", "一、背景"}


def test_docx_main_part_is_found_by_its_relationship():
    parts = _docx_parts(as_docx("标题行\n" + TEXT))
    parts["word/document2.xml"] = parts.pop("word/document.xml")
    parts["_rels/.rels"] = parts["_rels/.rels"].replace(b"word/document.xml", b"word/document2.xml")
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(b"/word/document.xml", b"/word/document2.xml")
    parts["word/_rels/document2.xml.rels"] = parts.pop("word/_rels/document.xml.rels")
    assert read_bytes("case.docx", _docx_from(parts)).text.split("\n") == ["标题行", TEXT]
