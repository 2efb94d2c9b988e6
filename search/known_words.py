"""What this process's text pipeline knows of the domain's words (the vocabularies' terms and
aliases, the lexicon read in pinyin, the segmenter's dictionary), kept in step with the change
journal (cases.changes).

The process that saves a term or publishes a case learns of it at once (search.signals); every
other process — another worker, another server — when it next hands out the terms or the
lexicon in a request (search.apps passes `once_a_request` to the pipeline), or when the
database engine's catalogue reads the journal, whichever engine answers searches.
"""

import threading

from django.core.signals import request_finished, request_started

from cases import changes
from cases.models import CasePage
from cases.names import case_names, lexicon_words, region_place_words

from . import journal
from .text import add_words, reset_segmenter, vocabulary

_lock = threading.Lock()
_state = {}  # "applied": the last journal entry this process's words reflect
_request = threading.local()  # "pending": the journal is still to be read in this request


def up_to_date():
    """Apply what the journal holds since this process last looked. The first look only notes
    where the journal stands: the terms and the lexicon are read after it (they are handed out
    through it), and a segmenter loaded before it only steers where text is cut."""
    with _lock:
        if "applied" not in _state:
            _state["applied"] = changes.latest()
            return
        entries = journal.since(_state["applied"])
        if not entries:
            return
        kinds = {kind for _, kind, _ in entries}
        if changes.ContentChange.EVERYTHING in kinds:  # a restore: nothing known still holds
            vocabulary.reset()
            reset_segmenter()
        elif changes.ContentChange.VOCABULARY in kinds:
            vocabulary.reset_terms()  # its names and aliases are read afresh when next needed
            reset_segmenter()
            vocabulary.learn_new(region_place_words)  # a place is spelled in pinyin too
        case_ids = {pk for _, kind, ids in entries if kind == changes.ContentChange.CASES for pk in ids}
        if case_ids and not kinds & {changes.ContentChange.EVERYTHING}:
            _learn_published(case_ids)
        _state["applied"] = entries[-1][0]


def _learn_published(case_ids):
    published = CasePage.objects.filter(pk__in=case_ids)
    add_words(case_names(published))
    # Only words not known yet: the process that published them has counted them already.
    vocabulary.learn_new(lambda: lexicon_words(published))


def once_a_request():
    """up_to_date, the first time a request asks; outside requests, nothing: a command reads
    what it needs when it starts."""
    if getattr(_request, "pending", False):
        _request.pending = False
        up_to_date()


def forget():
    """Forget where the journal stood (tests, whose rolled-back entries are handed out again)."""
    with _lock:
        _state.clear()


def _request_started(**kwargs):
    _request.pending = True


def _request_finished(**kwargs):
    _request.pending = False


request_started.connect(_request_started, dispatch_uid="search-known-words-request-started")
request_finished.connect(_request_finished, dispatch_uid="search-known-words-request-finished")
