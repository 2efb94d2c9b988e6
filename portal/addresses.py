"""Addresses that work away from this screen: printed QR codes, handouts, shared links."""

from functools import lru_cache
from urllib.parse import urljoin, urlsplit

import qrcode
from django.conf import settings
from django.utils.encoding import uri_to_iri
from django.utils.html import escape

LOOPBACK = {"127.0.0.1", "localhost", "::1", "0.0.0.0", ""}


def public_url(request, path):
    """`path` as a full URL on the site's public address (PUBLIC_BASE_URL) when a
    real host is set, so that a handout printed from a server's own console or an office
    machine on the intranet still points readers to the public site; otherwise on the host
    the request came to."""
    base = settings.PUBLIC_BASE_URL or ""
    if (urlsplit(base).hostname or "") not in LOOPBACK:
        return urljoin(base.rstrip("/") + "/", path.lstrip("/"))
    return request.build_absolute_uri(path)


@lru_cache(maxsize=2048)
def qr_svg(url):
    """A QR code for `url` as a compact inline SVG (one path of unit squares)."""
    code = qrcode.QRCode(border=2, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(url)
    code.make(fit=True)
    matrix = code.get_matrix()
    squares = "".join(f"M{x},{y}h1v1h-1z" for y, row in enumerate(matrix) for x, dark in enumerate(row) if dark)
    size = len(matrix)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" class="qr" '
        f'role="img" aria-label="二维码：{escape(url)}" shape-rendering="crispEdges">'
        f'<rect width="{size}" height="{size}" fill="#fff"/><path d="{squares}" fill="#000"/></svg>'
    )


def readable_url(request, path):
    """public_url as a reader reads it on paper: Chinese, not %-escapes."""
    return uri_to_iri(public_url(request, path))


def share_context(request, path):
    """What a page's share buttons, QR code and printed address need: its public URL, the QR code
    for it, and that URL as a reader reads it."""
    url = public_url(request, path)
    return {"share_url": url, "share_qr": qr_svg(url), "share_address": readable_url(request, path)}
