"""The Word handout of a training collection."""

import io

from docx import Document
from docx.enum.text import WD_BREAK
from docx.oxml.ns import qn
from docx.shared import Pt

from portal.addresses import public_url

from ..blocks import html_paragraphs

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
BODY_FONT, HEADING_FONT = "宋体", "黑体"


def _set_font(style, name, size=None):
    style.font.name = name
    # Word and WPS pick the font for Chinese characters from the East Asian slot.
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)
    if size:
        style.font.size = Pt(size)


def _new_document():
    document = Document()
    _set_font(document.styles["Normal"], BODY_FONT, 11)
    for level, size in ((0, 20), (1, 16), (2, 14), (3, 12)):
        _set_font(document.styles["Title" if level == 0 else f"Heading {level}"], HEADING_FONT, size)
    return document


def build_handout(collection, entries, request):
    """The collection as .docx bytes: headings in Word heading styles, figures as tables."""
    document = _new_document()
    document.add_heading(collection.title, level=0)
    for label, value in (("培训对象", collection.audience), ("培训时间", collection.session_dates)):
        if value:
            document.add_paragraph(f"{label}：{value}")
    if collection.goals:
        document.add_heading("学习目标", level=1)
        for goal in collection.goals:
            document.add_paragraph(goal, style="List Bullet")
    for text in html_paragraphs(collection.introduction):
        document.add_paragraph(text)
    document.add_heading("目录", level=1)
    for number, (case, _, _) in enumerate(entries, 1):
        document.add_paragraph(f"{number}. {case.title}")

    for number, (case, notes, questions) in enumerate(entries, 1):
        document.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)
        document.add_heading(f"{number}. {case.title}", level=1)
        facts = [
            case.model_name and f"模式名称：{case.model_name}",
            case.place and f"地区：{case.place}",
            case.years and f"年份：{case.years}",
            f"在线阅读：{public_url(request, case.url)}",
        ]
        document.add_paragraph("　".join(fact for fact in facts if fact))
        if not case.source_complete:
            document.add_paragraph("原文不完整：所据原文在中途截断。")
        document.add_heading("摘要", level=2)
        document.add_paragraph(case.summary)
        figures = list(case.key_figures.all())
        if figures:
            document.add_heading("关键数据", level=2)
            table = document.add_table(rows=1, cols=3)
            table.style = "Table Grid"
            for cell, text in zip(table.rows[0].cells, ("指标", "数值", "说明")):
                cell.text = text
            for figure in figures:
                cells = table.add_row().cells
                cells[0].text, cells[1].text = figure.label, f"{figure.value}{figure.unit}"
                cells[2].text = "，".join(
                    str(part) for part in (figure.year and f"{figure.year}年", figure.note) if part
                )
        for block in case.body:
            if block.block_type == "section":
                document.add_heading(block.value["heading"], level=2)
                for text in html_paragraphs(block.value["text"].source):
                    document.add_paragraph(text)
            elif block.block_type == "quote":
                document.add_paragraph(f"“{block.value['text']}”——{block.value['attribution']}", style="Quote")
        if notes:
            document.add_heading("讲解要点", level=2)
            document.add_paragraph(notes)
        if questions:
            document.add_heading("讨论题", level=2)
            for question in questions:
                document.add_paragraph(question, style="List Number")
        source = "，".join(
            part for part in (case.source_title, case.source_author, case.source_publisher, case.source_date) if part
        )
        document.add_paragraph(f"来源：{source}")

    if collection.questions:
        document.add_heading("综合讨论题", level=1)
        for question in collection.questions:
            document.add_paragraph(question, style="List Number")
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()
