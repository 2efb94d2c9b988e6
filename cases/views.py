"""Views of cases outside their pages: the share image."""

from django.core.files.storage import default_storage
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect
from django.templatetags.static import static

from . import share_card
from .pages import CasePage


def share_image(request, pk, digest):
    case = get_object_or_404(CasePage.objects.published(), pk=pk)
    name = share_card.stored(case)
    if name is None:  # no Chinese font on this machine
        return redirect(static("img/share-default.png"))
    if digest != share_card.version(case):
        return redirect(share_card.address(case))
    response = FileResponse(default_storage.open(name), content_type="image/png")
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
