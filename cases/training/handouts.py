"""The Word handout of a training collection: A4 with 2.5 cm margins as Chinese official
documents are laid out, the collection's title in the header, page numbers in the footer."""

import io

from django.conf import settings
from django.utils import timezone
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from portal.addresses import readable_url

from ..blocks import html_paragraphs

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
BODY_FONT, HEADING_FONT = "宋体", "黑体"


def _set_font(style, name, size=None):
    style.font.name = name
    # Word and WPS pick the font for Chinese characters from the East Asian slot.
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)
    if size:
        style.font.size = Pt(size)


def _new_document(collection):
    document = Document()
    _set_font(document.styles["Normal"], BODY_FONT, 11)
    for level, size in ((0, 20), (1, 16), (2, 14), (3, 12)):
        style = document.styles["Title" if level == 0 else f"Heading {level}"]
        _set_font(style, HEADING_FONT, size)
        style.font.color.rgb = RGBColor(0, 0, 0)  # the template's blue headings are not 公文 style
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin = section.bottom_margin = section.left_margin = section.right_margin = Cm(2.5)
    header = section.header.paragraphs[0]
    header.text, header.alignment = collection.title, WD_ALIGN_PARAGRAPH.CENTER
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("第 ")
    _add_field(footer.add_run(), "PAGE")
    footer.add_run(" 页")
    properties = document.core_properties
    properties.title, properties.subject = collection.title, "培训讲义"
    properties.author = properties.last_modified_by = settings.WAGTAIL_SITE_NAME
    properties.language = "zh-CN"
    properties.created = collection.first_published_at or timezone.now()
    properties.modified = timezone.now()
    properties.revision = 1
    return document


# python-docx has no API for fields or restarted numbering: the two helpers below write the XML
# through its element objects (run._r, paragraph._p), checked by tests/cases/test_training.py.
def _add_field(run, instruction):
    """A Word field (PAGE, NUMPAGES …) in `run`, filled in by Word or WPS when shown."""
    for kind, text in (("begin", None), (None, instruction), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = f" {text} "
        run._r.append(element)


def _numbered_list(document):
    """A fresh numbering of the List Number style, starting again at 1; returns a function adding
    an item to it. Word continues one numbering through the whole document otherwise."""
    style_num = document.styles["List Number"].element.pPr.numPr.numId.val
    numbering = document.part.numbering_part.element
    abstract = numbering.num_having_numId(style_num).abstractNumId.val
    num = numbering.add_num(abstract)
    num.add_lvlOverride(ilvl=0).add_startOverride(1)

    def add(text):
        paragraph = document.add_paragraph(text, style="List Number")
        number = paragraph._p.get_or_add_pPr().get_or_add_numPr()
        number.get_or_add_ilvl().val = 0
        number.get_or_add_numId().val = num.numId
        return paragraph

    return add


def build_handout(collection, entries, request):
    """The collection as .docx bytes: headings in Word heading styles, figures as tables."""
    document = _new_document(collection)
    document.add_heading(collection.title, level=0)
    for label, value in (("培训对象", collection.audience), ("培训时间", collection.session_dates)):
        if value:
            document.add_paragraph(f"{label}：{value}")
    document.add_paragraph(f"在线阅读本专题：{readable_url(request, collection.url)}")
    if collection.goals:
        document.add_heading("学习目标", level=1)
        for goal in collection.goals:
            document.add_paragraph(goal, style="List Bullet")
    for text in html_paragraphs(collection.introduction):
        document.add_paragraph(text)
    document.add_heading("目录", level=1)
    for number, (case, _, _) in enumerate(entries, 1):
        document.add_paragraph(f"{number}. {case.title}")
    if not entries:
        document.add_paragraph(collection.NO_CASES)

    for number, (case, notes, questions) in enumerate(entries, 1):
        document.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)
        document.add_heading(f"{number}. {case.title}", level=1)
        facts = [
            case.model_name and f"模式名称：{case.model_name}",
            case.place and f"地区：{case.place}",
            case.years and f"年份：{case.years}",
            f"在线阅读：{readable_url(request, case.url)}",
        ]
        document.add_paragraph("　".join(fact for fact in facts if fact))
        if not case.source_complete:
            document.add_paragraph("原文不完整：所据原文在中途截断。")
        # The trainer's notes before the case's text, which runs to pages: read first, then the case.
        if notes:
            document.add_heading("讲解要点", level=2)
            document.add_paragraph(notes)
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
        if questions:
            document.add_heading("讨论题", level=2)
            add_question = _numbered_list(document)
            for question in questions:
                add_question(question)
        source = "，".join(
            part for part in (case.source_title, case.source_author, case.source_publisher, case.source_date) if part
        )
        document.add_paragraph(f"来源：{source}")

    if collection.questions:
        document.add_heading("综合讨论题", level=1)
        add_question = _numbered_list(document)
        for question in collection.questions:
            add_question(question)
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()
