"""Several documents at once (files, or a .zip of them): one draft set per document, each
written or refused on its own, and a summary of what became of each."""

import io
import posixpath
import time
import zipfile
from dataclasses import dataclass

from django.conf import settings

from . import DocumentError
from .create import import_documents
from .decode import MAX_BYTES, MAX_UNPACKED_BYTES, UNREADABLE, read_bytes, too_big

# Documents per run: each is read, cleaned and compared with every case before the next.
MAX_DOCUMENTS = 20
_SKIPPED = ("__MACOSX/", ".DS_Store", "Thumbs.db", "desktop.ini")


@dataclass
class Outcome:
    """What became of one document of a run: its drafts, or why it was refused."""

    name: str
    result: object = None  # create.ImportedDocument
    error: str = ""
    copy_of: object = None  # the case it repeats word for word, when that is why it was refused

    @property
    def refused(self):
        return bool(self.error)

    @property
    def repeats(self):
        return [case for draft in (self.result.drafts if self.result else []) for case in draft.repeats]

    @property
    def status(self):
        if self.refused:
            return "未导入"
        done = "已创建" if self.result.pages else "可导入（试运行）"
        return f"{done}，可能重复" if self.repeats else done


def _member_name(info):
    """A member's name as its author wrote it: Chinese Windows writes GBK names without the
    zip's UTF-8 flag, which Python then reads as code page 437."""
    if info.flag_bits & 0x800:
        return info.filename
    raw = info.filename.encode("cp437", errors="replace")
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return info.filename


def unpacked(name, data):
    """(name, bytes) of each document in a .zip, within the size and count limits."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = [
            info
            for info in archive.infolist()
            if not info.is_dir() and not any(part in info.filename for part in _SKIPPED)
        ]
    except UNREADABLE as error:
        raise DocumentError(f"“{name}”不是有效的 .zip 压缩包（文件不完整或已损坏）。") from error
    if not members:
        raise DocumentError(f"压缩包“{name}”中没有文件。")
    if len(members) > MAX_DOCUMENTS:
        raise DocumentError(f"压缩包“{name}”中有 {len(members)} 个文件，一次最多导入 {MAX_DOCUMENTS} 个，请分批导入。")
    if sum(info.file_size for info in members) > MAX_UNPACKED_BYTES:
        raise DocumentError(f"压缩包“{name}”解压后超过 {MAX_UNPACKED_BYTES // settings.MEGABYTE} MB，已拒绝导入。")
    files = []
    for info in members:
        member = posixpath.basename(_member_name(info))
        if info.file_size > MAX_BYTES:
            files.append((member, too_big(member)))
            continue
        try:
            files.append((member, archive.read(info)))
        except UNREADABLE:
            files.append((member, DocumentError(f"压缩包“{name}”中的“{member}”已损坏或已加密，无法解压。")))
    return files


def expanded(files):
    """The run's documents: the files given, a .zip standing for the documents inside it."""
    documents = []
    for name, data in files:
        if name.lower().endswith(".zip"):
            try:
                documents += unpacked(name, data)
            except DocumentError as error:
                documents.append((name, error))
        else:
            documents.append((name, data))
    if len(documents) > MAX_DOCUMENTS:
        raise DocumentError(f"一次最多导入 {MAX_DOCUMENTS} 个文件（这次有 {len(documents)} 个），请分批导入。")
    return documents


def import_files(files, parent=None, user=None, dry_run=False, seconds=None):
    """Import each of `files` ((name, bytes | DocumentError) pairs) on its own: a document is
    written whole or not at all, and one refused leaves the others be. With `seconds`, no
    document is started after that many: those left are listed as not done."""
    outcomes = []
    stop = time.monotonic() + seconds if seconds else None
    for name, data in expanded(files):
        if stop and time.monotonic() > stop:
            outcomes.append(Outcome(name, error=f"本次导入已用时 {seconds} 秒，“{name}”未处理：请单独重新上传。"))
            continue
        try:
            if isinstance(data, DocumentError):
                raise data
            [result] = import_documents([read_bytes(name, data)], parent=parent, user=user, dry_run=dry_run)
        except DocumentError as error:
            outcomes.append(Outcome(name, error=str(error), copy_of=error.case))
        else:
            outcomes.append(Outcome(name, result=result))
    return outcomes
