"""Save a seed case's fixture as an editor receives an old Word file: a Word 97–2003 .doc written
by LibreOffice from the fixture's source title, headings and paragraphs. Regenerate with
`.venv/bin/python tests/cases/importer/documents/make_word97.py` on a machine with LibreOffice
(`apt-get install libreoffice-writer-nogui`); the .doc is committed so that `make test` needs
only antiword or catdoc."""

import shutil
import subprocess
import tempfile
from pathlib import Path

import yaml
from docx import Document

HERE = Path(__file__).parent
FIXTURES = HERE.parents[3] / "fixtures" / "cases"
SLUG = "wengyuan-dangyuan-chuangye"


def main():
    case = yaml.safe_load((FIXTURES / f"{SLUG}.yaml").read_text(encoding="utf-8"))
    word = Document()
    word.add_heading(case["source"]["title"], level=1)
    for block in case["body"]:
        if block["type"] == "section":
            word.add_heading(block["heading"], level=2)
            for paragraph in block["paragraphs"]:
                word.add_paragraph(paragraph)
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "case.docx"
        word.save(source)
        subprocess.run(
            ["soffice", "--headless", "--convert-to", "doc:MS Word 97", "--outdir", folder, str(source)],
            check=True,
            capture_output=True,
        )
        shutil.copy(Path(folder) / "case.doc", HERE / "24_wengyuan_word97.doc")


if __name__ == "__main__":
    main()
