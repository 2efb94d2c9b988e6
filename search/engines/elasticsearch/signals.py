"""Keep the case index current: publish, unpublish, edit (a new published revision) and delete
sync the case; renaming a vocabulary term syncs the cases filed under it; making a page
private or public again syncs the cases at and below it.

Connected by SearchConfig.ready() only when Elasticsearch is configured. The sync runs after
the transaction commits, and an unreachable Elasticsearch is logged, never raised: publishing
works whether or not Elasticsearch answers.
"""

import logging

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished

from cases.models import CasePage
from cases.taxonomy import Domain, Problem, Region, Theme

from . import connection, indexing

logger = logging.getLogger(__name__)


def _sync_after_commit(pks):
    def sync():
        try:
            indexing.sync_cases(pks)
        except connection.ERRORS:
            logger.warning(
                "Elasticsearch 不可用，案例 %s 未能更新索引；恢复后请运行 manage.py search_index --rebuild。",
                pks,
                exc_info=True,
            )

    # robust: whatever else goes wrong in the sync, the publish has happened and must not fail.
    transaction.on_commit(sync, robust=True)


def case_changed(sender, instance, **kwargs):
    _sync_after_commit([instance.pk])


def vocabulary_saved(sender, instance, created, raw=False, **kwargs):
    # A case's document holds its terms' slugs and names. Region.save() saves every region
    # below it too, so each region syncs only its own cases.
    if not (created or raw):
        _sync_after_commit(list(instance.cases.values_list("pk", flat=True)))


def privacy_changed(sender, instance, **kwargs):
    # The index holds public cases only: a restriction added removes them, one lifted restores them.
    try:
        page = instance.page
    except Page.DoesNotExist:  # the page itself is being deleted: its cases sync on their own
        return
    _sync_after_commit(list(CasePage.objects.descendant_of(page, inclusive=True).values_list("pk", flat=True)))


HANDLERS = [
    (page_published, case_changed, CasePage),
    (page_unpublished, case_changed, CasePage),
    (post_delete, case_changed, CasePage),
    *((post_save, vocabulary_saved, model) for model in (Domain, Problem, Region, Theme)),
    (post_save, privacy_changed, PageViewRestriction),
    (post_delete, privacy_changed, PageViewRestriction),
]


def dispatch_uid(handler, sender):
    return f"search-es-{handler.__name__}-{sender.__name__}"


def connect():
    for signal, handler, sender in HANDLERS:
        signal.connect(handler, sender=sender, dispatch_uid=dispatch_uid(handler, sender))
