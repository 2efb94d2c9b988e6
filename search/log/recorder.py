"""Writing the search log: a search's entry is gathered in the process and written with others,
after the response has gone, so that logging never slows a search; a failed write is logged,
not raised. An opened result is written at once, as a row of its own (it is no search).

A search's entry rides on its response as a header (HEADER), which SearchLogMiddleware takes off
outside the page cache: a search the cache answers is logged like one rendered afresh.
"""

import atexit
import json
import logging
import re
import threading
from datetime import timedelta

from django.conf import settings
from django.core.signals import request_finished
from django.utils import timezone

from .models import OpenedResult, SearchLog

HEADER = "X-Search-Log"
# Crawlers and scripts that say who they are; a reader's browser also always sends Accept-Language.
CRAWLERS = re.compile(r"bot|spider|crawl|slurp|archiver|scrapy|curl|wget|python-|headless|lighthouse", re.I)
# A run of this many digits may be a telephone or identity number: never kept.
LONG_NUMBER = re.compile(r"\d{7,}")
# Filters a search page links are short (cases.filters bounds them); a forged link's are cut.
MAX_FILTERS = 2000

logger = logging.getLogger(__name__)
_lock = threading.Lock()
_pending = []  # SearchLog rows not written yet
_since = [None]  # when the oldest of them was added


def searched_text(text):
    """A query or a correction as the log keeps it: long numbers masked, cut to its column."""
    limit = SearchLog._meta.get_field("query").max_length
    return LONG_NUMBER.sub(lambda number: "*" * len(number.group(0)), text)[:limit]


def mark(response, entry):
    """Attach the search described by `entry` (SearchLog's fields but day) to `response`."""
    response[HEADER] = json.dumps(entry, ensure_ascii=True)


def is_reader(request):
    """Whether `request` comes from a reader's browser, as far as can be told without asking who:
    not a crawler or a script, and not someone signed in (editors checking what readers see)."""
    agent = request.headers.get("User-Agent", "")
    return (
        bool(request.headers.get("Accept-Language"))
        and not CRAWLERS.search(agent)
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


def take(request, response):
    """Log the search `response` answers, if any, taking its entry off the response."""
    entry = response.headers.get(HEADER)
    if entry is None:
        return
    del response.headers[HEADER]
    if request.method != "GET" or not is_reader(request):
        return
    try:
        row = SearchLog(day=timezone.localdate(), **json.loads(entry))
    except (TypeError, ValueError):
        logger.exception("搜索记录无法读取")
        return
    with _lock:
        _pending.append(row)
        if _since[0] is None:
            _since[0] = timezone.now()


def flush(force=False):
    """Write the gathered entries once there are settings.SEARCH_LOG_BATCH of them, or the
    oldest has waited settings.SEARCH_LOG_WAIT_SECONDS (checked as a request ends), or `force`."""
    with _lock:
        waited = _since[0] is not None and timezone.now() - _since[0] >= timedelta(
            seconds=settings.SEARCH_LOG_WAIT_SECONDS
        )
        if not _pending or not (force or waited or len(_pending) >= settings.SEARCH_LOG_BATCH):
            return
        rows = _pending[:]
        _pending.clear()
        _since[0] = None
    try:
        SearchLog.objects.bulk_create(rows)
    except Exception:
        logger.exception("搜索记录写入失败（%d 条）", len(rows))


def record_opened(query, filters):
    """Record that a result of the search (`query`, `filters`, as logged) was opened."""
    try:
        OpenedResult.objects.create(day=timezone.localdate(), query=searched_text(query), filters=filters[:MAX_FILTERS])
    except Exception:
        logger.exception("点开的搜索结果无法记录")


def purge(days=None):
    """Delete what is older than `days` (settings.SEARCH_LOG_RETENTION_DAYS); the rows deleted."""
    days = settings.SEARCH_LOG_RETENTION_DAYS if days is None else days
    before = timezone.localdate() - timedelta(days=days)
    searches, _ = SearchLog.objects.filter(day__lt=before).delete()
    opened, _ = OpenedResult.objects.filter(day__lt=before).delete()
    return searches + opened


def _request_finished(**kwargs):
    flush()


def connect():
    request_finished.connect(_request_finished, dispatch_uid="search-log-flush")
    atexit.register(flush, force=True)
