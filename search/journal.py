"""Search's reading of the change journal (cases.changes): each follower in a process (the
database engine's catalogue, the known words) asks what came after the entry it reflects, and
within a request the same question is read from the database once."""

import threading

from django.core.signals import request_finished, request_started
from django.db.models.signals import post_save

from cases import changes

_request = threading.local()  # "read": {last entry asked from: the entries after it}, in a request


def since(last):
    """changes.since(last), read once a request for the same `last` (and again after this
    process journals an entry)."""
    read = getattr(_request, "read", None)
    if read is None:  # outside a request
        return changes.since(last)
    if last not in read:
        read[last] = changes.since(last)
    return read[last]


def _request_started(**kwargs):
    _request.read = {}


def _request_finished(**kwargs):
    _request.read = None


def _journalled(**kwargs):
    if getattr(_request, "read", None) is not None:
        _request.read = {}


request_started.connect(_request_started, dispatch_uid="search-journal-request-started")
request_finished.connect(_request_finished, dispatch_uid="search-journal-request-finished")
post_save.connect(_journalled, sender=changes.ContentChange, dispatch_uid="search-journal-journalled")
