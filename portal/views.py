"""Site-wide views that belong to no app."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.shortcuts import redirect, render
from django.templatetags.static import static


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page links; send them to the hashed file."""
    return redirect(static("img/favicon.ico"))


def bad_request(request, exception):
    """Django's 400 page, saying so when what was refused was the request's size (a paste over
    the limit: CSRF's check reads the form before any view can)."""
    too_big = isinstance(exception, RequestDataTooBig)
    context = {"too_big_mb": settings.CASE_IMPORT_MAX_UPLOAD_SIZE // settings.MEGABYTE if too_big else None}
    return render(request, "400.html", context, status=400)
