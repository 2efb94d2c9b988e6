"""The text layer of a PDF, read in a child process (`python -I pdf_worker.py < file.pdf`).

A PDF is a program of sorts: a hostile one can make a parser loop or allocate without end, so
the importer runs this script under a time and memory limit (see converted.py) and reads its
JSON answer: {"pages": [{"text": …, "images": n}, …]} or {"error": "encrypted" |
"unknown_encryption" | "damaged" | "overrun" | "too_many_pages", "pages": n}. It imports nothing of the project or Django.
"""

import io
import json
import sys

import pypdf
from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError


def pages_of(data, max_pages):
    reader = pypdf.PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        # Many PDFs are "encrypted" only against editing, with an empty password to open them.
        try:
            if not reader.decrypt(""):
                return {"error": "encrypted"}
        except FileNotDecryptedError:
            return {"error": "encrypted"}
        except (DependencyError, NotImplementedError):
            return {"error": "unknown_encryption"}
    count = len(reader.pages)
    if count > max_pages:
        return {"error": "too_many_pages", "pages": count}
    pages = []
    for page in reader.pages:
        try:
            images = len(page.images)
        except Exception:  # noqa: BLE001 - a page whose images cannot be listed still has its text
            images = 0
        # layout mode keeps what tells paragraphs apart: first-line indents and the gaps between them
        pages.append({"text": page.extract_text(extraction_mode="layout") or "", "images": images})
    return {"pages": pages}


def main():
    max_pages = int(sys.argv[1])
    data = sys.stdin.buffer.read()
    try:
        answer = pages_of(data, max_pages)
    except FileNotDecryptedError:
        answer = {"error": "encrypted"}
    except MemoryError:
        answer = {"error": "overrun"}
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError, OSError):
        answer = {"error": "damaged"}
    # ASCII escapes: a lone surrogate a broken font map gives is escaped, not an encoding error
    json.dump(answer, sys.stdout)


if __name__ == "__main__":
    main()
