"""PDFs, OFD files and old Word/WPS files, and text copied out of a PDF: each becomes a draft like the
seed it was made from, without the page's running heads and numbers; what cannot be read is
refused in Chinese, within the time and page limits."""

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pypdf
import pytest
from PIL import Image

from cases.importer import DocumentError, converted, decode
from cases.importer.create import analyse
from cases.importer.decode import MAX_UNPACKED_BYTES, read_bytes, read_paste
from cases.importer.patterns import PAGE_BREAK
from search.text import fold

from .conftest import as_docx, as_ofd, fixture, fixture_lines, seed_text

DOCUMENTS = Path(__file__).parent / "documents"
PRINTED = DOCUMENTS / "19_xingshan_printed.pdf"  # made by documents/make_printed.py
RUNNING_HEAD = "全国基层党建创新典型案例"


def pdf_bytes(writer):
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def scanned_page():
    """A one-page PDF holding only a picture, as a scanner writes it."""
    buffer = io.BytesIO()
    Image.new("RGB", (595, 842), "white").save(buffer, format="PDF")
    return buffer.getvalue()


def texts_of(draft):
    return [draft.title, *[section.heading for section in draft.sections], *draft.paragraphs]


def headings(slug):
    return [fold(block["heading"]) for block in fixture(slug)["body"] if block["type"] == "section"]


def assert_like_seed(draft, slug, place):
    """A draft of a seed's fixture written out another way: its title, place, model name and
    sections in order, every paragraph whole, and among its suggestions a theme and a problem the
    editors chose."""
    data = fixture(slug)
    assert (draft.title, draft.region.full_name, draft.model_name) == (data["title"], place, data["model_name"])
    assert [fold(section.heading) for section in draft.sections] == headings(slug)
    assert {theme.name for theme in draft.themes} & set(data["themes"])
    assert {problem.name for problem in draft.problems} & set(data["problems"])
    kept = {fold(paragraph) for paragraph in draft.paragraphs}
    written = [fold(p) for block in data["body"] if block["type"] == "section" for p in block["paragraphs"]]
    assert [paragraph[:20] for paragraph in written if paragraph not in kept] == []


@pytest.mark.django_db
def test_a_printed_pdf_becomes_a_draft_like_its_seed():
    document = read_bytes(PRINTED.name, PRINTED.read_bytes())
    assert document.kind == "pdf" and document.described == "PDF 文件的文字层"
    [draft] = analyse(document).drafts
    assert_like_seed(draft, "xingshan-lianghui-liangping", "湖北省宜昌市兴山县")  # across pages too
    assert draft.year_reported == fixture("xingshan-lianghui-liangping")["year_reported"]
    leftovers = [text for text in texts_of(draft) if RUNNING_HEAD in text or "— 1 —" in text]
    assert leftovers == []


def test_a_pdf_is_read_as_one_whatever_its_name():
    assert read_bytes("案例.txt", PRINTED.read_bytes()).kind == "pdf"


def test_a_scan_is_sent_to_ocr_first():
    with pytest.raises(DocumentError, match="扫描件.*OCR"):
        read_bytes("scan.pdf", scanned_page())


@pytest.mark.django_db
def test_a_scanned_page_among_text_pages_is_named_in_the_drafts_notes():
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(PRINTED))
    writer.append(pypdf.PdfReader(io.BytesIO(scanned_page())))
    [draft] = analyse(read_bytes("mixed.pdf", pdf_bytes(writer))).drafts
    assert "原 PDF 第 8 页是扫描的图片，没有文字层，其内容未导入：请对照原件补录。" in draft.notes


def test_a_pdf_locked_with_a_password_is_refused_and_one_locked_only_against_editing_is_read():
    locked = pypdf.PdfWriter(clone_from=pypdf.PdfReader(PRINTED))
    locked.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    with pytest.raises(DocumentError, match="加密的 PDF"):
        read_bytes("locked.pdf", pdf_bytes(locked))
    editing = pypdf.PdfWriter(clone_from=pypdf.PdfReader(PRINTED))
    editing.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")
    assert RUNNING_HEAD in read_bytes("editing.pdf", pdf_bytes(editing)).text


@pytest.mark.parametrize("cut", [100, 5000, 200000])
def test_a_damaged_pdf_is_refused(cut):
    with pytest.raises(DocumentError, match="不是有效的 PDF 文件"):
        read_bytes("cut.pdf", PRINTED.read_bytes()[:cut])


def test_a_pdf_over_the_page_limit_is_refused(monkeypatch):
    monkeypatch.setattr(converted, "MAX_PAGES", 5)
    with pytest.raises(DocumentError, match="有 7 页，超过 5 页"):
        read_bytes("long.pdf", PRINTED.read_bytes())


def test_a_reader_that_overruns_its_time_is_stopped(monkeypatch, tmp_path):
    stuck = tmp_path / "stuck.py"
    stuck.write_text("import time\ntime.sleep(30)\n")
    monkeypatch.setattr(converted, "_PDF_WORKER", stuck)
    monkeypatch.setattr(converted, "SECONDS", 1)
    with pytest.raises(DocumentError, match="超出了时间或内存限制（1 秒"):
        read_bytes("slow.pdf", PRINTED.read_bytes())


def pdf_copied(text, lines_per_page=28, head="商洛党建工作交流"):
    """Text as copied out of a PDF viewer: its lines, a page number and the running head
    between pages."""
    lines, page = [], 1
    for number, line in enumerate(text.split("\n")):
        if number and number % lines_per_page == 0:
            lines += [f"- {page} -", head]
            page += 1
        lines.append(line)
    return "\n".join(lines)


@pytest.mark.django_db
def test_text_copied_out_of_a_pdf_is_repaired():
    text = pdf_copied(seed_text("003_8a00942d0ea9f248.txt"))
    glued = text.replace("搭建城乡互动桥梁\n近年来", "搭建城乡互动桥梁近年来")
    assert glued != text
    [draft] = analyse(read_paste(glued)).drafts
    data = fixture("shangnan-gongjian-gongfu")
    assert draft.region.full_name == "陕西省商洛市商南县" and draft.model_name == data["model_name"]
    assert [fold(section.heading) for section in draft.sections] == headings("shangnan-gongjian-gongfu")
    assert [text for text in texts_of(draft) if "商洛党建工作交流" in text or "- 2 -" in text] == []
    assert all("," not in paragraph for paragraph in draft.paragraphs)  # the source's ASCII commas


def test_an_old_word_file_is_read_by_the_installed_converter():
    # made by WPS Office; antiword refuses it ("text stream too small"), catdoc reads it
    data = (DOCUMENTS / "20_wps_office.doc").read_bytes()
    assert "这是一个用来测试nodejs解析Word文档" in converted.old_word_text("test.doc", data)
    # named .docx or .wps it is still read as what it is; too short to be a case
    for name in ("test.docx", "test.wps"):
        with pytest.raises(DocumentError, match="不像一篇案例的正文"):
            read_bytes(name, data)


@pytest.mark.django_db
def test_a_word_97_file_of_a_seed_becomes_a_draft_like_it():
    # written by LibreOffice from the 翁源 fixture (documents/make_word97.py), read by antiword
    slug = "wengyuan-dangyuan-chuangye"
    document = read_bytes("翁源.doc", (DOCUMENTS / "24_wengyuan_word97.doc").read_bytes())
    assert document.kind == "doc"
    [draft] = analyse(document).drafts
    assert_like_seed(draft, slug, "广东省韶关市翁源县")
    assert draft.year_started == fixture(slug)["year_started"]


def test_a_wps_file_that_is_a_docx_inside_is_read_as_one():
    assert read_bytes("新版.wps", as_docx("标题\n" + "党建引领乡村振兴。" * 5)).kind == "docx"


def test_without_a_converter_an_old_word_file_is_refused_with_what_to_do(monkeypatch):
    monkeypatch.setattr(converted.shutil, "which", lambda program: None)
    data = (DOCUMENTS / "20_wps_office.doc").read_bytes()
    with pytest.raises(DocumentError, match="另存为 .docx"):
        read_bytes("old.doc", data)


def test_a_reader_that_grabs_too_much_memory_is_stopped(monkeypatch, tmp_path):
    greedy = tmp_path / "greedy.py"
    answer = '{"pages": [{"text": "' + "党建" * 20 + '", "images": 0}]}'
    # as pdf_worker answers a MemoryError; without the limit the block is had and pages answered
    greedy.write_text(
        f"try:\n    block = bytearray(2 * 1024 ** 3)\n    print('{answer}')\n"
        'except MemoryError:\n    print(\'{"error": "overrun"}\')\n'
    )
    monkeypatch.setattr(converted, "_PDF_WORKER", greedy)
    with pytest.raises(DocumentError, match="超出了时间或内存限制"):
        read_bytes("greedy.pdf", PRINTED.read_bytes())


def test_a_pdf_locked_against_editing_with_aes_is_read():
    editing = pypdf.PdfWriter(clone_from=pypdf.PdfReader(PRINTED))
    editing.encrypt(user_password="", owner_password="owner", algorithm="AES-256")
    assert RUNNING_HEAD in read_bytes("aes.pdf", pdf_bytes(editing)).text


def test_a_doc_that_is_a_web_page_or_rtf_is_read_or_refused_as_what_it_is():
    page = "<html><body><h1>兴山两会两评</h1><p>" + "兴山县委积极应对农村党建出现的新情况。" * 3 + "</p></body></html>"
    assert read_bytes("网页.doc", page.encode()).kind == "html"
    with pytest.raises(DocumentError, match="实际是 RTF 格式"):
        read_bytes("旧.doc", r"{\rtf1\ansi 党建}".encode())


# --- OFD --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_ofd_report_becomes_a_draft_like_its_seed():
    slug = "shangnan-gongjian-gongfu"
    document = read_bytes("商南.ofd", as_ofd(fixture_lines(slug), "商洛党建工作交流"))
    assert document.kind == "ofd" and document.described == "OFD 版式文件的文字"
    [draft] = analyse(document).drafts
    assert_like_seed(draft, slug, "陕西省商洛市商南县")  # its lines joined again, across pages too
    assert draft.year_started == fixture(slug)["year_started"]
    assert [text for text in texts_of(draft) if "商洛党建工作交流" in text or "— 2 —" in text] == []


def test_real_ofd_files_are_read_line_by_line_with_their_indents():
    # written by ofdrw and an office system (documents/README.md): an essay of two pages, a reply
    essay = read_bytes("essay.ofd", (DOCUMENTS / "21_ofdrw_essay.ofd").read_bytes())
    assert essay.text.startswith("\u3000\u3000拿来主义\n\u3000\u3000鲁迅\n\u3000\u3000中国一向是所谓“闭关主义”")
    assert "\n\u3000\u3000但我们没有人根据了“礼尚往来”的仪节，说道：拿来！\n" in essay.text
    assert essay.text.count(PAGE_BREAK) == 1
    reply = read_bytes("reply.ofd", (DOCUMENTS / "22_ofdrw_official_reply.ofd").read_bytes())
    assert "\u3000\u3000关于同意张阿三同志辞职的批复\n区中医院：\n" in reply.text


def test_an_ofd_the_reader_cannot_read_is_refused_with_what_to_do():
    with pytest.raises(DocumentError, match="无法作为 OFD 文件读取.*导出为 PDF 或文字"):
        read_bytes("页面.ofd", (DOCUMENTS / "23_ofdrw_unreadable.ofd").read_bytes())


def ofd_with(parts):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_an_ofd_bomb_or_one_of_too_many_pages_is_refused_before_it_is_read(monkeypatch):
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("Doc_0/Res/huge.bin", bytes(MAX_UNPACKED_BYTES + 1))
    with pytest.raises(DocumentError, match="压缩炸弹"):
        read_bytes("bomb.ofd", bomb.getvalue())
    monkeypatch.setattr(decode, "MAX_PAGES", 3)
    pages = {f"Doc_0/Pages/Page_{n}/Content.xml": "<ofd:Page/>" for n in range(4)}
    with pytest.raises(DocumentError, match="有 4 页，超过 3 页"):
        read_bytes("long.ofd", ofd_with(pages))


@pytest.mark.parametrize(
    "answer, message",
    [
        ('{"error": "missing"}', "服务器未安装读取它的 easyofd"),
        ('{"pages": [{"lines": [], "images": 1}]}', "扫描件.*OCR"),
        ('{"error": "overrun"}', "超出了时间或内存限制"),
        ('{"error": "too_many_pages", "pages": 250}', "有 250 页，超过 200 页"),
        ('{"error": "unsafe_folder"}', "临时文件夹路径含"),
    ],
)
def test_what_the_ofd_reader_answers_is_said_in_chinese(monkeypatch, tmp_path, answer, message):
    worker = tmp_path / "worker.py"
    worker.write_text(f"print({answer!r})\n")
    monkeypatch.setattr(converted, "_OFD_WORKER", worker)
    with pytest.raises(DocumentError, match=message):
        read_bytes("case.ofd", (DOCUMENTS / "21_ofdrw_essay.ofd").read_bytes())


def test_the_ofd_reader_never_runs_where_its_unpacking_would_leave_the_folder(tmp_path):
    # easyofd cuts its unpacking folder's path at the first dot: in a.b/ that is a sibling, a/
    dotted = tmp_path / "a.b"
    dotted.mkdir()
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "keep.txt").write_text("留着")
    finished = subprocess.run(
        [sys.executable, "-I", str(converted._OFD_WORKER), "200"],
        input=(DOCUMENTS / "21_ofdrw_essay.ofd").read_bytes(),
        cwd=dotted,
        capture_output=True,
        timeout=60,
    )
    assert json.loads(finished.stdout.decode().splitlines()[-1]) == {"error": "unsafe_folder"}
    assert (tmp_path / "a" / "keep.txt").read_text() == "留着"


@pytest.mark.django_db
def test_a_word_titles_subtitle_joins_the_title_not_the_summary():
    from docx import Document as WordDocument

    word = WordDocument()
    word.add_heading("“红色管家”激活乡村治理", 1)
    word.add_paragraph("——湖北省宜昌市兴山县某镇党建工作纪实")
    word.add_heading("一、基本情况", 2)
    opening = "这个村地处山区，辖8个村民小组，共有党员41名，过去村里的事没人管，群众意见很大。"
    word.add_paragraph(opening)
    word.add_heading("二、主要做法", 2)
    word.add_paragraph("（一）推选“红色管家”。村党支部从党员中推选12名“红色管家”，分片联系农户，收集群众意见。")
    buffer = io.BytesIO()
    word.save(buffer)
    (draft,) = analyse(read_bytes("case.docx", buffer.getvalue())).drafts
    assert draft.source_title == "“红色管家”激活乡村治理——湖北省宜昌市兴山县某镇党建工作纪实"
    assert draft.summary.startswith(opening[:20])
    assert [section.heading for section in draft.sections] == ["一、基本情况", "二、主要做法"]
