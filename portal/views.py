"""Site-wide views that belong to no app."""

from django.shortcuts import redirect
from django.templatetags.static import static


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page links; send them to the hashed file."""
    return redirect(static("img/favicon.ico"))
