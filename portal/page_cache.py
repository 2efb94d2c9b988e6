"""The public page cache: anonymous readers' pages served from the cache until content changes.

Every cached page is keyed by the change journal's last entry (cases.changes: a case published,
unpublished, moved or deleted, a vocabulary term, another page, an image …), read from the
database on each request. A change anywhere (any process, any machine) moves the journal on, so
no reader ever gets a page older than the last change, whichever server answers; sessions,
logins, log entries and drafts write no entry and keep the cache. The cache itself may be one
per machine (settings.CACHES: a directory); what it holds is only ever served under the entry
it was rendered after.
"""

from django.conf import settings
from django.core.cache import caches

from cases import changes

NOT_CACHED_PATHS = ("/admin/", "/django-admin/", "/documents/")
CACHED_TYPES = (
    "text/html",
    "application/json",
    "application/rss+xml",
    "application/atom+xml",
    "application/xml",
    "text/xml",
    "text/plain",
)


def _cache():
    return caches[settings.PAGE_CACHE_ALIAS]


def _cacheable_request(request):
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and not request.path.startswith(NOT_CACHED_PATHS)
        # A session means a signed-in editor (userbar, previews): never cached or served cached.
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


def _cacheable_response(response):
    cache_control = response.get("Cache-Control", "")
    varies = {part.strip() for part in response.get("Vary", "").split(",") if part.strip()}
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies  # a CSRF token or session: this response is someone's own
        and response.get("Content-Type", "").split(";")[0] in CACHED_TYPES
        and "private" not in cache_control
        and "no-store" not in cache_control
        and varies <= {"Cookie", "Accept-Language"}
    )


class PublicPageCacheMiddleware:
    """Serve anonymous GETs from the page cache; store what they rendered."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _cacheable_request(request):
            return self.get_response(request)
        # Read before rendering: a change committed meanwhile files what this request renders
        # under the older entry, which no later request asks for.
        key = f"page-cache:{changes.head()}:{request.get_host()}:{request.get_full_path()}"
        cached = _cache().get(key)
        if cached is not None:
            cached["X-Page-Cache"] = "hit"
            return cached
        response = self.get_response(request)
        if _cacheable_response(response):
            _cache().set(key, response, settings.PAGE_CACHE_SECONDS)
            response["X-Page-Cache"] = "miss"
        return response
