"""The text of an OFD file, read by easyofd in a child process (`python -I ofd_worker.py < file.ofd`).

Run by converted.py in a temporary folder under a time and memory limit: easyofd unpacks the
archive into its working directory and prints as it goes. The answer is JSON on the last line:
{"pages": [{"lines": […], "images": n}, …]} or {"error": "missing" | "damaged" | "overrun" |
"too_many_pages" | "unsafe_folder"}. Each line is
the text objects of one baseline, left to right; a line that starts to the right of the page's
usual left edge starts with two ideographic spaces, as a first-line indent reads in a PDF. It
imports nothing of the project or Django.
"""

import base64
import contextlib
import io
import json
import logging
import os
import sys
import warnings
from collections import Counter

# Objects whose baselines differ by less than this share of their height are on one line.
_SAME_LINE = 0.5
# An indent is at least this share of a character's width in from the usual left edge.
_INDENT = 0.8


def _lines(texts):
    placed = []
    for item in texts:
        text, pos = item.get("text") or "", item.get("pos") or []
        if text.strip() and len(pos) == 4:
            x, y, _, height = (float(value) for value in pos)
            placed.append((y, x, max(height, 0.1), text))
    placed.sort()
    rows = []
    for y, x, height, text in placed:
        if rows and abs(rows[-1][0] - y) < height * _SAME_LINE:
            rows[-1][2].append((x, text))
        else:
            rows.append([y, height, [(x, text)]])
    if not rows:
        return []
    starts = [min(x for x, _ in row[2]) for row in rows]
    left = Counter(round(start) for start in starts).most_common(1)[0][0]
    lines = []
    for (_, height, row), start in zip(rows, starts):
        text = "".join(text for _, text in sorted(row))
        lines.append(("\u3000\u3000" if start - left > height * _INDENT else "") + text)
    return lines


def pages_of(data, max_pages):
    try:
        from easyofd.parser_ofd import OFDParser
    except ImportError:
        return {"error": "missing"}
    documents = OFDParser(base64.b64encode(data).decode("ascii"))()
    listed = [page for document in documents for page in document.get("page_info", {}).items()]
    if len(listed) > max_pages:
        return {"error": "too_many_pages", "pages": len(listed)}
    pages = []
    for document in documents:
        for _, page in sorted(document.get("page_info", {}).items(), key=lambda item: int(item[0])):
            pages.append({"lines": _lines(page.get("text_list", [])), "images": len(page.get("img_list", []))})
    return {"pages": pages}


def main():
    max_pages = int(sys.argv[1])
    # easyofd unpacks beside its copy of the file, in a folder named by cutting the copy's path
    # at its first dot: in a working folder whose path has one, that is some other folder, which
    # it then removes.
    if "." in os.getcwd():
        print(json.dumps({"error": "unsafe_folder"}))
        return
    data = sys.stdin.buffer.read()
    warnings.simplefilter("ignore")
    logging.disable(logging.CRITICAL)
    try:
        from loguru import logger

        logger.remove()
    except ImportError:
        pass
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            answer = pages_of(data, max_pages)
    except MemoryError:
        answer = {"error": "overrun"}
    except Exception:  # noqa: BLE001 - any failure of the reader on a file is that file being unreadable
        answer = {"error": "damaged"}
    print(json.dumps(answer))


if __name__ == "__main__":
    main()
