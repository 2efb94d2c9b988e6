"""Backups: the whole site (database + media files) in one .tar.gz, and its atomic restore.

    manage.py backup [--output DIR_OR_FILE]      → portal-backup-YYYYmmdd-HHMMSS.tar.gz
    manage.py restore FILE [--yes]

The archive holds

    manifest.json       format and version, created_at, database vendor, Django/Wagtail/Python
                        versions, the applied migrations, rows per model, size + SHA-256 of every
                        other member
    contenttypes.json   content types and permissions by natural key (app_label, model, codename)
    data.json           every other row of every model, primary keys kept
    media/…             the files under MEDIA_ROOT (images, renditions, documents)

Why Django's serialisation rather than `pg_dump` / SQLite's backup API: one format on both
databases (a demo SQLite backup restores into PostgreSQL and back); no client tools whose major
version must match the server; and the restore is one Django transaction on both vendors. It is
not stock `dumpdata`/`loaddata`, for three reasons found on this project:

* primary keys are kept (no `--natural-primary`): page, image and document ids are written
  inside StreamField JSON, rich text (`<a linktype="page" id=…>`) and revision content, so they
  must not be renumbered;
* natural keys are used only for content types and permissions, the rows whose ids legitimately
  differ between two databases (migrate creates them in whatever order). `--natural-foreign` on
  everything would write pages as their url_path and users as their username, and fails outright
  on Wagtail's log entries, whose page/user foreign keys deliberately outlive deleted rows;
* datetimes keep their microseconds: Django's JSON encoder cuts them to milliseconds, which
  changes every timestamp (the API shows them) and can reorder things published together.

Many-to-many rows (a case's themes and problems, a collection's criteria, group permissions)
are written as rows of their through tables, one query per table rather than one per object.

Left out: sessions (a restore logs everyone out), the search indexes (derived data: Wagtail's,
the case index and the words the cases' texts use, rebuilt inside the restore's transaction after the segmenter's dictionary is
reloaded from the restored vocabularies; Elasticsearch's after the commit) and the change
journal, which runs on and records the restore so that every process reloads.
Treebeard's path/depth/numchild are plain columns and round-trip as they are.

Restore: the archive is checked completely first (format and version, member names and types,
checksums, same migrations as this code) and refused with a message in Chinese, touching
nothing, if anything is wrong. Then, in one transaction: delete every row (except content types
and permissions, which are merged by natural key), load, compare the row counts with the
manifest, rebuild the search index, swap the media folder's contents; any failure rolls all of
it back (the media swap is undone). A database without tables is migrated first.
"""

import datetime
import gzip
import hashlib
import io
import json
import os
import platform
import posixpath
import secrets
import shutil
import tarfile
import tempfile
import zlib
from pathlib import Path

import django
import wagtail
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.core.serializers.json import Serializer as JSONSerializer
from django.db import DEFAULT_DB_ALIAS, connections, router, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from cases import changes
from search import meanings, text_words
from search.engines.interface import database_engine, engine
from search.text import reset_segmenter, vocabulary

FORMAT = "portal-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
CONTENTTYPES = "contenttypes.json"
DATA = "data.json"
MEDIA_PREFIX = "media/"
# Folders a restore stages in MEDIA_ROOT (same file system, so that moving files in is a rename).
STAGING_PREFIX = ".restore-"
CHUNK = 1024 * 1024

# Merged by natural key, never deleted: their ids may differ between databases.
NATURAL_KEY_MODELS = ("contenttypes.contenttype", "auth.permission")
# Not backed up: transient, or derived and rebuilt after a restore.
EXCLUDED_APPS = ("sessions", "wagtailsearch")
EXCLUDED_MODELS = ("search.textword", "search.sentencemeaning", "search.casesentence")
# Neither backed up nor emptied: the change journal runs on across a restore, which it records,
# so that every process sees a later entry and reloads.
JOURNAL = "cases.contentchange"
# Not backed up, not emptied: each sentence's vector, keyed by the sentence and the model, holds
# whatever the data; a restore computes only those of sentences new to it.
SENTENCE_VECTORS = "search.sentencemeaning"


class BackupError(Exception):
    """A backup or restore that cannot be done; the message (in Chinese) says why."""


# --- what is backed up --------------------------------------------------------------------------


def _label(model):
    return model._meta.label_lower


def _models(using=DEFAULT_DB_ALIAS):
    """Every concrete model with a table in this database, many-to-many through tables included."""
    found = []
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or not router.allow_migrate_model(using, model):
            continue
        found.append(model)
    return sorted(found, key=_label)


def data_models(using=DEFAULT_DB_ALIAS):
    """The models whose rows data.json holds."""
    return [
        model
        for model in _models(using)
        if _label(model) not in (*NATURAL_KEY_MODELS, JOURNAL, *EXCLUDED_MODELS)
        and model._meta.app_label not in EXCLUDED_APPS
    ]


def _cleared_tables(using=DEFAULT_DB_ALIAS):
    """Tables emptied by a restore: the data models' and the excluded ones' (sessions, index)."""
    existing = set(connections[using].introspection.table_names())
    kept = (*NATURAL_KEY_MODELS, JOURNAL, SENTENCE_VECTORS)
    tables = [model._meta.db_table for model in _models(using) if _label(model) not in kept]
    return sorted({table for table in tables if table in existing})


class _Encoder(DjangoJSONEncoder):
    """Full precision: Django's encoder cuts datetimes to milliseconds (ECMA-262), which would
    change every timestamp and the order of things published within the same millisecond."""

    def default(self, o):
        if isinstance(o, (datetime.datetime, datetime.time)):
            return o.isoformat()
        return super().default(o)


class _Serializer(JSONSerializer):
    """Django's JSON serialiser with natural keys only for content types and permissions, and no
    many-to-many values on the owning rows (the through tables' rows carry them)."""

    def handle_fk_field(self, obj, field):
        self.use_natural_foreign_keys = _label(field.remote_field.model) in NATURAL_KEY_MODELS
        super().handle_fk_field(obj, field)

    def handle_m2m_field(self, obj, field):
        pass


def _migrations(using=DEFAULT_DB_ALIAS):
    """The applied migrations of the installed apps, as {app_label: [name, …]}."""
    loader = MigrationLoader(connections[using], ignore_no_migrations=True)
    installed = {config.label for config in apps.get_app_configs()}
    applied = {}
    for app_label, name in sorted(loader.applied_migrations):
        if app_label in installed:
            applied.setdefault(app_label, []).append(name)
    return applied


def _code_migrations():
    """The migrations on disk, as {app_label: {name, …}} (what a fully migrated database records)."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    found = {}
    for app_label, name in loader.disk_migrations:
        found.setdefault(app_label, set()).add(name)
    return found


def _media_root():
    if not isinstance(default_storage, FileSystemStorage):
        raise BackupError(
            "媒体文件不在本机文件系统上（STORAGES 的 default 不是 FileSystemStorage），本命令无法备份或恢复媒体文件。"
        )
    return Path(settings.MEDIA_ROOT)


def _media_files(root):
    """(path, name in the archive) of every regular file under MEDIA_ROOT, staging folders excluded."""
    if not root.is_dir():
        return []
    found = []
    for folder, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not (Path(folder) == root and d.startswith(STAGING_PREFIX)))
        for filename in sorted(filenames):
            path = Path(folder) / filename
            if path.is_file() and not path.is_symlink():
                found.append((path, MEDIA_PREFIX + path.relative_to(root).as_posix()))
    return found


class _HashingReader:
    def __init__(self, raw):
        self.raw, self.sha256, self.size = raw, hashlib.sha256(), 0

    def read(self, size=-1):
        data = self.raw.read(size)
        self.sha256.update(data)
        self.size += len(data)
        return data


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


# --- backup -------------------------------------------------------------------------------------


def default_backup_dir():
    return Path(settings.BASE_DIR) / "backups"


def _output_path(output, now):
    name = f"portal-backup-{timezone.localtime(now):%Y%m%d-%H%M%S}.tar.gz"
    if output is None:
        return default_backup_dir() / name
    # A file name ends in .tar.gz (or .tgz); anything else is a folder, created if need be.
    path = Path(output)
    if path.is_dir() or str(output).endswith(os.sep) or not path.name.endswith((".tar.gz", ".tgz")):
        return path / name
    return path


def _dump(stream_path, objects, **options):
    with open(stream_path, "w", encoding="utf-8") as stream:
        options["serializer"]().serialize(
            objects, stream=stream, **{k: v for k, v in options.items() if k != "serializer"}
        )


def _dump_database(folder, using):
    """contenttypes.json and data.json in `folder`; returns rows per data model."""
    counts = {}

    def rows():
        for model in data_models(using):
            counts[_label(model)] = 0
            for obj in model._base_manager.using(using).order_by("pk").iterator(chunk_size=2000):
                counts[_label(model)] += 1
                yield obj

    def natural_rows():
        yield from ContentType.objects.using(using).order_by("pk").iterator()
        yield from Permission.objects.using(using).select_related("content_type").order_by("pk").iterator()

    _dump(
        folder / CONTENTTYPES,
        natural_rows(),
        serializer=serializers.get_serializer("json"),
        use_natural_foreign_keys=True,
        use_natural_primary_keys=True,
        cls=_Encoder,
    )
    _dump(folder / DATA, rows(), serializer=_Serializer, use_natural_foreign_keys=True, cls=_Encoder)
    return counts


def create_backup(output=None, using=DEFAULT_DB_ALIAS, log=None):
    """Write a backup archive and return its path. `output`: a folder or a file name (default
    `backups/` in the project folder). The database is read in one transaction (a snapshot;
    REPEATABLE READ on PostgreSQL); the archive appears under its name only when complete."""
    log = log or (lambda message: None)
    pending = _unapplied_migrations(using)
    if pending:
        raise BackupError(
            f"数据库还有 {len(pending)} 个迁移没有运行（如 {pending[0]}），请先运行 manage.py migrate 再备份。"
        )
    now = timezone.now()
    target = _output_path(output, now)
    target.parent.mkdir(parents=True, exist_ok=True)
    media_root = _media_root()
    connection = connections[using]

    with tempfile.TemporaryDirectory(prefix="portal-backup-") as scratch:
        scratch = Path(scratch)
        partial = target.with_name(target.name + f".partial-{secrets.token_hex(4)}")
        files = {}
        # Only the outermost transaction may choose its isolation (before its first query).
        outermost = not connection.in_atomic_block
        try:
            with transaction.atomic(using=using):
                if connection.vendor == "postgresql" and outermost:
                    with connection.cursor() as cursor:
                        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                log("导出数据库…")
                counts = _dump_database(scratch, using)
                migrations = _migrations(using)
                referenced = _referenced_files(using)
            # The files after the transaction: on SQLite it holds the write lock, and editors'
            # saves would wait on a long copy. A file uploaded meanwhile is merely extra; one
            # deleted meanwhile is reported below (and again by a restore).
            media = _media_files(media_root)
            log(f"打包 {len(media)} 个媒体文件…")
            # 0600: the archive holds password hashes and API tokens.
            descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with (
                os.fdopen(descriptor, "wb") as raw,
                tarfile.open(fileobj=raw, mode="w:gz", compresslevel=6, format=tarfile.PAX_FORMAT) as tar,
            ):
                for name in (CONTENTTYPES, DATA):
                    files[name] = _add_file(tar, scratch / name, name)
                for path, name in media:
                    files[name] = _add_file(tar, path, name)
                manifest = {
                    "format": FORMAT,
                    "format_version": FORMAT_VERSION,
                    "created_at": now.isoformat(),
                    "database": {"vendor": connection.vendor, "version": _server_version(connection)},
                    "versions": {
                        "django": django.__version__,
                        "wagtail": wagtail.__version__,
                        "python": platform.python_version(),
                    },
                    "migrations": migrations,
                    "counts": counts,
                    "excluded": {
                        "merged_by_natural_key": list(NATURAL_KEY_MODELS),
                        "not_backed_up": [
                            "sessions（会话，恢复后需重新登录）",
                            "wagtailsearch（搜索索引，恢复时重建）",
                            "search.textword（案例用词的拼音，恢复时重新统计）",
                        ],
                    },
                    "media_prefix": MEDIA_PREFIX,
                    "files": files,
                }
                body = json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8")
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime, info.mode = len(body), int(now.timestamp()), 0o600
                tar.addfile(info, io.BytesIO(body))
            os.replace(partial, target)
        finally:
            if partial.exists():
                partial.unlink()
    missing = sorted(referenced - {name[len(MEDIA_PREFIX) :] for name in files if name.startswith(MEDIA_PREFIX)})
    if missing:
        log(f"提醒：有 {len(missing)} 个文件数据库里有记录而媒体文件夹里没有：{'、'.join(missing[:5])}")
    log(f"已备份：{target}（{sum(counts.values())} 行数据，{len(media)} 个媒体文件）")
    return target


def _server_version(connection):
    if connection.vendor == "sqlite":
        import sqlite3

        return sqlite3.sqlite_version
    info = getattr(connection, "pg_version", None)
    return str(info) if info else ""


def _add_file(tar, path, name):
    info = tar.gettarinfo(str(path), arcname=name)
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    with open(path, "rb") as handle:
        reader = _HashingReader(handle)
        tar.addfile(info, reader)
    return {"size": reader.size, "sha256": reader.sha256.hexdigest()}


# --- checking an archive ------------------------------------------------------------------------

_ARCHIVE_ERRORS = (tarfile.TarError, OSError, EOFError, zlib.error)
# Reading a damaged or cut-off archive (as opposed to writing the extracted files).
_CORRUPT = (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile)
MAX_MANIFEST_BYTES = 256 * 1024 * 1024


def _unreadable(path, error):
    return BackupError(f"无法读取备份文件 {path}：它不是完整的 .tar.gz 压缩包，可能已损坏或被截断（{error}）。")


def _safe_name(name):
    if not name or "\\" in name or "\x00" in name or name.startswith("/"):
        return False
    parts = name.split("/")
    return all(part not in ("", ".", "..") for part in parts) and posixpath.normpath(name) == name


def _archive_members(tar, path):
    """{name: member} of the archive's files, after checking every member's name and type."""
    try:
        members = tar.getmembers()
    except _ARCHIVE_ERRORS as error:
        raise _unreadable(path, error) from error
    files = {}
    for member in members:
        name = member.name
        if not _safe_name(name):
            raise BackupError(f"备份中含有不安全的路径“{name[:200]}”，拒绝恢复。")
        if member.isdir():
            continue
        if not member.isfile():
            raise BackupError(f"备份中的“{name[:200]}”不是普通文件（链接或设备文件），拒绝恢复。")
        if name in files:
            raise BackupError(f"备份中“{name[:200]}”出现了两次，拒绝恢复。")
        if name not in (MANIFEST, CONTENTTYPES, DATA) and not name.startswith(MEDIA_PREFIX):
            raise BackupError(f"备份中有不认识的文件“{name[:200]}”，它不是本程序生成的备份。")
        files[name] = member
    return files


def _read_manifest(tar, members, path):
    member = members.get(MANIFEST)
    if member is None:
        raise BackupError(f"{path} 中没有 {MANIFEST}，它不是本程序生成的备份。")
    if member.size > MAX_MANIFEST_BYTES:
        raise BackupError(f"{MANIFEST} 大得不合常理（{member.size} 字节），拒绝恢复。")
    try:
        raw = tar.extractfile(member).read()
    except _ARCHIVE_ERRORS as error:
        raise _unreadable(path, error) from error
    try:
        manifest = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise BackupError(f"{MANIFEST} 无法解析（{error}），备份已损坏。") from error
    if not isinstance(manifest, dict):
        raise BackupError(f"{MANIFEST} 的内容不是对象，备份已损坏。")
    return manifest


def _check_manifest(manifest, members):
    if manifest.get("format") != FORMAT:
        raise BackupError(f"这不是本程序的备份（{MANIFEST} 的 format 应为 {FORMAT}）。")
    version = manifest.get("format_version")
    if version != FORMAT_VERSION:
        newer = isinstance(version, int) and not isinstance(version, bool) and version > FORMAT_VERSION
        raise BackupError(
            f"不支持的备份格式版本 {version!r}（本程序只能恢复版本 {FORMAT_VERSION}）"
            + ("，请用生成备份的较新版本程序恢复。" if newer else "。")
        )
    shapes = {"created_at": str, "database": dict, "versions": dict, "migrations": dict, "counts": dict, "files": dict}
    for key, kind in shapes.items():
        if not isinstance(manifest.get(key), kind):
            raise BackupError(f"{MANIFEST} 缺少或写错了“{key}”，备份已损坏。")
    for label, count in manifest["counts"].items():
        if not (isinstance(label, str) and isinstance(count, int) and count >= 0):
            raise BackupError(f"{MANIFEST} 的行数记录“{str(label)[:100]}”无效，备份已损坏。")
    for app_label, names in manifest["migrations"].items():
        if not (isinstance(names, list) and all(isinstance(name, str) for name in names)):
            raise BackupError(f"{MANIFEST} 的迁移记录“{str(app_label)[:100]}”无效，备份已损坏。")
    listed = manifest["files"]
    for name, entry in listed.items():
        if not (
            isinstance(entry, dict)
            and isinstance(entry.get("size"), int)
            and isinstance(entry.get("sha256"), str)
            and len(entry["sha256"]) == 64
        ):
            raise BackupError(f"{MANIFEST} 中“{str(name)[:200]}”的记录无效，备份已损坏。")
    present = set(members) - {MANIFEST}
    for required in (CONTENTTYPES, DATA):
        if required not in listed:
            raise BackupError(f"{MANIFEST} 没有列出 {required}，备份已损坏。")
    missing = sorted(set(listed) - present)
    if missing:
        raise BackupError(f"备份不完整，缺少 {len(missing)} 个文件：{'、'.join(missing[:5])}。")
    extra = sorted(present - set(listed))
    if extra:
        raise BackupError(f"备份中有清单之外的文件：{'、'.join(extra[:5])}，拒绝恢复。")
    for name in listed:
        if members[name].size != listed[name]["size"]:
            raise BackupError(f"备份中 {name} 的大小与清单不符，备份已损坏。")


def _check_compatible(manifest, using):
    """The archive's tables and migrations must be this code's (same database structure)."""
    known = {_label(model) for model in data_models(using)}
    unknown = sorted(set(manifest["counts"]) - known)
    if unknown:
        raise BackupError(f"备份中有当前程序没有的数据表：{'、'.join(unknown[:5])}。请用生成备份时的程序版本恢复。")
    code = _code_migrations()
    archive = {app: set(names) for app, names in manifest["migrations"].items() if app in code}
    lacking = sorted(f"{app}.{name}" for app, names in code.items() for name in names - archive.get(app, set()))
    newer = sorted(f"{app}.{name}" for app, names in archive.items() for name in names - code[app])
    if lacking or newer:
        versions = manifest.get("versions", {})
        detail = "；".join(
            part
            for part in (
                f"备份缺少迁移 {'、'.join(lacking[:5])}{' 等' if len(lacking) > 5 else ''}" if lacking else "",
                f"备份多出迁移 {'、'.join(newer[:5])}{' 等' if len(newer) > 5 else ''}" if newer else "",
            )
            if part
        )
        raise BackupError(
            f"备份的数据库结构与当前程序不一致（{detail}）。请用生成备份时的程序版本恢复"
            f"（备份创建于 {manifest['created_at']}，Django {versions.get('django', '?')}，"
            f"Wagtail {versions.get('wagtail', '?')}），恢复后再升级并运行 migrate。"
        )


def _open_archive(path):
    try:
        return tarfile.open(path, mode="r:gz")
    except _ARCHIVE_ERRORS as error:
        raise _unreadable(path, error) from error


def inspect_backup(path, using=DEFAULT_DB_ALIAS):
    """Check an archive completely without changing anything; return its manifest."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"找不到备份文件：{path}")
    with _open_archive(path) as tar:
        members = _archive_members(tar, path)
        manifest = _read_manifest(tar, members, path)
    _check_manifest(manifest, members)
    _check_compatible(manifest, using)
    return manifest


# --- restore ------------------------------------------------------------------------------------


def _extract(path, manifest, scratch, media_new):
    """Data files into `scratch`, media files into `media_new`, each checked against the manifest."""
    listed = manifest["files"]
    seen = set()
    try:
        with _open_archive(path) as tar:
            for member in tar:
                if not member.isfile() or member.name == MANIFEST:
                    continue
                name = member.name
                if name not in listed or name in seen or not _safe_name(name):
                    raise BackupError(f"备份中的“{name[:200]}”与清单不符，拒绝恢复。")
                seen.add(name)
                target = media_new / name[len(MEDIA_PREFIX) :] if name.startswith(MEDIA_PREFIX) else scratch / name
                target.parent.mkdir(parents=True, exist_ok=True)
                digest, size = hashlib.sha256(), 0
                source = tar.extractfile(member)
                with open(target, "wb") as out:
                    for block in iter(lambda: source.read(CHUNK), b""):  # noqa: B023 (read at once, inside this iteration)
                        digest.update(block)
                        size += len(block)
                        out.write(block)
                if size != listed[name]["size"] or digest.hexdigest() != listed[name]["sha256"]:
                    raise BackupError(f"备份中 {name} 的校验和不符，备份文件已损坏。")
    except _CORRUPT as error:
        raise _unreadable(path, error) from error
    except OSError as error:
        raise BackupError(f"解开备份时写文件出错（磁盘空间或权限？）：{error}") from error
    if seen != set(listed):
        raise BackupError("备份不完整，有文件未能读出。")


def _unapplied_migrations(using):
    executor = MigrationExecutor(connections[using])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, backwards in plan]


def _ensure_migrated(using, log):
    connection = connections[using]
    plan = _unapplied_migrations(using)
    if not plan:
        return
    if connection.in_atomic_block:
        raise BackupError("数据库尚未迁移到当前版本，请先运行 manage.py migrate。")
    log(f"数据库尚未建表或未迁移到当前版本，先运行 migrate（{len(plan)} 个迁移）…")
    call_command("migrate", database=using, interactive=False, verbosity=0)


def _replace_database(scratch, manifest, using, log):
    connection = connections[using]
    tables = _cleared_tables(using)
    log(f"清空 {len(tables)} 张表…")
    with connection.cursor() as cursor:
        for table in tables:
            # DELETE, not TRUNCATE: on PostgreSQL readers keep seeing the old rows until commit.
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")
    log("载入数据…")
    ContentType.objects.clear_cache()
    call_command("loaddata", str(scratch / CONTENTTYPES), str(scratch / DATA), database=using, verbosity=0)
    connection.check_constraints()
    wrong = []
    for label, expected in sorted(manifest["counts"].items()):
        actual = apps.get_model(label)._base_manager.using(using).count()
        if actual != expected:
            wrong.append(f"{label} 应为 {expected} 行，实为 {actual} 行")
    if wrong:
        raise BackupError("载入后的数据与备份清单不符：" + "；".join(wrong[:5]))


def _search_backends():
    from modelsearch.conf import get_app_config
    from wagtail.search.backends import get_search_backend

    for name in get_app_config().get_search_backend_config():
        backend = get_search_backend(name)
        # The database backends subclass per database: look along the class's bases.
        yield name, any(cls.__module__.startswith("modelsearch.backends.database") for cls in type(backend).__mro__)


def _rebuild_database_index(log):
    reset_segmenter()  # its dictionary holds the vocabularies of the old data
    vocabulary.reset()
    for name, in_database in _search_backends():
        if in_database:
            log(f"重建后台页面搜索索引（{name}）…")
            call_command("update_index", backend_name=name, verbosity=0)
    log("统计案例用词（拼音）…")
    text_words.rebuild()
    log("读出案例句子的语义…")
    meanings.rebuild()
    if not settings.SEARCH_ENGINE_URL:  # else the search cluster's, after the commit
        log("重建案例搜索索引…")
        database_engine().rebuild()


def _rebuild_external_indexes(log):
    """The search cluster (if configured) after the commit: its failure leaves the restore in place."""
    warnings = []
    for name, in_database in _search_backends():
        if in_database:
            continue
        try:
            call_command("update_index", backend_name=name, verbosity=0)
        except Exception as error:  # noqa: BLE001 - reported, the data is restored
            warnings.append(f"搜索索引 {name} 未能重建（{error}），请稍后运行 manage.py update_index。")
    if settings.SEARCH_ENGINE_URL:
        try:
            # The index alone: the words and sentences `search_index --rebuild` would count again
            # were counted inside the restore.
            engine().rebuild()
            changes.record(changes.ContentChange.SITE)  # pages cached meanwhile show the old index
        except Exception as error:  # noqa: BLE001
            warnings.append(f"搜索引擎案例索引未能重建（{error}），请稍后运行 manage.py search_index --rebuild。")
    for warning in warnings:
        log(warning)
    return warnings


def _move_contents(source, target, skip=()):
    for entry in sorted(source.iterdir()):
        if entry.name.startswith(STAGING_PREFIX) or entry in skip:
            continue
        os.replace(entry, target / entry.name)


def _referenced_files(using):
    """Names of the files that image, rendition, document … rows point at."""
    names = set()
    for model in data_models(using):
        for field in model._meta.local_fields:
            if field.get_internal_type() in ("FileField", "ImageField"):
                names.update(
                    model._base_manager.using(using)
                    .exclude(**{field.attname: ""})
                    .values_list(field.attname, flat=True)
                )
    names.discard(None)
    return names


def _missing_media(using):
    """Files that rows name but MEDIA_ROOT lacks (reported, not fatal: the backup lacked them)."""
    return sorted(name for name in _referenced_files(using) if not default_storage.exists(name))


def restore_backup(path, using=DEFAULT_DB_ALIAS, log=None):
    """Replace the database and the media files by the archive's, all or nothing.

    Returns a summary dict. Raises BackupError (nothing changed) if the archive is not right or
    the restore fails."""
    log = log or (lambda message: None)
    path = Path(path)
    manifest = inspect_backup(path, using)
    media_root = _media_root()
    _ensure_migrated(using, log)

    media_root.mkdir(parents=True, exist_ok=True)
    staging = media_root / f"{STAGING_PREFIX}{timezone.now():%Y%m%d%H%M%S}-{secrets.token_hex(4)}"
    incoming, outgoing = staging / "new", staging / "old"
    incoming.mkdir(parents=True)
    outgoing.mkdir()
    scratch = Path(tempfile.mkdtemp(prefix="portal-restore-"))
    swapped = False
    try:
        log("校验并解开备份…")
        _extract(path, manifest, scratch, incoming)
        try:
            with transaction.atomic(using=using):
                _replace_database(scratch, manifest, using, log)
                _rebuild_database_index(log)
                log("替换媒体文件…")
                _move_contents(media_root, outgoing)
                swapped = True
                _move_contents(incoming, media_root)
        except BaseException as error:
            if swapped:
                _move_contents(media_root, incoming)
                _move_contents(outgoing, media_root)
            # The failed transaction may have left this process's caches with restored rows.
            ContentType.objects.clear_cache()
            reset_segmenter()  # its dictionary holds the vocabularies of the old data
            vocabulary.reset()
            if isinstance(error, BackupError):
                raise BackupError(f"恢复失败，已回滚，数据库和媒体文件均未改动：{error}") from error
            if isinstance(error, Exception):
                raise BackupError(
                    f"恢复失败，已回滚，数据库和媒体文件均未改动：{type(error).__name__}: {error}"
                ) from error
            raise
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        shutil.rmtree(staging, ignore_errors=True)

    from wagtail.models import Site

    ContentType.objects.clear_cache()
    Site.clear_site_root_paths_cache()
    # Rows came back without signals: cached pages and search catalogues are old.
    changes.record(changes.ContentChange.EVERYTHING)
    warnings = _rebuild_external_indexes(log)
    missing = _missing_media(using)
    if missing:
        warnings.append(
            f"有 {len(missing)} 个文件数据库里有记录而媒体文件夹里没有（备份时就已缺失）：" + "、".join(missing[:5])
        )
        log(warnings[-1])
    media_count = sum(1 for name in manifest["files"] if name.startswith(MEDIA_PREFIX))
    rows = sum(manifest["counts"].values())
    log(
        f"已恢复：{rows} 行数据，{media_count} 个媒体文件（备份创建于 {manifest['created_at']}）。"
        "请重启应用服务器（gunicorn 等），让各进程重新载入缓存和分词词典。"
    )
    return {"rows": rows, "media_files": media_count, "created_at": manifest["created_at"], "warnings": warnings}
