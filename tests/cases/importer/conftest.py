"""Seed sources and variants made from them: re-encoded, noisy, Word HTML, .docx."""

import io
import re
import zipfile
from xml.sax.saxutils import escape

import opencc
import pytest
import yaml
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from docx import Document as WordDocument

from search.text import strip_pinyin_notes

SEEDS = {
    "000_ca0f3fd031b617fc.txt": ["wuchang-1-3"],
    "001_0e4442402929a715.txt": ["zhucheng-chengxiang-lianjian"],
    "002_54f27022be32c9ac.txt": ["sunan-nongcun-shequ"],
    "003_8a00942d0ea9f248.txt": ["shangnan-gongjian-gongfu"],
    "004_4d9ba10b11190ad5.txt": ["xingshan-lianghui-liangping", "wengyuan-dangyuan-chuangye"],
}
# Noise of every kind the issue lists, one line each, as sites print it.
NOISE_LINES = [
    "当前位置：首页 > 党建工作 > 正文",
    "首页 > 基层党建",
    "下载此文档",
    "举报",
    "分享到：",
    "【打印正文】",
    "浏览:219次",
    "第1页",
    "1/3",
    "已阅读5页",
    "发布时间：2018-11-12 09:30",
    "来源:中国党建网",
    "版权所有 © 2008-2022 某某网 京ICP备12345678号",
    "推荐阅读",
    "上一篇：某某村党建工作总结",
    "下一篇：某某镇党建工作经验",
    "订购热线：13105357576",
    "图为村党支部书记走访群众",
    "关键词：党建 农村 合作社 模式 经验",
    "分享到：微信 微博 QQ空间",
    "【打印本页】【关闭窗口】",
    "阅读：1,024",
    "责任编辑：张三",
    "（记者 李四 摄）",
    "扫一扫在手机打开当前页",
    "本站所有文章未经授权禁止转载",
    "党建 基层党建 农村党建 组织建设 党员教育",
]


def seed_text(name):
    return (settings.SEEDS_DIR / name).read_text(encoding="utf-8")


def fixture(slug):
    return yaml.safe_load((settings.FIXTURES_DIR / "cases" / f"{slug}.yaml").read_text(encoding="utf-8"))


def as_big5(text):
    """Traditional (Taiwan) characters in Big5; pinyin notes cannot be written in Big5."""
    traditional = opencc.OpenCC("s2tw").convert(strip_pinyin_notes(text)).replace("\xa0", " ")
    return traditional.encode("big5", errors="replace")


def with_noise(text):
    """The noise lines spread over the text, between its paragraphs."""
    lines = text.split("\n")
    step = max(1, len(lines) // len(NOISE_LINES))
    for number, noise in enumerate(NOISE_LINES):
        lines.insert(min(len(lines), number * step + number), noise)
    return "\n".join(lines)


def hard_wrapped(text, width=40):
    """The text re-typed with a line break every `width` characters, the page around it (its
    footer's long notices) as it was; without pinyin notes, which such a site does not add."""
    lines = []
    for line in strip_pinyin_notes(text).split("\n"):
        content = line.strip()
        if len(content) > width * 1.5 and not re.search("下载|下載|本站|侵权|侵權", content):
            lines += [content[i : i + width] for i in range(0, len(content), width)]
        else:
            lines.append(line)
    return "\n".join(lines)


def as_word_html(text):
    """Word's "Save as web page": MsoNormal paragraphs, a <span> per fragment, mso comments."""
    paragraphs = []

    def escaped(fragment):
        return fragment.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    for line in text.split("\n"):
        spans = (
            "".join(
                f"<span lang=ZH-CN style='font-family:宋体'>{escaped(line[i : i + 7])}</span>"
                for i in range(0, len(line), 7)
            )
            or "<o:p>&nbsp;</o:p>"
        )
        paragraphs.append(f"<p class=MsoNormal>{spans}</p>")
    return (
        "<html xmlns:o='urn:schemas-microsoft-com:office:office'><head><meta charset=utf-8>"
        "<!--[if gte mso 9]><xml><w:WordDocument></w:WordDocument></xml><![endif]-->"
        "<style>p.MsoNormal{margin:0}</style></head><body lang=ZH-CN><div class=WordSection1>"
        + "\n".join(paragraphs)
        + "</div></body></html>"
    )


def as_docx(text):
    word = WordDocument()
    for line in text.split("\n"):
        word.add_paragraph(line)
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


def fixture_lines(slug):
    """A seed case's fixture as the lines of a printed report: its source title, then each
    section's heading and paragraphs."""
    case = fixture(slug)
    lines = [case["source"]["title"]]
    for block in case["body"]:
        if block["type"] == "section":
            lines += [block["heading"], *block["paragraphs"]]
    return lines


def as_ofd(lines, head, width=28, lines_per_page=36):
    """An OFD file (GB/T 33190) as an office system writes a report: A4 pages of lines `width`
    characters wide, a paragraph's first line indented two characters, one text object a line,
    a running head and a page number on every page."""
    size, left, top = 5.0, 31.7, 30.0
    rows = []
    for line in lines:
        first = True
        while line or first:
            indent = 2 if first else 0
            rows.append((indent, line[: width - indent]))
            line, first = line[width - indent :], False
    pages = [rows[at : at + lines_per_page] for at in range(0, len(rows), lines_per_page)]
    ns = 'xmlns:ofd="http://www.ofdspec.org/2016"'
    unit = iter(range(10, 10**6))

    def text_object(x, y, text, font_size=size):
        width_mm = font_size * len(text)
        deltas = " ".join([str(font_size)] * (len(text) - 1))
        return (
            f'<ofd:TextObject ID="{next(unit)}" Boundary="{x} {y} {width_mm} {font_size + 2}" Font="3" '
            f'Size="{font_size}"><ofd:TextCode X="0" Y="{font_size}" DeltaX="{deltas}">{escape(text)}'
            "</ofd:TextCode></ofd:TextObject>"
        )

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "OFD.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD {ns} Version="1.0" DocType="OFD"><ofd:DocBody>'
            "<ofd:DocInfo><ofd:DocID>0</ofd:DocID></ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot>"
            "</ofd:DocBody></ofd:OFD>",
        )
        archive.writestr(
            "Doc_0/PublicRes.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><ofd:Res {ns} BaseLoc="Res"><ofd:Fonts>'
            '<ofd:Font FontName="宋体" FamilyName="宋体" ID="3"/></ofd:Fonts></ofd:Res>',
        )
        listed = "".join(
            f'<ofd:Page ID="{number + 1}" BaseLoc="Pages/Page_{number}/Content.xml"/>' for number in range(len(pages))
        )
        archive.writestr(
            "Doc_0/Document.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document {ns}><ofd:CommonData><ofd:PageArea>'
            "<ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea><ofd:PublicRes>PublicRes.xml</ofd:PublicRes>"
            f"<ofd:MaxUnitID>1000000</ofd:MaxUnitID></ofd:CommonData><ofd:Pages>{listed}</ofd:Pages></ofd:Document>",
        )
        for number, page in enumerate(pages):
            objects = [text_object(80, 12, head, 4.0)]
            objects += [
                text_object(left + indent * size, top + at * (size + 2), text) for at, (indent, text) in enumerate(page)
            ]
            objects.append(text_object(100, 280, f"— {number + 1} —", 4.0))
            archive.writestr(
                f"Doc_0/Pages/Page_{number}/Content.xml",
                f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page {ns}><ofd:Content><ofd:Layer ID="2">'
                + "".join(objects)
                + "</ofd:Layer></ofd:Content></ofd:Page>",
            )
    return buffer.getvalue()


@pytest.fixture
def editor(db):
    """A user of the editors' group (编辑), who may import cases."""
    user = get_user_model().objects.create_user("bianji-import", password="x")
    user.groups.add(Group.objects.get(name="编辑"))
    return user
