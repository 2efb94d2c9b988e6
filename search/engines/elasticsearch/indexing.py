"""Writing the case index: a full rebuild behind the alias, and catching up with the change journal.

The index remembers, in its mapping's _meta, the last journal entry (cases.changes) it reflects.
Whatever the cluster missed while it was down or slow, the next catch-up applies: after the
next publish in any process, the next search in a process whose update failed, or
`search_index --catch-up` (e.g. from cron).
"""

import hashlib
import json
import logging
from contextlib import suppress

from django.utils import timezone

from cases import changes
from cases.models import CasePage

from . import connection
from .documents import case_document, case_index, cases_to_index

logger = logging.getLogger(__name__)
CHUNK_SIZE = 200
JOURNAL = "journal"  # the _meta key: the last journal entry the index reflects
SHAPE = "shape"  # the _meta key: the settings and mapping the index was built with (shape())


def shape():
    """A digest of the case index's settings and mapping as this code builds them: an index of
    another shape (built before an upgrade that changed them) must be rebuilt."""
    built = json.dumps(case_index("shape").to_dict(), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(built.encode()).hexdigest()[:16]


def _index_action(case, index):
    return {**case_document(case).to_dict(include_meta=True), "_index": index}


def sync_cases(pks, index=None):
    """Make the index (the live one by default) agree with the database for these case ids:
    index the published ones, delete the others. Raises connection.ERRORS when the cluster
    cannot be reached."""
    if not pks:
        return
    index = index or connection.case_alias()
    live = {case.pk: case for case in cases_to_index().filter(pk__in=pks)}
    actions = [_index_action(case, index) for case in live.values()]
    actions += [{"_op_type": "delete", "_index": index, "_id": pk} for pk in sorted(set(pks) - set(live))]
    # require_alias: before the first rebuild there is no alias, and the cluster must not
    # invent an index with a guessed mapping under its name.
    options = {"require_alias": True} if index == connection.case_alias() else {}
    _, errors = connection.bulk(actions, raise_on_error=False, **options)
    failed = [error for error in errors if error.get("delete", {}).get("status") != 404]  # already gone
    if failed:
        logger.warning("案例索引更新失败（请运行 manage.py search_index --rebuild）：%s", failed)


def current_shape():
    """Whether the live index has this code's shape (None: there is no live index)."""
    if not connection.client().indices.exists_alias(name=connection.case_alias()):
        return None
    return _has_this_shape(_meta())


def _has_this_shape(meta):
    return meta.get(SHAPE) == shape()


def position(index=None):
    """The last journal entry the index reflects, or None if it never recorded one."""
    return _meta(index).get(JOURNAL)


def _meta(index=None):
    mappings = connection.client().indices.get_mapping(index=index or connection.case_alias())
    (mapping,) = (each["mappings"] for each in dict(mappings).values())
    return mapping.get("_meta", {})


def _set_position(entry, index, meta):
    # A mapping update replaces the whole _meta: what else it records (the shape) is sent again.
    connection.client().indices.put_mapping(index=index, body={"_meta": {**meta, JOURNAL: entry}})


def catch_up(index=None):
    """Apply the journal entries the index has not seen; returns how many of them changed cases
    (entries for other pages only move the index's position). A full restore
    (ContentChange.EVERYTHING) syncs every case the database or the index knows."""
    index = index or connection.case_alias()
    meta = _meta(index)
    # An index that never recorded its place replays what the journal still holds.
    entries = changes.since(meta.get(JOURNAL) or 0)
    if not entries:
        return 0
    kinds = [kind for _, kind, _ in entries]
    if changes.ContentChange.EVERYTHING in kinds:
        pks = set(CasePage.objects.values_list("pk", flat=True)) | _indexed_ids(index)
    else:
        pks = {pk for _, _, ids in entries for pk in ids}
    sync_cases(sorted(pks), index)
    _set_position(entries[-1][0], index, meta)
    return sum(kind != changes.ContentChange.SITE for kind in kinds)


def _indexed_ids(index):
    hits = connection.scan(index=index, query={"query": {"match_all": {}}, "_source": False})
    return {int(hit["_id"]) for hit in hits}


def rebuild(progress=None):
    """Build a fresh index beside the live one, fill it, move the alias, drop the old index.

    Search answers from the old index until the alias moves, so no reader sees a half-built
    index. Changes journalled meanwhile are applied to the new index before it goes live and
    once more after. `progress(done, total)` is called after each document. Returns the new
    index's name.
    """
    es, alias = connection.client(), connection.case_alias()
    started = changes.latest()  # read first: what the fill misses, the catch-up applies
    name = f"{alias}-{timezone.now():%Y%m%d%H%M%S%f}"
    body = case_index(name).to_dict()
    body["mappings"]["_meta"] = {JOURNAL: started, SHAPE: shape()}
    es.indices.create(index=name, body=body)
    try:
        total = CasePage.objects.published().count()
        actions = (_index_action(case, name) for case in cases_to_index().iterator(chunk_size=CHUNK_SIZE))
        for done, _ in enumerate(connection.streaming_bulk(actions, chunk_size=CHUNK_SIZE), 1):
            if progress:
                progress(done, total)
        catch_up(name)
        es.indices.refresh(index=name)
        old = sorted(es.indices.get_alias(name=alias)) if es.indices.exists_alias(name=alias) else []
        es.indices.update_aliases(
            body={
                "actions": [
                    {"add": {"index": name, "alias": alias}},
                    *({"remove_index": {"index": index}} for index in old),
                ]
            }
        )
    except BaseException:
        # Interrupted or failed (Ctrl-C included): leave no half-filled index behind.
        with suppress(*connection.ERRORS):
            es.indices.delete(index=name)
        raise
    catch_up()  # what was journalled while the alias moved
    return name


def status():
    """(alias, index names behind it, documents in them, journal entries not yet applied,
    whether the live index has this code's shape)."""
    es, alias = connection.client(), connection.case_alias()
    if not es.indices.exists_alias(name=alias):
        return alias, [], 0, None, False
    meta = _meta()
    seen = meta.get(JOURNAL)
    # Entries that change no case (other pages published) count for nothing here.
    behind = None if seen is None else sum(kind != changes.ContentChange.SITE for _, kind, _ in changes.since(seen))
    count = es.count(index=alias)["count"]
    return alias, sorted(es.indices.get_alias(name=alias)), count, behind, _has_this_shape(meta)
