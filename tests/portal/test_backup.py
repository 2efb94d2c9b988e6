"""`manage.py backup` / `restore`: a round trip gives back the same site; a bad archive changes nothing.

Runs on SQLite and on PostgreSQL (DATABASE_URL=postgres://… pytest tests/portal/test_backup.py).
The restore is one transaction, so it runs inside pytest-django's test transaction and is
rolled back with it; media files go to a per-test MEDIA_ROOT.
"""

import difflib
import hashlib
import io
import json
import os
import re
import sys
import tarfile
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.management import create_contenttypes
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client
from PIL import Image as PILImage
from taggit.models import Tag
from wagtail.documents import get_document_model
from wagtail.models import Page, Revision, Site, TaskState, WorkflowState

from cases.models import CaseIndexPage, CasePage
from cases.taxonomy import Domain, Problem, Region, Theme
from portal.backup import archive as backup
from portal.backup.archive import BackupError, create_backup, inspect_backup, restore_backup
from portal.editorial import EDITORS, REVIEWERS
from portal.models import PortalImage, PortalRendition
from search import text_words
from search.models import TextWord
from search.text import reset_segmenter

pytestmark = pytest.mark.django_db

PUBLIC_URLS = [
    "/",
    "/cases/",
    "/cases/?theme=服务群众",
    "/training/",
    "/compare/?cases=wuchang-1-3,zhucheng-chengxiang-lianjian",
    "/search/?q=党建&format=json",
    "/search/?q=两会两评",
    "/search/?q=备份测试&format=json",
    "/api/v2/pages/",
    "/feeds/cases/",
    "/sitemap.xml",
]
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


# --- fixtures -------------------------------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    return root


def clear_caches():
    # The test transaction's rollback puts the rows back; these caches live outside it (image
    # renditions are cached by image id, which the rollback hands out again).
    ContentType.objects.clear_cache()
    Site.clear_site_root_paths_cache()
    PortalRendition.cache_backend.clear()
    reset_segmenter()


@pytest.fixture(autouse=True)
def clean_caches():
    clear_caches()
    yield
    clear_caches()


def png(colour=(200, 30, 30)):
    buffer = io.BytesIO()
    PILImage.new("RGB", (640, 360), colour).save(buffer, format="PNG")
    return buffer


@pytest.fixture
def content(media):
    """Beyond the six seed cases: an image with a rendition, a document, a tagged case that uses
    the image, a draft of a live case, editors, a case waiting in the review workflow and the
    history of a deleted one."""
    image = PortalImage.objects.create(
        title="村党支部活动场所",
        description="村党支部活动场所外景",
        source="测试",
        file=ImageFile(png(), name="huodong.png"),
    )
    image.get_rendition("fill-200x100")
    document = get_document_model().objects.create(
        title="测试文档", file=ContentFile("两会两评 会议记录\n".encode(), name="jilu.txt")
    )

    case = CasePage.objects.get(slug="wuchang-1-3")
    case.lead_image = image
    case.tags.add("备份测试")
    case.save_revision().publish()

    draft = CasePage.objects.get(slug="zhucheng-chengxiang-lianjian")
    draft.title = "诸城（未发布的修改）"
    draft.save_revision()

    user_model = get_user_model()
    editor = user_model.objects.create_user("bianji-test", "bianji@example.com", "pw-editor")
    editor.groups.add(Group.objects.get(name=EDITORS))
    reviewer = user_model.objects.create_user("shenhe-test", "shenhe@example.com", "pw-reviewer")
    reviewer.groups.add(Group.objects.get(name=REVIEWERS))

    index = CaseIndexPage.objects.get()
    pending = index.add_child(
        instance=CasePage(
            title="待审核的测试案例",
            slug="backup-pending",
            live=False,
            summary="网格化党建。",
            region=Region.objects.get(name="兴山县"),
            source_title="测试来源",
            body=[{"type": "section", "value": {"kind": "做法", "heading": "做法", "text": "<p>网格化。</p>"}}],
        )
    )
    pending.save_revision(user=editor)
    index.get_workflow().start(pending, editor)
    # A deleted page and user leave log entries pointing at them (Wagtail keeps the history),
    # which stock `dumpdata --natural-foreign` cannot serialise.
    gone = index.add_child(instance=CasePage(title="已删除的案例", slug="backup-deleted"))
    gone.save_revision(user=reviewer).publish()
    gone.delete(user=reviewer)
    return {
        "image": image,
        "document": document,
        "case": case,
        "editor": editor,
        "reviewer": reviewer,
        "pending": pending,
    }


# --- what "the same site" means ---------------------------------------------------------------------


def database_state():
    """Every row of every backed-up model, content types and permissions by natural key."""
    content_types = {ct.pk: (ct.app_label, ct.model) for ct in ContentType.objects.all()}
    permissions = {
        p.pk: (p.content_type.app_label, p.codename) for p in Permission.objects.select_related("content_type")
    }
    state = {}
    for model in backup.data_models():
        remap = {
            field.attname: content_types if field.related_model is ContentType else permissions
            for field in model._meta.concrete_fields
            if field.is_relation and field.related_model in (ContentType, Permission)
        }
        rows = []
        for row in model._base_manager.order_by("pk").values():
            for name, table in remap.items():
                row[name] = table.get(row[name], row[name])
            rows.append(row)
        state[model._meta.label_lower] = rows
    return state


def media_state(root):
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(Path(root).rglob("*"))
        if path.is_file()
    }


def pages_served():
    client = Client()
    urls = PUBLIC_URLS + [page.url for page in Page.objects.live().public().specific() if page.url]
    served = {}
    for url in urls:
        response = client.get(url)
        served[url] = (response.status_code, CSRF.sub("", response.content.decode()))
    return served


def readable_state():
    """The things the issue names, in a form whose differences read well in a failure."""
    return {
        "pages": list(
            Page.objects.order_by("path").values_list(
                "id",
                "path",
                "numchild",
                "slug",
                "title",
                "draft_title",
                "live",
                "has_unpublished_changes",
                "url_path",
                "live_revision_id",
                "latest_revision_id",
                "first_published_at",
            )
        ),
        "revisions": list(Revision.objects.order_by("pk").values_list("pk", "object_id", "created_at", "user_id")),
        "case_terms": {
            case.slug: (
                case.region.slug if case.region else None,
                case.domain_id,
                sorted(t.slug for t in case.themes.all()),
                sorted(p.slug for p in case.problems.all()),
                sorted(t.name for t in case.tags.all()),
                case.lead_image_id,
            )
            for case in CasePage.objects.order_by("pk")
        },
        "tags": list(Tag.objects.order_by("pk").values_list("pk", "name", "slug")),
        "taxonomy": [
            list(model.objects.order_by("pk").values_list("pk", "name", "slug"))
            for model in (Region, Theme, Problem, Domain)
        ],
        "users": [
            (u.username, u.password, u.email, u.is_superuser, sorted(g.name for g in u.groups.all()))
            for u in get_user_model().objects.order_by("pk")
        ],
        "groups": [(g.name, sorted(p.codename for p in g.permissions.all())) for g in Group.objects.order_by("pk")],
        "images": list(PortalImage.objects.order_by("pk").values_list("pk", "title", "file", "description", "width")),
        "renditions": list(PortalRendition.objects.order_by("pk").values_list("pk", "image_id", "filter_spec", "file")),
        "documents": list(get_document_model().objects.order_by("pk").values_list("pk", "title", "file")),
        "workflow_states": list(
            WorkflowState.objects.order_by("pk").values_list(
                "pk", "object_id", "status", "workflow__name", "requested_by__username", "current_task_state_id"
            )
        ),
        "task_states": list(TaskState.objects.order_by("pk").values_list("pk", "status", "task__name")),
        "sites": list(Site.objects.values_list("hostname", "port", "root_page_id", "is_default_site")),
    }


def assert_served_same(before, after):
    """Every page as before; a difference is reported as its URL and the changed lines."""
    assert sorted(after) == sorted(before)
    for url, (status, html) in before.items():
        after_status, after_html = after[url]
        changed = "\n".join(
            difflib.unified_diff(html.splitlines(), after_html.splitlines(), "before", "after", lineterm="", n=1)
        )
        assert (after_status, changed) == (status, ""), url


def everything(root):
    return {"readable": readable_state(), "rows": database_state(), "media": media_state(root)}


def assert_same(before, after):
    for key in before["readable"]:
        assert after["readable"][key] == before["readable"][key], key
    for label in before["rows"]:
        assert after["rows"][label] == before["rows"][label], label
    assert after["media"] == before["media"]


# --- round trip -----------------------------------------------------------------------------------


def alter_everything(content, media):
    """What a bad day does: delete, rename, re-tag, re-password, approve, upload, add."""
    CasePage.objects.get(slug="xingshan-lianghui-liangping").delete()
    theme = Theme.objects.get(slug="服务群众")
    theme.name = "改名的主题"
    theme.save()
    Tag.objects.filter(name="备份测试").delete()
    case = CasePage.objects.get(slug="shangnan-gongjian-gongfu")
    case.tags.add("新标签")
    case.title = "改过的标题"
    case.save_revision().publish()
    content["editor"].set_password("changed")
    content["editor"].save()
    content["reviewer"].delete()
    state = WorkflowState.objects.get(status="in_progress")
    state.cancel(user=content["editor"])
    image = content["image"]
    image_file = Path(media / image.file.name)
    image.delete()
    image_file.unlink()
    (media / "original_images" / "stray.png").write_bytes(png((0, 0, 0)).getvalue())
    CaseIndexPage.objects.get().add_child(instance=CasePage(title="事后新增的案例", slug="added-later"))


def test_round_trip_gives_back_the_same_site(content, media, tmp_path):
    served = pages_served()  # first: serving pages makes image renditions
    before = everything(media)
    text_words.rebuild()  # counted, not as learnt one publish at a time
    words = set(TextWord.objects.values_list("word", "pinyin", "cases"))
    assert words
    found = json.loads(served["/search/?q=备份测试&format=json"][1])["results"]
    assert [hit["slug"] for hit in found] == ["wuchang-1-3"]  # the tag added above is indexed

    archive = create_backup(tmp_path / "out")
    assert archive.parent == tmp_path / "out" and archive.name.startswith("portal-backup-")
    assert oct(archive.stat().st_mode & 0o777) == "0o600"

    alter_everything(content, media)
    assert everything(media) != before

    summary = restore_backup(archive)
    assert summary["warnings"] == []
    assert_same(before, everything(media))
    assert not (media / "original_images" / "stray.png").exists()
    assert not any(path.name.startswith(".restore-") for path in media.iterdir())
    # Served exactly as before: pages, listings, search (index rebuilt), API, feeds.
    assert_served_same(served, pages_served())
    assert set(TextWord.objects.values_list("word", "pinyin", "cases")) == words  # counted afresh


def test_the_database_index_is_rebuilt_inside_the_restore():
    # Wagtail's database backend (the admin's page search) is rebuilt inside the restore.
    assert dict(backup._search_backends()) == {"default": True}


def test_restore_into_an_empty_database_with_other_content_type_ids(content, media, tmp_path):
    """As into a freshly created database: no rows at all, and content types and permissions
    re-created with ids of their own (everything pointing at them is matched by natural key)."""
    served = pages_served()  # first: serving pages makes image renditions
    before = everything(media)
    old_ids = dict(ContentType.objects.values_list("model", "pk"))
    archive = create_backup(tmp_path)

    with connection.cursor() as cursor:
        for model in backup._models():
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")
    ContentType.objects.clear_cache()
    for config in apps.get_app_configs():
        create_contenttypes(config, verbosity=0)
        create_permissions(config, verbosity=0)
    ContentType.objects.clear_cache()
    assert not Page.objects.exists()
    new_ids = dict(ContentType.objects.values_list("model", "pk"))
    assert all(new_ids[model] != old_ids[model] for model in old_ids)

    restore_backup(archive)
    assert_same(before, everything(media))
    assert_served_same(served, pages_served())


def test_round_trip_keeps_many_to_many_microseconds_and_json(content, media, tmp_path):
    """Many-to-many rows (written as their through tables) and timestamps to the microsecond
    (Django's JSON encoder would cut them to milliseconds) come back exactly."""
    case = CasePage.objects.get(slug="wuchang-1-3")
    themes = sorted(case.themes.values_list("pk", flat=True))
    assert themes
    published = case.first_published_at
    archive = create_backup(tmp_path)
    case.themes.clear()
    case.save()
    CasePage.objects.filter(pk=case.pk).update(first_published_at=None)
    restore_backup(archive)
    case = CasePage.objects.get(slug="wuchang-1-3")
    assert sorted(case.themes.values_list("pk", flat=True)) == themes
    assert case.first_published_at == published


def test_manifest_describes_the_backup(content, media, tmp_path):
    archive = create_backup(tmp_path / "named.tar.gz")
    assert archive == tmp_path / "named.tar.gz"
    manifest = inspect_backup(archive)
    assert manifest["format"] == "portal-backup" and manifest["format_version"] == 1
    assert manifest["database"]["vendor"] == connection.vendor
    assert set(manifest["versions"]) == {"django", "wagtail", "python"}
    assert manifest["counts"]["cases.casepage"] == CasePage.objects.count()
    assert manifest["counts"]["cases.casepage_themes"] > 0
    assert "wagtailsearch.indexentry" not in manifest["counts"] and "sessions.session" not in manifest["counts"]
    assert "0001_initial" in manifest["migrations"]["cases"]
    media_names = {name for name in manifest["files"] if name.startswith("media/")}
    assert media_names == {"media/" + name for name in media_state(media)}
    # the image, its rendition, the document; and the share cards of the cases published
    assert len({name for name in media_names if not name.startswith("media/share/")}) == 3


# --- the commands -----------------------------------------------------------------------------------


def test_backup_command_prints_the_archive_path(media, tmp_path):
    out = io.StringIO()
    call_command("backup", output=str(tmp_path), stdout=out, stderr=io.StringIO())
    path = Path(out.getvalue().strip().splitlines()[-1])
    assert path.parent == tmp_path and path.is_file()
    assert re.fullmatch(r"portal-backup-\d{8}-\d{6}\.tar\.gz", path.name)


def test_restore_needs_yes_or_a_typed_confirmation(content, media, tmp_path, monkeypatch):
    archive = create_backup(tmp_path)
    CasePage.objects.get(slug="wuchang-1-3").delete()
    before = everything(media)

    monkeypatch.setattr(sys, "stdin", io.StringIO(""))  # not a terminal: --yes is required
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(archive), stdout=io.StringIO())
    assert_same(before, everything(media))

    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with pytest.raises(CommandError, match="已取消"):
        call_command("restore", str(archive), stdout=io.StringIO())
    assert_same(before, everything(media))

    monkeypatch.setattr("builtins.input", lambda prompt: "yes")
    out = io.StringIO()
    call_command("restore", str(archive), stdout=out, stderr=io.StringIO())
    assert "恢复完成" in out.getvalue()
    assert CasePage.objects.filter(slug="wuchang-1-3").exists()


def test_restore_with_yes_runs_without_asking(content, media, tmp_path, monkeypatch):
    archive = create_backup(tmp_path)
    CasePage.objects.get(slug="wuchang-1-3").delete()
    monkeypatch.setattr("builtins.input", lambda prompt: pytest.fail("asked"))
    call_command("restore", str(archive), yes=True, stdout=io.StringIO(), stderr=io.StringIO())
    assert Client().get("/cases/wuchang-1-3/").status_code == 200


# --- bad archives change nothing --------------------------------------------------------------------


def members_of(archive):
    with tarfile.open(archive, "r:gz") as tar:
        return {m.name: tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()}


def pack(path, members, special=()):
    with tarfile.open(path, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        for info in special:
            tar.addfile(info)
    return path


def with_manifest(members, change=None, rehash=()):
    manifest = json.loads(members["manifest.json"])
    for name in rehash:
        manifest["files"][name] = {"size": len(members[name]), "sha256": hashlib.sha256(members[name]).hexdigest()}
    if change:
        change(manifest)
    return {**members, "manifest.json": json.dumps(manifest, ensure_ascii=False).encode()}


def not_gzip(archive, tmp_path):
    path = tmp_path / "random.tar.gz"
    path.write_bytes(os.urandom(4096))
    return path


def truncated(archive, tmp_path):
    path = tmp_path / "cut.tar.gz"
    data = archive.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def no_manifest(archive, tmp_path):
    members = members_of(archive)
    del members["manifest.json"]
    return pack(tmp_path / "bad.tar.gz", members)


def future_version(archive, tmp_path):
    return pack(tmp_path / "bad.tar.gz", with_manifest(members_of(archive), lambda m: m.update(format_version=2)))


def other_format(archive, tmp_path):
    return pack(tmp_path / "bad.tar.gz", with_manifest(members_of(archive), lambda m: m.update(format="x")))


def tampered_data(archive, tmp_path):
    members = members_of(archive)
    members["data.json"] = members["data.json"].replace("五常".encode(), "六常".encode(), 1)
    return pack(tmp_path / "bad.tar.gz", members)


def path_traversal(archive, tmp_path):
    members = members_of(archive)
    members["media/../../evil.txt"] = b"evil"
    return pack(tmp_path / "bad.tar.gz", with_manifest(members, rehash=["media/../../evil.txt"]))


def symlink_member(archive, tmp_path):
    link = tarfile.TarInfo("media/original_images/link.png")
    link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
    return pack(tmp_path / "bad.tar.gz", members_of(archive), special=[link])


def unlisted_file(archive, tmp_path):
    members = members_of(archive)
    members["media/extra.txt"] = b"not in the manifest"
    return pack(tmp_path / "bad.tar.gz", members)


def other_migrations(archive, tmp_path):
    return pack(
        tmp_path / "bad.tar.gz",
        with_manifest(members_of(archive), lambda m: m["migrations"]["cases"].append("9999_from_the_future")),
    )


def fails_while_loading(archive, tmp_path):
    """Passes every check, then a duplicate tag slug stops the load after the tables were emptied."""
    members = members_of(archive)
    rows = json.loads(members["data.json"])
    tag = next(row for row in rows if row["model"] == "taggit.tag")
    rows.append({**tag, "pk": 999999, "fields": {**tag["fields"], "name": "重复"}})
    members["data.json"] = json.dumps(rows, ensure_ascii=False).encode()
    return pack(
        tmp_path / "bad.tar.gz",
        with_manifest(
            members, lambda m: m["counts"].update({"taggit.tag": m["counts"]["taggit.tag"] + 1}), rehash=["data.json"]
        ),
    )


def wrong_counts(archive, tmp_path):
    """Loads cleanly but not what the manifest promised: rolled back after the load."""
    return pack(
        tmp_path / "bad.tar.gz",
        with_manifest(
            members_of(archive), lambda m: m["counts"].update({"cases.casepage": m["counts"]["cases.casepage"] + 1})
        ),
    )


@pytest.mark.parametrize(
    "make_bad, message",
    [
        (not_gzip, "不是完整的 .tar.gz"),
        (truncated, "不是完整的 .tar.gz"),
        (no_manifest, "没有 manifest.json"),
        (future_version, "不支持的备份格式版本 2"),
        (other_format, "不是本程序的备份"),
        (tampered_data, "校验和不符"),
        (path_traversal, "不安全的路径"),
        (symlink_member, "不是普通文件"),
        (unlisted_file, "清单之外"),
        (other_migrations, "数据库结构与当前程序不一致"),
        (fails_while_loading, "恢复失败，已回滚"),
        (wrong_counts, "与备份清单不符"),
    ],
)
def test_bad_archive_is_refused_and_changes_nothing(content, media, tmp_path, make_bad, message):
    archive = create_backup(tmp_path / "good")
    # The current state differs from the archive's, so a partial restore would show.
    CasePage.objects.get(slug="xingshan-lianghui-liangping").delete()
    (media / "uploaded-after-backup.txt").write_text("新文件")
    before = everything(media)

    with pytest.raises(BackupError, match=re.escape(message)):
        restore_backup(make_bad(archive, tmp_path))
    assert_same(before, everything(media))
    assert not any(path.name.startswith(".restore-") for path in media.iterdir())


@pytest.mark.parametrize(
    "make_bad, message",
    [
        (truncated, "不是完整的 .tar.gz"),
        (fails_while_loading, "恢复失败，已回滚"),
    ],
)
def test_restore_command_refuses_a_bad_archive_and_the_site_is_unchanged(content, media, tmp_path, make_bad, message):
    archive = create_backup(tmp_path / "good")
    CasePage.objects.get(slug="xingshan-lianghui-liangping").delete()
    served = pages_served()
    before = everything(media)
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("restore", str(make_bad(archive, tmp_path)), yes=True, stdout=io.StringIO(), stderr=io.StringIO())
    assert_same(before, everything(media))
    assert_served_same(served, pages_served())
    assert Client().get("/cases/xingshan-lianghui-liangping/").status_code == 404


def test_missing_archive_is_explained(media, tmp_path):
    with pytest.raises(BackupError, match="找不到备份文件"):
        restore_backup(tmp_path / "nope.tar.gz")
