import html
import re

from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock

PARAGRAPH_END = re.compile(r"</p>|<br\s*/?>|</li>|</h[1-6]>")


# Rich text as Wagtail stores it (its own serialiser escapes < and > inside text and attributes):
# a pattern strips its tags ten times faster than Django's strip_tags, which every indexed case
# called three times a field.
TAG = re.compile(r"<[^>]*>")


# The markers of numbered points: 一、 (一) 一是 第一, 1. 1、
ENUMERATION = re.compile(
    r"^([一二三四五六七八九十]{1,3}[、.．]|[(（][一二三四五六七八九十\d]{1,3}[)）]|"
    r"[一二三四五六七八九十]{1,3}是|第[一二三四五六七八九十]{1,3}[,，、:：]|\d{1,2}[.、．](?!\d))"
)


def html_paragraphs(rich_text_html):
    """The plain-text paragraphs (and list items, lines) of a rich-text HTML fragment."""
    parts = (html.unescape(TAG.sub("", part)).strip() for part in PARAGRAPH_END.split(rich_text_html or ""))
    return [part for part in parts if part]


SECTION_KINDS = [
    ("背景", "背景"),
    ("做法", "主要做法"),
    ("成效", "成效"),
    ("启示", "启示"),
    ("其他", "其他"),
]


class SectionBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(choices=SECTION_KINDS, default="其他", label="类别")
    heading = blocks.CharBlock(max_length=200, label="标题")
    text = blocks.RichTextBlock(features=["bold", "italic", "ol", "ul", "link", "h3", "h4"], label="正文")

    class Meta:
        icon = "doc-full"
        label = "段落"
        template = "cases/blocks/section.html"


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label="引文")
    attribution = blocks.CharBlock(required=False, max_length=200, label="出处")

    class Meta:
        icon = "openquote"
        label = "引文"
        template = "cases/blocks/quote.html"


class FigureImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label="图片")
    caption = blocks.CharBlock(required=False, max_length=255, label="图注")

    class Meta:
        icon = "image"
        label = "图片"
        template = "cases/blocks/image.html"


class BodyValidationError(blocks.StreamBlockValidationError):
    """Wagtail's error for a stream with faulty blocks, summed up in Chinese: the admin lists its
    message above the form ("正文：…") while the blocks show their own."""

    def __init__(self, block_errors=None, non_block_errors=None):
        super().__init__(block_errors=block_errors, non_block_errors=non_block_errors)
        self.message = "有段落需要修改，见下方正文中标出的位置。"


class CaseBodyBlock(blocks.StreamBlock):
    section = SectionBlock()
    quote = QuoteBlock()
    image = FigureImageBlock()

    def clean(self, value):
        try:
            return super().clean(value)
        except blocks.StreamBlockValidationError as error:
            if not error.block_errors:  # an error of the whole stream says what it is itself
                raise
            raise BodyValidationError(error.block_errors, error.non_block_errors) from None
