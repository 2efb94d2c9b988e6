"""Print a seed case's fixture as an editor receives it: an A4 PDF with a running head and page
numbers (Chromium's print, so the text layer is the one real PDFs have). Regenerate with
`.venv/bin/python tests/cases/importer/documents/make_printed.py`; the PDF is committed so that
`make test` needs no browser."""

import html
from pathlib import Path

import yaml
from playwright.sync_api import sync_playwright

HERE = Path(__file__).parent
FIXTURES = HERE.parents[3] / "fixtures" / "cases"
RUNNING_HEAD = "全国基层党建创新典型案例"


def page_html(case):
    parts = [f"<h1>{html.escape(case['source']['title'])}</h1>"]
    for section in case["body"]:
        if section["type"] == "quote":
            parts.append(f"<p>{html.escape(section['text'])}</p>")
            continue
        parts.append(f"<h2>{html.escape(section['heading'])}</h2>")
        parts += [f"<p>{html.escape(paragraph)}</p>" for paragraph in section["paragraphs"]]
    style = (
        "body{font:12pt 'WenQuanYi Micro Hei',sans-serif;line-height:1.7}"
        "h1{font-size:18pt;text-align:center}h2{font-size:14pt}p{text-indent:2em;margin:0 0 .4em}"
    )
    return f"<!doctype html><html lang=zh><meta charset=utf-8><style>{style}</style><body>{''.join(parts)}"


def main():
    case = yaml.safe_load((FIXTURES / "xingshan-lianghui-liangping.yaml").read_text(encoding="utf-8"))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
        page = browser.new_page()
        page.set_content(page_html(case))
        page.pdf(
            path=str(HERE / "19_xingshan_printed.pdf"),
            format="A4",
            margin={"top": "25mm", "bottom": "25mm", "left": "22mm", "right": "22mm"},
            display_header_footer=True,
            header_template=f"<div style='font-size:9pt;width:100%;text-align:center'>{RUNNING_HEAD}</div>",
            footer_template=(
                "<div style='font-size:9pt;width:100%;text-align:center'>— <span class=pageNumber></span> —</div>"
            ),
        )
        browser.close()


if __name__ == "__main__":
    main()
