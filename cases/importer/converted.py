"""PDF and old Word files: their text is extracted by another program in a child process, under
a time and memory limit, so that a hostile or broken file costs at most that and never the
server's worker."""

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from . import DocumentError

# A case report is a few pages, a bulletin of cases a few dozen; a book is not imported.
MAX_PDF_PAGES = 200
SECONDS = 30
MEMORY_BYTES = 1024 * 1024 * 1024
# A page with fewer characters than this and an image on it is a scanned page.
_SCANNED_PAGE_CHARS = 10
_PDF_WORKER = Path(__file__).with_name("pdf_worker.py")


def _run(name, command, data=None):
    """stdout of `command` run with the limits; DocumentError if it overruns or fails."""
    # prlimit (util-linux) rather than a preexec_fn, which is unsafe in a threaded server.
    limited = ["prlimit", f"--as={MEMORY_BYTES}", f"--cpu={SECONDS}", "--", *command]
    try:
        finished = subprocess.run(limited, input=data, capture_output=True, timeout=SECONDS, check=False)
    except subprocess.TimeoutExpired as error:
        raise DocumentError(f"“{name}”读取超过 {SECONDS} 秒仍未完成（文件可能已损坏），已放弃。") from error
    except OSError as error:
        raise DocumentError(f"“{name}”无法读取：服务器上的转换程序不可用（{error.strerror}）。") from error
    return finished


def pdf_pages(name, data):
    """(texts of the pages that have text, numbers of the pages that are scans)."""
    finished = _run(name, [sys.executable, "-I", str(_PDF_WORKER), str(MAX_PDF_PAGES)], data)
    try:
        answer = json.loads(finished.stdout)
    except ValueError:
        answer = {"error": "damaged"}
    error = answer.get("error")
    if error == "encrypted":
        raise DocumentError(f"“{name}”是加密的 PDF，需要密码才能打开：请另存为未加密的 PDF 后再导入。")
    if error == "too_many_pages":
        raise DocumentError(
            f"“{name}”有 {answer['pages']} 页，超过 {MAX_PDF_PAGES} 页：请只导入案例所在的页（可另存为新的 PDF）。"
        )
    if error or "pages" not in answer:
        raise DocumentError(f"“{name}”不是有效的 PDF 文件（文件不完整、已损坏或无法解析）。")
    texts, scans = [], []
    for number, page in enumerate(answer["pages"], start=1):
        readable = "".join(page["text"].split())
        if len(readable) >= _SCANNED_PAGE_CHARS:
            texts.append(page["text"])
        elif page["images"]:
            scans.append(number)
    if not texts and scans:
        raise DocumentError(
            f"“{name}”是扫描件（页面是图片，没有文字层）：请先用 OCR 文字识别转成文字（如 WPS、"
            "微信或扫描软件的“提取文字”），再导入识别出的文字。"
        )
    return texts, scans


def old_word_text(name, data):
    """The text of a Word 97–2003 (.doc) or old WPS (.wps) file, by Debian's antiword, else
    catdoc: antiword gives the fuller text but refuses some files WPS Office writes."""
    antiword, catdoc = shutil.which("antiword"), shutil.which("catdoc")
    if antiword is None and catdoc is None:
        raise DocumentError(
            f"“{name}”是旧版 Word/WPS 文件，服务器未安装读取它的 antiword 或 catdoc：请在 Word 或 WPS 中"
            "另存为 .docx 后再导入（管理员可运行 make install 安装）。"
        )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "document.doc"
        # antiword takes a path, and only files of whole 512-byte sectors (WPS writes others).
        path.write_bytes(data + b"\0" * (-len(data) % 512))
        commands = []
        if antiword:
            commands.append([antiword, "-w", "0", "-m", "UTF-8.txt", str(path)])
        if catdoc:
            commands.append([catdoc, "-d", "utf-8", "-w", str(path)])
        for command in commands:
            finished = _run(name, command)
            text = finished.stdout.decode("utf-8", errors="replace")
            if finished.returncode == 0 and text.strip():
                return text
    raise DocumentError(
        f"“{name}”无法作为旧版 Word/WPS 文档读取（文件已损坏、已加密或格式不同）：请在 Word 或 WPS 中"
        "另存为 .docx 后再导入。"
    )
