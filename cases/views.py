"""Views of cases outside their pages: the share image."""

import logging

from django.core.files.storage import default_storage
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect
from django.templatetags.static import static

from . import share_card
from .pages import CasePage

logger = logging.getLogger(__name__)


def share_image(request, pk, digest):
    case = get_object_or_404(CasePage.objects.published(), pk=pk)
    figures = list(case.key_figures.all()[:1])  # read once: the card and its version show it
    try:
        name = share_card.stored(case, figures)
        image = default_storage.open(name) if name else None
    except OSError:  # a font that will not load, media storage that will not write
        logger.exception("案例 %s 的分享图未能生成，改用默认图片。", case.pk)
        image = None
    if image is None:  # no Chinese font on this machine, or the card could not be drawn
        return redirect(static("img/share-default.png"))
    if digest != share_card.version(case, figures):
        image.close()
        return redirect(share_card.address(case, figures))
    response = FileResponse(image, content_type="image/png")
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
