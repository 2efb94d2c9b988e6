"""The public page cache: anonymous readers' pages served from the cache until content changes.

Every cached page is stored under the current "generation". Each entry of the change journal
(cases.changes: a case published, unpublished, moved or deleted, a vocabulary term, another
page, an image …) starts a new generation, so no reader ever sees a page older than the last
change; sessions, logins, log entries and drafts write no entry and keep the cache. The cache
must be shared by all server processes (settings.CACHES: a file-based cache on one machine),
or a process would keep serving its own stale copy.
"""

import uuid

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.db.models.signals import post_save

from cases.changes import ContentChange

GENERATION_KEY = "page-cache:generation"
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


def content_generation():
    """The current generation of the site's content, as the page cache keys it."""
    generation = _cache().get(GENERATION_KEY)
    if generation is None:
        generation = uuid.uuid4().hex
        _cache().add(GENERATION_KEY, generation, None)
        generation = _cache().get(GENERATION_KEY, generation)
    return generation


def _new_generation():
    _cache().set(GENERATION_KEY, uuid.uuid4().hex, None)


def content_changed(**kwargs):
    """Start a new generation: every page cached so far is out of date."""
    _new_generation()
    # And again once the change is committed: a reader served between the journal entry and the
    # commit saw (and cached) the old content under the new generation.
    transaction.on_commit(_new_generation)


def connect_invalidation():
    post_save.connect(content_changed, sender=ContentChange, dispatch_uid="page-cache-journal")


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
        key = f"page-cache:{content_generation()}:{request.get_host()}:{request.get_full_path()}"
        cached = _cache().get(key)
        if cached is not None:
            cached["X-Page-Cache"] = "hit"
            return cached
        response = self.get_response(request)
        if _cacheable_response(response):
            _cache().set(key, response, settings.PAGE_CACHE_SECONDS)
            response["X-Page-Cache"] = "miss"
        return response
