"""Writing the case index: a full rebuild behind the alias, and updates to single cases."""

import logging
from contextlib import suppress

from django.utils import timezone
from elasticsearch.helpers import bulk, streaming_bulk

from cases.models import CasePage

from . import connection
from .documents import case_document, case_index, cases_to_index

logger = logging.getLogger(__name__)
CHUNK_SIZE = 200


def _index_action(case, index):
    return {**case_document(case).to_dict(include_meta=True), "_index": index}


def sync_cases(pks):
    """Make the live index agree with the database for these case ids: index the published
    ones, delete the others. Raises connection.ERRORS when Elasticsearch cannot be reached."""
    if not pks:
        return
    alias = connection.case_alias()
    live = {case.pk: case for case in cases_to_index().filter(pk__in=pks)}
    actions = [_index_action(case, alias) for case in live.values()]
    actions += [{"_op_type": "delete", "_index": alias, "_id": pk} for pk in sorted(set(pks) - set(live))]
    # require_alias: before the first rebuild there is no alias, and Elasticsearch must not
    # invent an index with a guessed mapping under its name.
    _, errors = bulk(connection.client(), actions, raise_on_error=False, require_alias=True)
    failed = [error for error in errors if error.get("delete", {}).get("status") != 404]  # already gone
    if failed:
        logger.warning("案例索引更新失败（请运行 manage.py search_index --rebuild）：%s", failed)


def rebuild(progress=None):
    """Build a fresh index beside the live one, fill it, move the alias, drop the old index.

    Search answers from the old index until the alias moves. Cases published, unpublished or
    deleted meanwhile were written to the old index, so they are synced again afterwards.
    `progress(done, total)` is called after each document. Returns the new index's name.
    """
    es, alias = connection.client(), connection.case_alias()
    started = timezone.now()
    name = f"{alias}-{started:%Y%m%d%H%M%S%f}"
    case_index(name).create(using=es)
    try:
        total, indexed = CasePage.objects.published().count(), set()
        actions = (_index_action(case, name) for case in cases_to_index().iterator(chunk_size=CHUNK_SIZE))
        for done, (_, item) in enumerate(streaming_bulk(es, actions, chunk_size=CHUNK_SIZE), 1):
            indexed.add(int(item["index"]["_id"]))
            if progress:
                progress(done, total)
        es.indices.refresh(index=name)
        old = sorted(es.indices.get_alias(name=alias)) if es.indices.exists_alias(name=alias) else []
        es.indices.update_aliases(
            actions=[
                {"add": {"index": name, "alias": alias}},
                *({"remove_index": {"index": index}} for index in old),
            ]
        )
    except BaseException:
        # Interrupted or failed (Ctrl-C included): leave no half-filled index behind.
        with suppress(*connection.ERRORS):
            es.indices.delete(index=name)
        raise
    changed = set(CasePage.objects.published().filter(last_published_at__gte=started).values_list("pk", flat=True))
    gone = indexed - set(CasePage.objects.published().values_list("pk", flat=True))
    sync_cases(sorted(changed | gone))
    return name


def status():
    """(alias, index names behind it, documents in them) for `search_index`."""
    es, alias = connection.client(), connection.case_alias()
    if not es.indices.exists_alias(name=alias):
        return alias, [], 0
    return alias, sorted(es.indices.get_alias(name=alias)), es.count(index=alias)["count"]
