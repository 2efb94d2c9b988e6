"""Drafts: created unpublished with a revision, all or nothing; the command and the admin view."""

import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from wagtail.models import Page, Revision

from cases.importer import DocumentError
from cases.importer.create import analyse, import_documents
from cases.importer.decode import read_bytes, read_paste
from cases.models import CasePage
from cases.slugs import pinyin_slug
from cases.taxonomy import Theme

SEED_004 = "004_4d9ba10b11190ad5.txt"
SEED_000 = "000_ca0f3fd031b617fc.txt"


@pytest.fixture(autouse=True)
def seed_bodies_unknown(request, db):
    """The seed cases' bodies are their source documents' own text, so importing a seed document
    is importing a published case again (refused: see the last test). The other tests import the
    documents as new ones: the published cases' fingerprints are blanked for them."""
    if "keeps_fingerprints" not in request.keywords:
        CasePage.objects.update(body_fingerprint="")


def seed_path(name):
    return settings.SEEDS_DIR / name


def counts():
    return Page.objects.count(), Revision.objects.count()


@pytest.mark.django_db
def test_a_collection_becomes_two_drafts_never_published(case_index):
    document = read_bytes(SEED_004, seed_path(SEED_004).read_bytes())
    [result] = import_documents([document], parent=case_index)
    pages = [CasePage.objects.get(pk=page.pk) for page in result.pages]
    assert [page.title for page in pages] == ["兴山县农村党建“两会两评”模式", "翁源县“农村党员创业示范工程”"]
    assert [page.source_title for page in pages] == [
        "湖北兴山：推广农村党建“两会两评”模式",  # the source's ASCII colon, as Chinese text writes it
        "广东翁源：培育农村党员创业“领头雁”",
    ]
    for page in pages:
        assert not page.live and page.get_parent().specific == case_index
        assert page.latest_revision is not None and page.has_unpublished_changes
        assert page.source_text == document.text and page.source_file == SEED_004
        assert page.key_figures.count() > 5 and page.region.full_name.endswith(("兴山县", "翁源县"))
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", page.slug)  # pinyin, as the seeds' addresses
    assert not CasePage.objects.live().filter(pk__in=[p.pk for p in pages]).exists()
    assert pages[1].source_complete is False
    # Addresses in pinyin word by word, cut at a word within 50 letters.
    assert [page.slug for page in pages] == [
        "xingshanxian-nongcundangjian-lianghuiliangping",
        "wengyuanxian-nongcun-dangyuan-chuangye-shifan",
    ]


@pytest.mark.parametrize(
    "title, slug",
    [("！！！", "case"), ("ABC 党建 2023年", "abc-dangjian-2023-nian"), ("黨建", "dangjian"), ("a" * 80, "a" * 50)],
)
def test_an_imported_address_is_plain_letters_whatever_the_title(title, slug):
    assert pinyin_slug(title) == slug


@pytest.mark.django_db
def test_one_bad_document_writes_nothing(case_index):
    before = counts()
    good = read_bytes(SEED_000, seed_path(SEED_000).read_bytes())
    headless = read_bytes(
        "list.txt", "五常市委组织部在总结二河乡新庄村首创的模式试点经验基础上".encode() + b"\n" + "。".encode()
    )
    with pytest.raises(DocumentError):
        import_documents([good, headless], parent=case_index)
    assert counts() == before


@pytest.mark.django_db
def test_a_failure_while_writing_rolls_back_every_draft(case_index, monkeypatch):
    from cases.importer import create

    before = counts()
    real = create.create_draft
    calls = []

    def fail_second(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(create, "create_draft", fail_second)
    with pytest.raises(RuntimeError):
        import_documents([read_bytes(SEED_004, seed_path(SEED_004).read_bytes())], parent=case_index)
    assert counts() == before


@pytest.mark.django_db
def test_the_command_prints_what_it_found_and_dry_run_writes_nothing(capsys):
    before = counts()
    call_command("import_case", str(seed_path(SEED_000)), "--dry-run")
    out = capsys.readouterr().out
    assert "五常市推进农村党建“1+3模式”进展情况及取得成果综述" in out
    assert "黑龙江省哈尔滨市五常市" in out and "删除 按钮与链接" in out and "未写入任何内容" in out
    assert counts() == before
    call_command("import_case", str(seed_path(SEED_000)), str(seed_path(SEED_004)), "--parent", "cases")
    assert CasePage.objects.filter(import_notes__startswith="由导入程序", live=False).count() == 3
    assert "已创建草稿 /admin/pages/" in capsys.readouterr().out


@pytest.mark.django_db
@pytest.mark.parametrize(
    "content, name, message",
    [
        (b"", "empty.txt", "空文件"),
        (b"\x00\x01\x02binary", "blob.txt", "二进制"),
        ("正文".encode(), "case.pdf", "不是有效的 PDF 文件"),
        ("正文".encode(), "case.pptx", "文件类型不受支持"),
    ],
)
def test_the_command_refuses_bad_input_with_a_nonzero_exit_and_imports_the_rest(
    tmp_path, capsys, content, name, message
):
    before = counts()
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(CommandError, match="1 个文件未导入"):
        call_command("import_case", str(seed_path(SEED_000)), str(path))
    out = capsys.readouterr().out
    assert f"  {name}\t未导入\t" in out and message in out
    assert counts()[0] == before[0] + 1


@pytest.mark.django_db
def test_the_command_names_an_unknown_parent():
    with pytest.raises(CommandError, match="没有网址名为“nowhere”的案例库"):
        call_command("import_case", str(seed_path(SEED_000)), "--parent", "nowhere")


@pytest.mark.django_db
def test_the_admin_view_imports_an_upload_and_shows_the_review(client, editor, case_index):
    client.force_login(editor)
    assert client.get(reverse("cases_import")).status_code == 200
    upload = SimpleUploadedFile(SEED_004, seed_path(SEED_004).read_bytes())
    response = client.post(reverse("cases_import"), {"file": upload, "parent": case_index.pk})
    assert response.status_code == 200
    html = response.content.decode()
    drafts = CasePage.objects.filter(import_notes__startswith="由导入程序")
    assert drafts.count() == 2 and not drafts.filter(live=True).exists()
    for draft in drafts:
        assert reverse("wagtailadmin_pages:edit", args=[draft.pk]) in html
    assert "湖北省宜昌市兴山县" in html and "三、初步成效" in html
    assert "已删除的内容" in html and "冰豆网" in html  # the removed footer, shown for checking


@pytest.mark.django_db
def test_the_admin_view_takes_pasted_text_and_refuses_nonsense(client, editor, case_index):
    client.force_login(editor)
    before = counts()
    response = client.post(reverse("cases_import"), {"text": "hello world", "parent": case_index.pk})
    assert "没有可识别的中文正文" in response.content.decode() and counts() == before
    response = client.post(reverse("cases_import"), {"parent": case_index.pk})
    assert "二者选一" in response.content.decode()
    # A line of Chinese is said to be too short, not to hold no Chinese.
    response = client.post(reverse("cases_import"), {"text": "村里成立了红白理事会。", "parent": case_index.pk})
    assert "只有 10 个汉字，不像一篇案例的正文" in response.content.decode() and counts() == before
    # A file and a paste at once: which to leave out, the paste kept in its box.
    upload = SimpleUploadedFile("case.txt", "村".encode())
    response = client.post(reverse("cases_import"), {"text": "村里", "file": upload, "parent": case_index.pk})
    html = response.content.decode()
    assert "不要同时使用" in html and "村里</textarea>" in html and counts() == before
    pasted = seed_path(SEED_000).read_text(encoding="utf-8")
    response = client.post(reverse("cases_import"), {"text": pasted, "parent": case_index.pk})
    assert "编辑草稿" in response.content.decode() and "读入：粘贴的文字。" in response.content.decode()
    assert CasePage.objects.filter(import_notes__startswith="由导入程序", live=False).count() == 1


@pytest.mark.django_db
def test_the_review_page_shows_each_figures_year_and_the_source_title_in_book_marks(client, editor, case_index):
    client.force_login(editor)
    pasted = "小山村：“党建+合作社”走出致富路\n\n近年来，湖北省宜昌市兴山县某村党支部把合作社建在产业链上。全村人均年收入从2017年的6000元增加到2021年的1.2万元。"
    html = client.post(reverse("cases_import"), {"text": pasted, "parent": case_index.pk}).content.decode()
    assert "全村人均年收入（2017年）：6000元；全村人均年收入（2021年）：1.2万元" in html
    assert "案例标题由原文标题《小山村：“党建+合作社”走出致富路》整理而成" in html


@pytest.mark.django_db
def test_users_who_cannot_add_cases_do_not_get_the_importer(client):
    client.force_login(get_user_model().objects.create_user("nobody", password="x"))
    assert client.get(reverse("cases_import")).status_code in (302, 403)


@pytest.mark.django_db
def test_what_the_importer_found_stays_in_the_admin_not_on_the_public_page(client, case_index):
    document = read_bytes(SEED_004, seed_path(SEED_004).read_bytes())
    [result] = import_documents([document], parent=case_index)
    page = CasePage.objects.get(pk=result.pages[0].pk)
    assert page.import_notes.startswith("由导入程序从") and page.source_note == ""
    figures = list(page.key_figures.all())
    assert figures and all(figure.auto_detected and figure.note == "" for figure in figures)
    page.save_revision().publish()  # an editor publishes it after a read
    html = client.get(page.url).content.decode()
    assert "由导入程序" not in html and "自动识别" not in html
    data = client.get(f"/api/v2/pages/{page.pk}/", {"fields": "*"}).json()
    assert "import_notes" not in data and "import_suggestions" not in data and "由导入程序" not in str(data)
    assert client.get("/api/v2/pages/", {"import_notes": "导入"}).status_code == 400


@pytest.mark.django_db
def test_drafts_imported_before_keep_their_report_from_readers(case_index):
    """The data migration: a report in the public note, and figure marks, move to admin-only fields."""
    from importlib import import_module

    from django.apps import apps

    migration = import_module("cases.migrations.0007_import_notes_kept_from_readers")
    case = CasePage.objects.get(slug="wuchang-1-3")
    case.source_note = "由导入程序从“旧.txt”生成，请对照原文核对。"
    figure = case.key_figures.first()
    figure.note = "导入时自动识别"
    figure.save()
    case.save_revision()
    CasePage.objects.filter(pk=case.pk).update(source_note=case.source_note)
    migration.keep_import_notes_from_readers(apps, None)
    case.refresh_from_db()
    figure.refresh_from_db()
    assert (case.source_note, case.import_notes) == ("", "由导入程序从“旧.txt”生成，请对照原文核对。")
    assert (figure.note, figure.auto_detected) == ("", True)
    draft = case.get_latest_revision_as_object()  # what the editor opens
    assert (draft.source_note, draft.import_notes) == ("", "由导入程序从“旧.txt”生成，请对照原文核对。")
    assert all(not f.note == "导入时自动识别" for f in draft.key_figures.all())


# --- duplicates and ownership -------------------------------------------------------------------


@pytest.mark.django_db
def test_the_same_document_imported_twice_is_refused_the_second_time(capsys):
    call_command("import_case", str(seed_path(SEED_000)))
    first = CasePage.objects.get(import_notes__startswith="由导入程序")
    before = counts()
    capsys.readouterr()
    with pytest.raises(CommandError, match="1 个文件未导入"):
        call_command("import_case", str(seed_path(SEED_000)))
    assert re.search(f"正文相同，未导入(?s:.*)/admin/pages/{first.pk}/edit/", capsys.readouterr().out)
    assert counts() == before


@pytest.mark.django_db
def test_the_same_text_pasted_with_other_spacing_and_punctuation_is_the_same_case(client, editor, case_index):
    client.force_login(editor)
    pasted = seed_path(SEED_000).read_text(encoding="utf-8")
    client.post(reverse("cases_import"), {"text": pasted, "parent": case_index.pk})
    again = "\n".join(
        line.replace("，", ",") + "  " for line in pasted.splitlines()
    )  # half-width commas, trailing spaces
    response = client.post(reverse("cases_import"), {"text": again, "parent": case_index.pk})
    html = response.content.decode()
    assert "正文相同，未导入" in html and CasePage.objects.filter(import_notes__startswith="由导入程序").count() == 1
    assert "打开已有案例" in html and "已有案例：/admin/pages/" not in html  # a link, not a path to copy


@pytest.mark.django_db
def test_a_published_case_imported_again_is_created_with_a_warning(capsys):
    """The seed source of a published case whose text the editor reworked: not the same body,
    but the same place and model name."""
    published = CasePage.objects.get(slug="xingshan-lianghui-liangping")
    call_command("import_case", str(seed_path(SEED_004)))
    out = capsys.readouterr().out
    assert f"可能与已有案例重复：{published.title}（/admin/pages/{published.pk}/edit/）" in out
    # …and the draft keeps the warning in its 导入记录, where the reviewer reads it.
    draft = CasePage.objects.filter(import_notes__startswith="由导入程序", title=published.title).get()
    assert f"可能与已有案例重复：《{published.title}》（/admin/pages/{published.pk}/edit/）" in draft.import_notes


@pytest.mark.django_db
def test_the_review_page_links_the_case_a_draft_may_repeat(client, editor, case_index):
    published = CasePage.objects.get(slug="xingshan-lianghui-liangping")
    client.force_login(editor)
    upload = SimpleUploadedFile(SEED_004, seed_path(SEED_004).read_bytes())
    html = client.post(reverse("cases_import"), {"file": upload, "parent": case_index.pk}).content.decode()
    assert "可能与已有案例重复" in html and reverse("wagtailadmin_pages:edit", args=[published.pk]) in html


@pytest.mark.django_db
def test_the_editor_who_imported_a_draft_owns_it_and_may_delete_it(client, editor, case_index):
    client.force_login(editor)
    pasted = seed_path(SEED_000).read_text(encoding="utf-8")
    client.post(reverse("cases_import"), {"text": pasted, "parent": case_index.pk})
    draft = CasePage.objects.get(import_notes__startswith="由导入程序")
    assert draft.owner == editor
    response = client.post(reverse("wagtailadmin_pages:delete", args=[draft.pk]))
    assert response.status_code == 302 and not CasePage.objects.filter(pk=draft.pk).exists()


@pytest.mark.keeps_fingerprints
@pytest.mark.django_db
def test_a_seed_document_whose_case_is_published_with_its_text_is_refused(capsys):
    published = CasePage.objects.get(slug="wengyuan-dangyuan-chuangye")  # its body is its source's text
    before = counts()
    with pytest.raises(CommandError, match="1 个文件未导入"):
        call_command("import_case", str(seed_path(SEED_004)))
    out = capsys.readouterr().out
    assert re.search(f"与已有案例《{published.title}》正文相同(?s:.*)/admin/pages/{published.pk}/edit/", out)
    assert counts() == before


@pytest.mark.django_db
def test_the_suggested_classification_waits_for_the_editor_to_accept_it(client, editor, case_index):
    [result] = import_documents(
        [read_bytes(SEED_004, seed_path(SEED_004).read_bytes())], parent=case_index, user=editor
    )
    page = CasePage.objects.get(pk=result.pages[0].pk)
    draft = result.drafts[0]
    assert page.domain is None and not page.themes.exists() and not page.problems.exists()
    assert page.import_suggestions["themes"] == [theme.pk for theme in draft.themes]
    client.force_login(editor)
    html = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode()
    suggested, other = draft.themes[0], Theme.objects.exclude(pk__in=page.import_suggestions["themes"]).first()
    assert f"{suggested.name}（导入建议）" in html and f"{other.name}（导入建议）" not in html
    assert (
        "导入程序从原文中识别出："
        + "、".join(t.name for t in Theme.objects.filter(pk__in=page.import_suggestions["themes"]))
        in html
    )


@pytest.mark.django_db
def test_a_text_ending_in_a_table_is_complete_and_keeps_the_table():
    rows = ["年份\t合作社（个）\t社员（人）", "2010年\t751\t126928"]
    seed = (settings.SEEDS_DIR / SEED_000).read_text(encoding="utf-8")
    for above in ("", "合作社发展情况如下：", "表1 五常市合作社发展情况"):  # as tables are introduced
        [draft] = analyse(read_paste(f"{seed}\n\n{above}\n" + "\n".join(rows) + "\n")).drafts
        assert draft.complete and draft.paragraphs[-2:] == rows, above
