"""What this process's text pipeline knows of the domain's words (the vocabularies' terms and
aliases, the lexicon read in pinyin, the segmenter's dictionary, the sentences' meanings), kept in step with the change
journal (cases.changes).

The process that saves a term or publishes a case learns of it at once (search.signals); every
other process — another worker, another server — in its next request that segments text or asks
for the terms or the lexicon (search.apps hands `once_a_request` to the pipeline), or when the
database engine's catalogue finds new entries, whichever engine answers searches.
"""

import threading
import time

from django.core.signals import request_finished, request_started

from cases import changes
from cases.models import CasePage
from cases.names import case_names, lexicon_words, region_place_words, title_words

from . import journal, meanings
from .text import add_words, reset_segmenter, vocabulary

# A process that has not looked for this long may have missed entries since pruned: it forgets
# what it knows and reads it afresh.
STALE_AFTER = changes.KEEP.total_seconds() / 2
# Cases published at once past which reading all of their names costs more than reading afresh.
LEARN_AT_MOST = 1000

# Reentrant: applying an entry may load the segmenter, whose words are read through `reading`.
_lock = threading.RLock()
_state = {}  # "applied": the last journal entry what is known reflects; "checked": when it looked
_request = threading.local()  # "pending": the journal is still to be read in this request


def reading(source):
    """`source` (a function giving words or terms from the database) as the pipeline should
    call it: where the journal stands is noted first, so that what changes while it is read
    is applied next, as the catalogue does."""

    def read():
        with _lock:
            if "applied" not in _state:
                _state.update(applied=changes.latest(), checked=time.monotonic())
        return source()

    return read


def up_to_date():
    """Apply what the journal holds since what is known was read; the first look, before
    anything was read, only notes where it stands."""
    # Applying may load the segmenter, which asks again: this request has looked.
    _request.pending = False
    with _lock:
        if "applied" not in _state:
            _state.update(applied=changes.latest(), checked=time.monotonic())
            return
        if time.monotonic() - _state["checked"] > STALE_AFTER:
            _forget_words()
            return
        _state["checked"] = time.monotonic()
        entries = journal.since(_state["applied"])
        if not entries:
            return
        kinds = {kind for _, kind, _ in entries}
        case_ids = {pk for _, kind, ids in entries if kind == changes.ContentChange.CASES for pk in ids}
        if changes.ContentChange.EVERYTHING in kinds or len(case_ids) > LEARN_AT_MOST:
            _forget_words()  # a restore, or a library moved: read afresh
            return
        if changes.ContentChange.VOCABULARY in kinds:
            vocabulary.reset_terms()  # its names and aliases are read afresh when next needed
            reset_segmenter()
            vocabulary.learn_new(region_place_words)  # a place is spelled in pinyin too
        if case_ids:
            _learn_published(case_ids)
        if changes.ContentChange.SITE in kinds:
            # Sentences learnt or dropped: search.meanings journals SITE once it has written
            # them, after the change's own entry (which alone would find them not yet written).
            meanings.forget()
        _state["applied"] = entries[-1][0]


def _forget_words():
    _state.update(applied=changes.latest(), checked=time.monotonic())
    vocabulary.reset()
    reset_segmenter()
    meanings.forget()


def _learn_published(case_ids):
    published = CasePage.objects.filter(pk__in=case_ids)
    add_words(case_names(published))
    # Only words not known yet: the process that published them has counted them already.
    vocabulary.learn_new(lambda: lexicon_words(published), lambda: title_words(published))


def once_a_request():
    """up_to_date, the first time a request asks; outside requests, nothing: a command reads
    what it needs when it starts."""
    if getattr(_request, "pending", False):
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
