"""Writing the search log: entries are gathered in the process and written together, after the
response has gone, so that logging never slows a search; a failed write is logged, not raised.

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
from django.db.models import Subquery
from django.utils import timezone

from .models import SearchLog

HEADER = "X-Search-Log"
# Crawlers and scripts that say who they are; a reader's browser also always sends Accept-Language.
CRAWLERS = re.compile(r"bot|spider|crawl|slurp|archiver|scrapy|curl|wget|python-|headless|lighthouse", re.I)
# An opened result is credited to the same search made this long ago at most.
OPENED_WITHIN = timedelta(days=1)

logger = logging.getLogger(__name__)
_lock = threading.Lock()
_pending = []  # SearchLog rows not written yet
_since = [None]  # when the oldest of them was added


def mark(response, entry):
    """Attach the search described by `entry` (SearchLog's fields but day) to `response`."""
    response[HEADER] = json.dumps(entry, ensure_ascii=True)


def is_reader(request):
    """Whether `request` comes from a person's browser, as far as can be told without asking who."""
    agent = request.headers.get("User-Agent", "")
    return bool(request.headers.get("Accept-Language")) and not CRAWLERS.search(agent)


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
    oldest has waited settings.SEARCH_LOG_WAIT_SECONDS (or `force`): one INSERT."""
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


def mark_opened(query, filters):
    """Record that a result of the search (`query`, `filters`) was opened: its latest unopened entry."""
    with _lock:
        for row in reversed(_pending):
            if row.query == query and row.filters == filters and not row.opened:
                row.opened = True
                return
    latest = SearchLog.objects.filter(
        query=query, filters=filters, opened=False, day__gte=timezone.localdate() - OPENED_WITHIN
    ).order_by("-pk")[:1]
    try:
        SearchLog.objects.filter(pk__in=Subquery(latest.values("pk"))).update(opened=True)
    except Exception:
        logger.exception("搜索记录无法标记为已点开")


def purge(days=None):
    """Delete the entries older than `days` (settings.SEARCH_LOG_RETENTION_DAYS); their number."""
    days = settings.SEARCH_LOG_RETENTION_DAYS if days is None else days
    deleted, _ = SearchLog.objects.filter(day__lt=timezone.localdate() - timedelta(days=days)).delete()
    return deleted


def _request_finished(**kwargs):
    flush()


def connect():
    request_finished.connect(_request_finished, dispatch_uid="search-log-flush")
    atexit.register(flush, force=True)
