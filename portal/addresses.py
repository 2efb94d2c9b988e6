"""Addresses that work away from this screen: printed QR codes, handouts, shared links."""

from urllib.parse import urljoin, urlsplit

from django.conf import settings

LOOPBACK = {"127.0.0.1", "localhost", "::1", "0.0.0.0", ""}


def public_url(request, path):
    """`path` as a full URL on the site's configured address (WAGTAILADMIN_BASE_URL) when a
    real host is set, so that a handout printed from a server's own console or an office
    machine on the intranet still points readers to the public site; otherwise on the host
    the request came to."""
    base = settings.WAGTAILADMIN_BASE_URL or ""
    if urlsplit(base).hostname not in LOOPBACK:
        return urljoin(base.rstrip("/") + "/", path.lstrip("/"))
    return request.build_absolute_uri(path)
