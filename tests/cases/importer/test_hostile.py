"""Hostile documents (issue 10): random bytes, truncated and corrupted .docx files, zip bombs,
XML entity bombs, deeply nested HTML and overlong text give a clear Chinese message or a correct
result, never an unexpected exception; nothing is created on error; what is unpacked or parsed
stays bounded (sizes checked before unpacking, HTML and Word XML read as streams)."""

import io
import random
import re
import tracemalloc
import zipfile

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from wagtail.models import Page, Revision

from cases.importer import DocumentError
from cases.importer.create import analyse, import_documents
from cases.importer.decode import (
    MAX_BYTES,
    MAX_CHARS,
    MAX_PARTS,
    MAX_SIZE_TEXT,
    MAX_UNPACKED_BYTES,
    read_bytes,
    read_paste,
)

from .conftest import as_docx, seed_text

TEXT = "五常市推进农村党建“1+3模式”进展情况。截止目前，五常市农村已建立各类农民专业合作社751个，吸纳社员126928人。"
CASE = [
    "兴山县推行农村党建“两会两评”模式",
    "近年来，湖北省兴山县委大胆探索“两会两评”模式，着力构建党组织联系服务群众新机制。",
    "一、主要做法",
    "村党组织牵头成立关怀理事会，全县建立关怀理事会92个、户联理事会1001个，有关怀理事1908名。",
    "二、初步成效",
    "“两会两评”模式推广以来，党群干群关系融洽，村民自治水平提高，农村基层党建激活。",
]
CHINESE = re.compile(r"[\u4e00-\u9fff]")
# Deterministic, so that the suite passes or fails the same way every run; modest, so it stays fast.
PROPERTIES = hypothesis_settings(
    max_examples=50,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def counts():
    return Page.objects.count(), Revision.objects.count()


def import_or_refuse(parent, read):
    """Import what `read()` decodes; either drafts are made, or a Chinese message and nothing is."""
    before = counts()
    try:
        [result] = import_documents([read()], parent=parent)
    except DocumentError as error:
        assert CHINESE.search(str(error)), str(error)
        assert counts() == before
        return None
    assert result.pages and not any(page.live for page in result.pages)
    return result


def peak_memory(function):
    """(result or exception, peak bytes Python allocated while running it)."""
    tracemalloc.start()
    try:
        outcome = function()
    except DocumentError as error:
        outcome = error
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return outcome, peak


def docx_with(document_xml=None, extra=()):
    """A real .docx with its main part replaced (bytes or a callable writing into a stream)."""
    source = zipfile.ZipFile(io.BytesIO(as_docx("\n".join(CASE))))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename == "word/document.xml" and document_xml is not None:
                with target.open(item.filename, "w") as stream:
                    if callable(document_xml):
                        document_xml(stream)
                    else:
                        stream.write(document_xml)
            else:
                target.writestr(item, source.read(item))
        for name, data in extra:
            target.writestr(name, data)
    return buffer.getvalue()


def main_part():
    return zipfile.ZipFile(io.BytesIO(as_docx("\n".join(CASE)))).read("word/document.xml").decode()


# --- .docx -------------------------------------------------------------------------------------


def test_a_sound_docx_is_read_in_order():
    document = read_bytes("case.docx", docx_with())
    assert [line for line in document.text.split("\n") if line] == CASE


@pytest.mark.parametrize("cut", [1, 4, 30, 200, 0.25, 0.5, 0.9, -22, -1])
def test_a_truncated_docx_is_refused(cut):
    data = docx_with()
    data = data[: int(len(data) * cut) if isinstance(cut, float) else cut]
    with pytest.raises(DocumentError, match=r"不是有效的 \.docx 文件|无法作为 Word 文档打开"):
        read_bytes("cut.docx", data)


def test_a_docx_with_damaged_contents_is_refused():
    data = bytearray(docx_with())
    start = data.index(b"word/document.xml") + 60  # inside the compressed main part
    data[start : start + 200] = bytes(200)
    with pytest.raises(DocumentError, match="无法作为 Word 文档打开"):
        read_bytes("damaged.docx", bytes(data))


def test_a_zip_bomb_is_refused_by_its_directory_before_anything_is_unpacked(monkeypatch):
    def blank_megabytes(stream):
        block = b" " * (1 << 20)
        for _ in range(MAX_UNPACKED_BYTES // len(block) + 1):
            stream.write(block)

    bomb = docx_with(blank_megabytes)
    assert len(bomb) < 1024 * 1024  # about 100 kB on disk …

    def unpack(*args, **kwargs):
        raise AssertionError("a part was unpacked")

    monkeypatch.setattr(zipfile.ZipFile, "open", unpack)
    outcome, peak = peak_memory(lambda: read_bytes("bomb.docx", bomb))
    assert isinstance(outcome, DocumentError) and "解压后超过 100 MB" in str(outcome)
    assert peak < 10 * 1024 * 1024


def test_a_zip_that_understates_its_sizes_is_read_no_further_than_stated():
    """A crafted directory may claim a small part that unpacks to far more: zipfile stops at the
    stated size and the CRC check fails, so memory stays bounded."""

    def blank_megabytes(stream):
        stream.write(main_part().encode()[:200])
        block = b" " * (1 << 20)
        for _ in range(200):
            stream.write(block)

    data = bytearray(docx_with(blank_megabytes))
    stated = (64 * 1024).to_bytes(4, "little")
    local = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("word/document.xml").header_offset
    data[local + 22 : local + 26] = stated  # the local header's size …
    central = data.find(b"PK\x01\x02")
    while data[central + 46 : central + 46 + 17] != b"word/document.xml":
        central = data.find(b"PK\x01\x02", central + 4)
    data[central + 24 : central + 28] = stated  # … and the directory's
    outcome, peak = peak_memory(lambda: read_bytes("liar.docx", bytes(data)))
    assert isinstance(outcome, DocumentError)
    assert peak < 20 * 1024 * 1024


def test_a_docx_with_too_many_parts_is_refused_for_that_reason():
    parts = [(f"customXml/extra{n}.xml", b"<a/>") for n in range(MAX_PARTS + 1)]
    with pytest.raises(DocumentError) as refused:
        read_bytes("parts.docx", docx_with(extra=parts))
    assert f"{MAX_PARTS:,}" in str(refused.value)
    assert "100 MB" not in str(refused.value)


@pytest.mark.parametrize("bomb", ["entities", "nesting"])
def test_xml_bombs_in_a_docx_are_refused(bomb):
    xml = main_part()
    if bomb == "entities":
        entities = '<!ENTITY a0 "党建党建党建党建">' + "".join(
            f'<!ENTITY a{n} "{("&a" + str(n - 1) + ";") * 10}">' for n in range(1, 10)
        )
        xml = xml.replace("?>", f"?><!DOCTYPE w:document [{entities}]>", 1).replace("<w:t>", "<w:t>&a9;", 1)
    else:
        xml = xml.replace("<w:body>", "<w:body>" + "<w:sdt><w:sdtContent>" * 100_000, 1).replace(
            "</w:body>", "</w:sdtContent></w:sdt>" * 100_000 + "</w:body>", 1
        )
    outcome, peak = peak_memory(lambda: read_bytes("bomb.docx", docx_with(xml.encode())))
    assert isinstance(outcome, DocumentError) and "无法作为 Word 文档打开" in str(outcome)
    assert peak < 50 * 1024 * 1024


def test_a_docx_holding_a_book_is_refused():
    def book(stream):
        xml = main_part()
        head, tail = xml.split("<w:body>")
        stream.write((head + "<w:body>").encode())
        paragraph = f"<w:p><w:r><w:t>{TEXT * 100}</w:t></w:r></w:p>".encode()
        for _ in range(MAX_CHARS // (len(TEXT) * 100) + 1):
            stream.write(paragraph)
        stream.write(tail.encode())

    with pytest.raises(DocumentError, match="超过 100 万字"):
        read_bytes("book.docx", docx_with(book))


# --- HTML and text -----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("closed", [True, False])
def test_deeply_nested_html_is_read_correctly(case_index, closed):
    depth = 100_000
    body = "".join(f"<p>{line}</p>" for line in CASE[1:])
    html = f"<html><body><h1>{CASE[0]}</h1>" + "<div>" * depth + body + ("</div>" * depth if closed else "")
    outcome, peak = peak_memory(lambda: read_bytes("deep.html", html.encode()))
    assert peak < 100 * 1024 * 1024
    assert [line for line in outcome.text.split("\n") if line.strip()] == CASE
    result = import_or_refuse(case_index, lambda: outcome)
    [draft] = result.drafts
    assert draft.source_title == CASE[0] and [s.heading for s in draft.sections] == ["基本情况", CASE[2], CASE[4]]


@pytest.mark.django_db
def test_deeply_nested_pasted_html_is_read_correctly():
    html = "<div>" * 50_000 + "".join(f"<p>{line}</p>" for line in CASE)
    assert [line for line in read_paste(html).text.split("\n") if line.strip()] == CASE


@pytest.mark.parametrize(
    "name, data",
    [
        ("book.txt", ("党" * (MAX_CHARS + 1)).encode("utf-8")),
        ("book.html", ("<p>" + "党建 " * (MAX_CHARS // 3 + 1) + "</p>").encode("utf-8")),
    ],
)
def test_text_longer_than_a_case_is_refused(name, data):
    with pytest.raises(DocumentError, match="超过 100 万字"):
        read_bytes(name, data)


@pytest.mark.parametrize("name", ["case.txt", "case.html", "case.docx"])
def test_random_bytes_are_refused(name):
    generator = random.Random(name)
    for size in (1, 100, 5000, 200_000):
        for low in (0, 1, 0x81):  # any byte; no NUL; only bytes that look like GBK/Big5
            data = bytes(generator.randint(low, 0xFE) for _ in range(size))
            with pytest.raises(DocumentError):
                read_bytes(name, data)


@pytest.mark.parametrize("encoding", ["gb18030", "big5"])
def test_valid_but_meaningless_chinese_bytes_are_refused_as_mojibake(encoding):
    """Pairs of bytes that are all valid GBK or Big5 characters, but rare ones at random."""
    generator = random.Random(encoding)
    text = "".join(chr(generator.randint(0x4E00, 0x9FA5)) for _ in range(2000))
    data = text.encode(encoding, errors="ignore")
    with pytest.raises(DocumentError, match="乱码|编码"):
        read_bytes("mojibake.txt", data)


def test_real_text_in_any_of_the_encodings_is_not_taken_for_mojibake():
    for encoding in ("utf-8", "gb18030", "big5"):
        text = seed_text("001_0e4442402929a715.txt") if encoding == "big5" else TEXT * 20
        data = re.sub(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùüǖǘǚǜ]+\)", "", text).encode(encoding, errors="replace")
        assert read_bytes("case.txt", data).text


# --- the command and the properties ------------------------------------------------------------


@pytest.mark.django_db
def test_the_command_refuses_a_zip_bomb_and_writes_nothing_of_it(tmp_path, capsys):
    bomb = tmp_path / "bomb.docx"
    bomb.write_bytes(docx_with(b" " * (MAX_UNPACKED_BYTES + 1)))
    seed = settings.SEEDS_DIR / "000_ca0f3fd031b617fc.txt"
    before = counts()
    with pytest.raises(CommandError, match="1 个文件未导入"):
        call_command("import_case", str(bomb), str(seed))
    assert "bomb.docx\t未导入\t" in capsys.readouterr().out
    assert counts()[0] == before[0] + 1  # the seed's draft alone


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name, data, message",
    [
        ("cut.docx", lambda: docx_with()[:5000], "不是有效的 .docx 文件"),
        ("bomb.docx", lambda: docx_with(b" " * (MAX_UNPACKED_BYTES + 1)), "压缩炸弹"),
        ("deep.htm", lambda: ("<div>" * 100_000).encode(), "没有可识别的中文正文"),
    ],
)
def test_the_admin_view_shows_the_refusal_and_creates_nothing(admin_client, case_index, name, data, message):
    before = counts()
    upload = SimpleUploadedFile(name, data())
    response = admin_client.post(reverse("cases_import"), {"file": upload, "parent": case_index.pk})
    assert response.status_code == 200 and message in response.content.decode()
    assert counts() == before


@pytest.mark.django_db
@PROPERTIES
@given(data=st.binary(max_size=3000), suffix=st.sampled_from([".txt", ".html", ".htm", ".docx", ".pdf", ""]))
def test_random_bytes_never_break_the_importer(case_index, data, suffix):
    import_or_refuse(case_index, lambda: read_bytes("upload" + suffix, data))


@pytest.mark.django_db
@PROPERTIES
@given(
    text=st.one_of(
        st.text(max_size=3000),
        st.text(st.characters(exclude_categories=()), max_size=300),
        st.text(max_size=300).map(lambda text: f"<p>{text}</p>"),
    )
)
def test_random_text_never_breaks_the_importer(case_index, text):
    """Pasted text, lone surrogates and control characters included, and pasted HTML."""
    import_or_refuse(case_index, lambda: read_paste(text))


@pytest.mark.django_db
@pytest.mark.parametrize("text", [f"<p>\ud800{TEXT}\x00</p>", f"\udfff{TEXT}\x00\x1b", "\ud800\x00 "])
def test_pasted_debris_is_dropped_or_refused(case_index, text):
    result = import_or_refuse(case_index, lambda: read_paste(TEXT[:12] + "\n" + text))
    assert result is None or "\x00" not in result.pages[0].source_text


# Lines of a real source, shuffled, cut and mixed with arbitrary text and markup: documents
# that reach structure detection, which random bytes seldom do.
_LINES = [
    line
    for name in ("000_ca0f3fd031b617fc.txt", "004_4d9ba10b11190ad5.txt")
    for line in seed_text(name).split("\n")
    if line.strip()
]
_line = st.one_of(
    st.sampled_from(_LINES),
    st.sampled_from(_LINES).map(lambda line: line[: len(line) // 2]),
    st.text(max_size=80),
    st.sampled_from(["", "一、", "（一）", "<div>", "</p>", "“", "：", "1/3", "推荐阅读"]),
)


@pytest.mark.django_db
@PROPERTIES
@given(
    title=st.sampled_from(["五常市推进农村党建“1+3模式”进展情况及取得成果综述", "湖北兴山:", CASE[0], ""]),
    lines=st.lists(_line, min_size=3, max_size=60),
    suffix=st.sampled_from([".txt", ".html", ".docx"]),
)
def test_mangled_documents_never_break_the_importer(case_index, title, lines, suffix):
    text = "\n".join([title, *lines])
    data = (
        as_docx(re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]", "", text))
        if suffix == ".docx"
        else text.encode("utf-8", errors="replace")
    )
    result = import_or_refuse(case_index, lambda: read_bytes("mangled" + suffix, data))
    if result:
        for draft in result.drafts:
            assert draft.title and draft.sections and all(section.paragraphs for section in draft.sections)


@pytest.mark.django_db
def test_analysis_of_a_refused_document_raises_only_document_errors():
    for text in ["标题\n" + "。" * 50, "。" * 5000 + "党" * 30, "一、\n" * 3000 + "党建" * 20, "“" * 40 + "党" * 40]:
        try:
            analyse(read_paste(text))
        except DocumentError as error:
            assert CHINESE.search(str(error))


@pytest.mark.django_db
def test_a_paste_past_the_servers_limit_is_refused_in_chinese_and_creates_nothing(admin_user, case_index):
    # As in production: the CSRF check reads the form first, so the refusal is the 400 page's.
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    form = client.get(reverse("cases_import")).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    before = counts()
    text = "党" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 3 + 1)  # three bytes a character in UTF-8
    response = client.post(
        reverse("cases_import"), {"text": text, "parent": case_index.pk, "csrfmiddlewaretoken": token}
    )
    html = response.content.decode()
    limit = settings.CASE_IMPORT_MAX_UPLOAD_SIZE // settings.MEGABYTE
    assert response.status_code == 400 and f"粘贴的文字不能超过 {limit} MB" in html
    assert counts() == before


@pytest.mark.django_db
def test_a_paste_just_over_the_importers_limit_reaches_the_importer(admin_client, case_index):
    # Room is left beside the text for the form's other fields: the importer says why.
    text = "党" * (MAX_BYTES // 3 + 1)
    response = admin_client.post(reverse("cases_import"), {"text": text, "parent": case_index.pk})
    assert response.status_code == 200 and f"粘贴的文字超过 {MAX_SIZE_TEXT}。" in response.content.decode()


@pytest.mark.django_db
def test_a_first_line_too_long_for_a_title_is_refused_for_that_reason():
    text = "河北阜平：" + "坚持党建引领" * 20 + "\n" + seed_text("000_ca0f3fd031b617fc.txt").split("\n", 1)[1]
    with pytest.raises(DocumentError, match="第一段有 125 个字、没有句末标点，像是标题，但比标题长"):
        analyse(read_paste(text))
