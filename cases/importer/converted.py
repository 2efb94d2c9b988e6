"""PDF, OFD and old Word files: their text is extracted by another program in a child process, under
a time, memory and output limit, with nothing of the server's environment, so that a hostile or
broken file costs at most that and never the server's worker."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import DocumentError

# A case report is a few pages, a bulletin of cases a few dozen; a book is not imported.
MAX_PAGES = 200
# One document's conversions together (a .doc may take two converters): with the batch's own
# start limit (batch.py) a run stays inside the server's 60 s request timeout.
SECONDS = 20
MEMORY_BYTES = 1024 * 1024 * 1024
# Text a converter may write: far more than a case (decode.MAX_CHARS), far less than a worker holds.
MAX_OUTPUT_BYTES = 16 * 1024 * 1024
# A page with fewer characters than this and an image on it is a scanned page.
_SCANNED_PAGE_CHARS = 10
_PDF_WORKER = Path(__file__).with_name("pdf_worker.py")
_OFD_WORKER = Path(__file__).with_name("ofd_worker.py")
# What the converters need of an environment: no secrets of the server's.
_ENVIRONMENT = {"PATH": os.defpath, "LANG": "C.UTF-8", "HOME": tempfile.gettempdir()}


class _Overrun(Exception):
    """A converter stopped by its time, memory or output limit."""


def _run(name, command, folder, data=None, deadline=None):
    """(exit status, output) of `command` run under the limits, reading `data` as its input;
    _Overrun past the time or output limit, DocumentError if it cannot run."""
    seconds = max(1, round((deadline or time.monotonic() + SECONDS) - time.monotonic()))
    # prlimit (util-linux) rather than a preexec_fn, which is unsafe in a threaded server; the
    # output goes to a file, whose size --fsize bounds (a pipe's it cannot).
    limited = [
        "prlimit",
        f"--as={MEMORY_BYTES}",
        f"--cpu={seconds}",
        f"--fsize={MAX_OUTPUT_BYTES}",
        "--",
        *command,
    ]
    source = Path(folder) / "input"
    source.write_bytes(data or b"")
    output = Path(folder) / "output"
    try:
        with source.open("rb") as stdin, output.open("wb") as stdout:
            finished = subprocess.run(
                limited,
                stdin=stdin,
                stdout=stdout,
                stderr=subprocess.DEVNULL,
                env=_ENVIRONMENT,
                cwd=folder,  # what a converter unpacks stays in the folder, removed after it
                timeout=seconds,
            )
    except subprocess.TimeoutExpired as error:
        raise _Overrun from error
    except OSError as error:
        raise DocumentError(f"“{name}”无法读取：服务器上缺少读取这类文件的程序，请联系管理员。") from error
    if finished.returncode < 0 or output.stat().st_size >= MAX_OUTPUT_BYTES:
        raise _Overrun  # killed by a signal: the CPU, memory or file size limit
    return finished.returncode, output.read_bytes()


def _overrun(name):
    return DocumentError(
        f"“{name}”读取时超出了时间或内存限制（{SECONDS} 秒、{MEMORY_BYTES // 1024 // 1024} MB），已放弃："
        "文件可能已损坏或过于复杂，请另存为 .docx 或文本后再导入。"
    )


def _worker_answer(name, worker, data):
    """The JSON answer of a reader script run in a child process on `data` (its last line of
    output), {"error": "damaged"} for none; DocumentError when it overran its limits."""
    with tempfile.TemporaryDirectory() as folder:
        try:
            status, output = _run(name, [sys.executable, "-I", str(worker), str(MAX_PAGES)], folder, data)
        except _Overrun as error:
            raise _overrun(name) from error
    try:
        answer = json.loads(output.decode("utf-8").strip().splitlines()[-1]) if status == 0 else {"error": "damaged"}
    except (ValueError, IndexError):
        answer = {"error": "damaged"}
    if answer.get("error") == "overrun":
        raise _overrun(name)
    return answer


def pdf_pages(name, data):
    """(texts of the pages that have text, numbers of the pages that are scans)."""
    answer = _worker_answer(name, _PDF_WORKER, data)
    error = answer.get("error")
    if error == "encrypted":
        raise DocumentError(f"“{name}”是加密的 PDF，需要密码才能打开：请另存为未加密的 PDF 后再导入。")
    if error == "unknown_encryption":
        raise DocumentError(f"“{name}”使用了无法读取的加密方式：请另存为未加密的 PDF 后再导入。")
    if error == "too_many_pages":
        raise DocumentError(
            f"“{name}”有 {answer['pages']} 页，超过 {MAX_PAGES} 页：请只导入案例所在的页（可另存为新的 PDF）。"
        )
    if error or "pages" not in answer:
        raise DocumentError(f"“{name}”不是有效的 PDF 文件（文件不完整、已损坏或无法解析）。")
    return _texts_and_scans(name, [(page["text"], page["images"]) for page in answer["pages"]])


def ofd_pages(name, data):
    """(texts of the pages of an OFD file that have text, numbers of the pages that are scans),
    read by easyofd; the archive's sizes are checked before (decode)."""
    answer = _worker_answer(name, _OFD_WORKER, data)
    if answer.get("error") == "missing":
        raise DocumentError(
            f"“{name}”是 OFD 版式文件，服务器未安装读取它的 easyofd：请用 OFD 阅读器（如数科阅读器）导出为 PDF "
            "或文字后再导入（管理员可运行 make install 安装）。"
        )
    if answer.get("error") == "unsafe_folder":
        raise DocumentError(
            f"“{name}”是 OFD 版式文件：服务器的临时文件夹路径含“.”，读取程序无法在其中安全运行，请联系管理员"
            "（设置不含“.”的 TMPDIR）。"
        )
    if answer.get("error") == "too_many_pages":
        raise DocumentError(f"“{name}”有 {answer['pages']} 页，超过 {MAX_PAGES} 页：请只导入案例所在的页。")
    if "pages" not in answer:
        raise DocumentError(
            f"“{name}”无法作为 OFD 文件读取（文件已损坏，或使用了读取程序不支持的写法）：请用 OFD 阅读器"
            "（如数科阅读器）导出为 PDF 或文字后再导入。"
        )
    return _texts_and_scans(name, [("\n".join(page["lines"]), page["images"]) for page in answer["pages"]])


def _texts_and_scans(name, pages):
    """(texts of the pages that have text, numbers of the pages that are scans) of (text, images)
    pages; DocumentError when every page is a scan."""
    texts, scans = [], []
    for number, (text, images) in enumerate(pages, start=1):
        if len("".join(text.split())) >= _SCANNED_PAGE_CHARS:
            texts.append(text)
        elif images:
            scans.append(number)
    if not texts and scans:
        raise DocumentError(
            f"“{name}”是扫描件（页面是图片，没有文字层）：请先用 OCR 文字识别转成文字（如 WPS、"
            "微信或扫描软件的“提取文字”），再导入识别出的文字。"
        )
    return texts, scans


def old_word_text(name, data):
    """The text of a Word 97–2003 (.doc) or old WPS (.wps) file, by Debian's antiword, else
    catdoc: antiword gives the fuller text but refuses some files WPS Office writes. Both share
    one time limit."""
    antiword, catdoc = shutil.which("antiword"), shutil.which("catdoc")
    if antiword is None and catdoc is None:
        raise DocumentError(
            f"“{name}”是旧版 Word/WPS 文件，服务器未安装读取它的 antiword 或 catdoc：请在 Word 或 WPS 中"
            "另存为 .docx 后再导入（管理员可运行 make install 安装）。"
        )
    deadline = time.monotonic() + SECONDS
    with tempfile.TemporaryDirectory() as folder:
        path = str(Path(folder) / "document.doc")
        # antiword takes a path, and only files of whole 512-byte sectors (WPS writes others)
        Path(path).write_bytes(data + b"\0" * (-len(data) % 512))
        commands = [[antiword, "-w", "0", "-m", "UTF-8.txt", path]] if antiword else []
        commands += [[catdoc, "-d", "utf-8", "-w", path]] if catdoc else []
        for command in commands:
            try:
                status, output = _run(name, command, folder, deadline=deadline)
            except _Overrun as error:
                raise _overrun(name) from error
            text = output.decode("utf-8", errors="replace")
            if status == 0 and text.strip():
                return text
    raise DocumentError(
        f"“{name}”无法作为旧版 Word/WPS 文档读取（文件已损坏、已加密或格式不同）：请在 Word 或 WPS 中"
        "另存为 .docx 后再导入。"
    )
