"""Several documents in one run (files, or a .zip): each written whole or refused on its own,
with a summary of what became of each; the command exits 1 if any was refused."""

import io
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from cases.importer import DocumentError, batch
from cases.importer.batch import import_files, unpacked
from cases.models import CasePage

DOCUMENTS = Path(__file__).parent / "documents"
SEED_000 = "000_ca0f3fd031b617fc.txt"
SEED_004 = "004_4d9ba10b11190ad5.txt"


def seed(name=SEED_000):
    return (settings.SEEDS_DIR / name).read_bytes()


def zipped(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            archive.writestr(name, data)
    return buffer.getvalue()


def zipped_by_windows(name, data):
    """A zip whose member's name is GBK bytes without the UTF-8 flag, as Chinese Windows writes it."""
    gbk = name.encode("gbk")
    stand_in = b"a" * (len(gbk) - len(".txt")) + b".txt"  # ASCII: written without the flag
    return zipped([(stand_in.decode(), data)]).replace(stand_in, gbk)


def imported_drafts():
    return CasePage.objects.filter(import_notes__startswith="由导入程序")


@pytest.mark.django_db
def test_a_zip_imports_each_document_on_its_own(case_index):
    printed = (DOCUMENTS / "19_xingshan_printed.pdf").read_bytes()
    archive = zipped(
        [("兴山.pdf", printed), ("五常.txt", seed()), ("坏文件.docx", b"PK\x03\x04broken"), ("说明/", b"")]
    )
    outcomes = import_files([("案例.zip", archive)], parent=case_index)
    assert [(outcome.name, outcome.status) for outcome in outcomes] == [
        ("兴山.pdf", "已创建，可能重复"),  # the published 兴山 case: same place and model name
        ("五常.txt", "已创建，可能重复"),
        ("坏文件.docx", "未导入"),
    ]
    assert "不是有效的 .docx 文件" in outcomes[2].error
    assert imported_drafts().count() == 2 and not imported_drafts().filter(live=True).exists()


@pytest.mark.django_db
def test_names_written_in_gbk_by_chinese_windows_are_read(case_index):
    [(name, data)] = unpacked("a.zip", zipped_by_windows("五常案例.txt", seed()))
    assert name == "五常案例.txt" and data == seed()


@pytest.mark.django_db
def test_the_same_file_twice_in_a_run_is_written_once(case_index):
    outcomes = import_files([("a.txt", seed()), ("b.txt", seed())], parent=case_index)
    assert [outcome.refused for outcome in outcomes] == [False, True]
    assert "正文相同，未导入" in outcomes[1].error and imported_drafts().count() == 1


@pytest.mark.parametrize(
    "members, message",
    [
        ([(f"{n}.txt", b"x") for n in range(21)], "一次最多导入 20 个"),
        ([], "中没有文件"),
    ],
)
def test_a_zip_over_the_limits_is_refused(members, message):
    with pytest.raises(DocumentError, match=message):
        unpacked("many.zip", zipped(members))


def test_a_zip_that_unpacks_past_the_limit_is_refused(monkeypatch):
    monkeypatch.setattr(batch, "MAX_UNPACKED_BYTES", 1000)
    with pytest.raises(DocumentError, match="解压后超过"):
        unpacked("bomb.zip", zipped([("a.txt", b"0" * 2000)]))


@pytest.mark.django_db
def test_a_broken_zip_is_one_refused_document_among_the_others(case_index):
    outcomes = import_files([("坏.zip", b"PK\x03\x04" + bytes(50)), ("五常.txt", seed())], parent=case_index)
    assert [outcome.status for outcome in outcomes] == ["未导入", "已创建，可能重复"]
    assert "不是有效的 .zip 压缩包" in outcomes[0].error


@pytest.mark.django_db
def test_the_command_prints_a_summary_and_exits_1_when_one_was_refused(tmp_path, capsys):
    archive = tmp_path / "一批.zip"
    archive.write_bytes(zipped([("五常.txt", seed()), ("图片.png", b"\x89PNG")]))
    with pytest.raises(CommandError, match="1 个文件未导入"):
        call_command("import_case", str(archive))
    out = capsys.readouterr().out
    assert "== 汇总：2 个文件，已导入 1 个（其中可能重复 1 个），未导入 1 个" in out
    assert "  图片.png\t未导入\t“图片.png”的文件类型不受支持" in out
    assert imported_drafts().count() == 1


@pytest.mark.django_db
def test_the_admin_takes_several_files_and_lists_what_was_refused(client, editor, case_index):
    client.force_login(editor)
    uploads = [
        SimpleUploadedFile("五常.txt", seed()),
        SimpleUploadedFile("兴山.pdf", (DOCUMENTS / "19_xingshan_printed.pdf").read_bytes()),
        SimpleUploadedFile("扫描.ofd", b"PK\x03\x04"),
    ]
    html = client.post(reverse("cases_import"), {"file": uploads, "parent": case_index.pk}).content.decode()
    assert "汇总" in html and "不是有效的 OFD 文件" in html and "PDF 文件的文字层" in html
    for draft in imported_drafts():
        assert reverse("wagtailadmin_pages:edit", args=[draft.pk]) in html
    assert imported_drafts().count() == 2


@pytest.mark.django_db
def test_when_every_file_is_refused_the_summary_says_why_and_links_the_case_repeated(client, editor, case_index):
    client.force_login(editor)
    import_files([("五常.txt", seed())], parent=case_index)
    first = imported_drafts().get()
    uploads = [SimpleUploadedFile("a.pptx", b"x"), SimpleUploadedFile("again.txt", seed())]
    response = client.post(reverse("cases_import"), {"file": uploads, "parent": case_index.pk})
    html = response.content.decode()
    assert response.status_code == 200 and "汇总" in html and "继续导入" in html
    assert "“a.pptx”的文件类型不受支持" in html and "正文相同，未导入" in html
    assert f'<a href="{reverse("wagtailadmin_pages:edit", args=[first.pk])}">打开已有案例</a>' in html
    assert imported_drafts().count() == 1


@pytest.mark.django_db
def test_an_empty_file_is_refused_alone(client, editor, case_index):
    client.force_login(editor)
    uploads = [SimpleUploadedFile("空.txt", b""), SimpleUploadedFile("五常.txt", seed())]
    html = client.post(reverse("cases_import"), {"file": uploads, "parent": case_index.pk}).content.decode()
    assert "“空.txt”是空文件" in html and imported_drafts().count() == 1


@pytest.mark.django_db
def test_files_over_the_runs_size_are_refused_before_anything_is_read(client, editor, case_index, settings):
    settings.CASE_IMPORT_MAX_BATCH_SIZE = len(seed()) + 10
    client.force_login(editor)
    uploads = [SimpleUploadedFile("a.txt", seed()), SimpleUploadedFile("b.txt", b"x" * 20)]
    html = client.post(reverse("cases_import"), {"file": uploads, "parent": case_index.pk}).content.decode()
    assert "一次上传的文件合计不能超过" in html and not imported_drafts().exists()


@pytest.mark.django_db
def test_a_run_out_of_time_lists_the_documents_it_did_not_start(case_index, monkeypatch):
    clock = iter([0, 0, 100, 100])  # the start, then one document in, then past the limit
    monkeypatch.setattr(batch, "time", SimpleNamespace(monotonic=lambda: next(clock)))
    outcomes = import_files([("a.txt", seed()), ("b.txt", seed(SEED_004))], parent=case_index, seconds=25)
    assert [outcome.status for outcome in outcomes] == ["已创建，可能重复", "未导入"]
    assert "本次导入已用时 25 秒，“b.txt”未处理：请单独重新上传。" == outcomes[1].error
