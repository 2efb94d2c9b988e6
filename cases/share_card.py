"""A case's share image (og:image): its title, place and years, model name and first key figure
drawn on a 1200 × 630 card, so a link pasted into WeChat shows which case it is.

Drawn with Pillow in a CJK font found on the machine (SHARE_IMAGE_FONT, else the first font
fontconfig lists for Chinese). A card is stored once per version of what it shows (the file
name carries a digest of it), drawn when the case is published and, failing that, when first
asked for; without a Chinese font the site's plain share image stands in.
"""

import hashlib
import io
import logging
import os
import subprocess
from functools import lru_cache

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from PIL import Image, ImageDraw, ImageFont

logger = logging.getLogger(__name__)

SIZE = WIDTH, HEIGHT = 1200, 630
MARGIN = 72
FOLDER = "share"
# Part of every card's digest: raise it when the drawing changes, so cards are drawn afresh.
LAYOUT = 1
NO_LINE_START = set("）》」』”’，。、；：！？…%)]}")
NO_LINE_END = set("（《「『“‘([{")
RED, INK, MUTED, PAPER = (179, 38, 30), (33, 33, 33), (95, 95, 95), (255, 250, 244)


@lru_cache(maxsize=1)
def font_path():
    """The CJK font cards are drawn in, or None when the machine has none."""
    if settings.SHARE_IMAGE_FONT:
        return settings.SHARE_IMAGE_FONT
    try:
        listed = subprocess.run(
            ["fc-list", ":lang=zh:scalable=true", "file"], capture_output=True, text=True, timeout=10, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    files = sorted(line.split(":")[0].strip() for line in listed.splitlines() if line.strip())
    return files[0] if files else None


def _font(size):
    return ImageFont.truetype(font_path(), size)


def card_lines(case, figures=None):
    """What a case's card shows: (title, place and years, model name, key figure, its label).
    `figures`: its key figures if already read."""
    if figures is None:
        figures = list(case.key_figures.all()[:1])
    figure = figures[0] if figures else None
    return (
        case.title,
        "　".join(part for part in (case.place, case.years) if part),
        case.model_name,
        f"{figure.value}{figure.unit}" if figure else "",
        figure.label if figure else "",
    )


def version(case, figures=None):
    """A digest of what the card shows and how it is drawn: a new one for each change."""
    # The font's file name, not its path: app servers sharing the media folder may keep fonts apart.
    font = os.path.basename(font_path() or "")
    text = "\n".join((str(LAYOUT), font, *card_lines(case, figures)))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def address(case, figures=None):
    """The path of the case's current card (its version in the path: WeChat keeps an image by
    its address)."""
    return reverse("case_share_image", kwargs={"pk": case.pk, "digest": version(case, figures)})


def _name(case, digest):
    return f"{FOLDER}/case-{case.pk}-{digest}.png"


def stored(case, figures=None):
    """The storage name of the case's current card, drawn and stored if it is not yet; None
    without a Chinese font. `figures`: its key figures if already read."""
    if font_path() is None:
        return None
    name = _name(case, version(case, figures))
    if not default_storage.exists(name):
        # Two first requests may draw it at once: the storage then keeps both (one under a new name).
        name = default_storage.save(name, ContentFile(render(card_lines(case, figures))))
        _forget_older(case, keep=name)
    return name


def _forget_older(case, keep):
    """The case's other cards (earlier versions) deleted; `keep` (a storage name) stays."""
    prefix = f"case-{case.pk}-"
    try:
        _, files = default_storage.listdir(FOLDER)
    except FileNotFoundError:
        return
    current = os.path.basename(keep).split("_")[0].removesuffix(".png")
    for file in files:
        if file.startswith(prefix) and not file.startswith(current):
            default_storage.delete(f"{FOLDER}/{file}")


def _wrapped(draw, text, font, width, most_lines):
    """`text` cut into lines no wider than `width`, at most `most_lines`, the last ending in …
    when cut short (Chinese breaks between any two characters)."""
    lines, line = [], ""
    for character in text:
        if draw.textlength(line + character, font=font) <= width:
            line += character
            continue
        # No line starts with closing punctuation or ends with opening: a character moves down.
        carried = ""
        while len(line) > 1 and ((carried or character)[0] in NO_LINE_START or line[-1] in NO_LINE_END):
            carried, line = line[-1] + carried, line[:-1]
        lines.append(line)
        line = (carried + character).strip()
    if line:
        lines.append(line)
    if len(lines) > most_lines:
        lines = lines[:most_lines]
        last = lines[-1]
        while last and draw.textlength(last + "…", font=font) > width:
            last = last[:-1]
        lines[-1] = last + "…"
    return lines


FIGURE_WIDTH = 260  # of the figure's box, inside its border


def figure_size(draw, figure):
    """The largest type size (80 at most) at which `figure` fits its box: 751个 large, 3000多万元 less."""
    size = 80
    while size > 32 and draw.textlength(figure, font=_font(size)) > FIGURE_WIDTH:
        size -= 4
    return size


def render(lines):
    """The card for card_lines' `lines`, as PNG bytes."""
    title, place, model_name, figure, figure_label = lines
    image = Image.new("RGB", SIZE, PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, WIDTH, 96), fill=RED)
    draw.text((MARGIN, 48), settings.WAGTAIL_SITE_NAME, font=_font(40), fill="white", anchor="lm")
    text_width = WIDTH - 2 * MARGIN - (320 if figure else 0)
    y = 140
    title_font = _font(56)
    for line in _wrapped(draw, title, title_font, text_width, 3):
        draw.text((MARGIN, y), line, font=title_font, fill=INK)
        y += 76
    y += 16
    if place:
        draw.text((MARGIN, y), place, font=_font(34), fill=MUTED)
        y += 56
    if model_name:
        for line in _wrapped(draw, f"模式：{model_name}", _font(36), text_width, 2):
            draw.text((MARGIN, y), line, font=_font(36), fill=RED)
            y += 50
    if figure:
        left = WIDTH - MARGIN - 300
        draw.rounded_rectangle((left, 150, WIDTH - MARGIN, 430), radius=16, outline=RED, width=4, fill="white")
        draw.text((left + 150, 260), figure, font=_font(figure_size(draw, figure)), fill=RED, anchor="mm")
        for number, line in enumerate(_wrapped(draw, figure_label, _font(30), FIGURE_WIDTH, 2)):
            draw.text((left + 150, 345 + 40 * number), line, font=_font(30), fill=INK, anchor="mm")
    draw.rectangle((0, HEIGHT - 12, WIDTH, HEIGHT), fill=RED)
    output = io.BytesIO()
    image.save(output, format="PNG", optimize=True)
    return output.getvalue()


def draw_on_publish(sender, instance, **kwargs):
    """page_published receiver: draw the case's card now, not when WeChat first asks for it."""
    try:
        stored(instance)
    except OSError:
        logger.exception("案例 %s 的分享图未能生成；将在首次访问时重试。", instance.pk)
