"""The domain's change signals, fired here from Wagtail's page signals and the vocabularies' saves.

Other apps (search's indexers and catalogue, the page cache) follow these two signals and need
not know which models or Wagtail events change what the public sees:

- cases_changed(case_ids, change): cases published (a first publish or a new live revision),
  unpublished, moved, made private or public again, or deleted;
- vocabulary_changed(term, case_ids): a theme, problem, domain, region or tag saved or deleted;
  case_ids are the cases filed under it (their pages and index text show its name).

Saving a draft, a revision, a log entry or a session sends neither.
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import Signal
from taggit.models import Tag
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from .pages import CasePage
from .taxonomy import Domain, Problem, Region, Theme

cases_changed = Signal()
vocabulary_changed = Signal()

PUBLISHED, UNPUBLISHED, MOVED, PRIVACY, DELETED = "published", "unpublished", "moved", "privacy", "deleted"
VOCABULARIES = (Domain, Problem, Region, Theme, Tag)


def _send(case_ids, change):
    case_ids = sorted(set(case_ids))
    if case_ids:
        # One transaction for what the subscribers write (the journal, the database's index):
        # Wagtail sends page_published after committing the page.
        with transaction.atomic():
            cases_changed.send(sender=CasePage, case_ids=case_ids, change=change)


def _cases_at_or_below(page):
    return CasePage.objects.descendant_of(page, inclusive=True).values_list("pk", flat=True)


def _published(sender, instance, **kwargs):
    _send([instance.pk], PUBLISHED)


def _unpublished(sender, instance, **kwargs):
    _send([instance.pk], UNPUBLISHED)


def _deleted(sender, instance, **kwargs):
    _send([instance.pk], DELETED)


def _moved(sender, instance, **kwargs):
    # A case library moved takes its cases along: their paths (and maybe privacy) change.
    _send(_cases_at_or_below(instance), MOVED)


def _privacy_changed(sender, instance, **kwargs):
    try:
        page = instance.page
    except Page.DoesNotExist:  # the page itself is being deleted: its cases send their own
        return
    _send(_cases_at_or_below(page), PRIVACY)


def _vocabulary_saved(sender, instance, created, raw=False, **kwargs):
    if raw or (created and sender is Tag):
        return  # a tag is created as an editor types it into a draft: nothing public uses it yet
    _vocabulary(sender, instance)


def _vocabulary_deleting(sender, instance, **kwargs):
    # Its links to cases go with it: remember the cases now, tell of them once it is gone.
    instance._filed_case_ids = _filed(sender, instance)


def _vocabulary_deleted(sender, instance, **kwargs):
    with transaction.atomic():
        vocabulary_changed.send(sender=sender, term=instance, case_ids=getattr(instance, "_filed_case_ids", []))


def _filed(sender, term):
    """The cases filed under `term`. Region.save() saves every region below it too, so each
    region names only its own cases."""
    cases = CasePage.objects.filter(tags=term) if sender is Tag else term.cases
    return sorted(cases.values_list("pk", flat=True))


def _vocabulary(sender, term):
    with transaction.atomic():
        vocabulary_changed.send(sender=sender, term=term, case_ids=_filed(sender, term))


def connect():
    """Connected by CasesConfig.ready()."""
    handlers = [
        (page_published, _published, CasePage),
        (page_unpublished, _unpublished, CasePage),
        (post_delete, _deleted, CasePage),
        (post_page_move, _moved, None),
        (post_save, _privacy_changed, PageViewRestriction),
        (post_delete, _privacy_changed, PageViewRestriction),
        *((post_save, _vocabulary_saved, model) for model in VOCABULARIES),
        *((pre_delete, _vocabulary_deleting, model) for model in VOCABULARIES),
        *((post_delete, _vocabulary_deleted, model) for model in VOCABULARIES),
    ]
    for signal, handler, sender in handlers:
        name = sender.__name__ if sender else "any"
        signal.connect(handler, sender=sender, dispatch_uid=f"cases-{handler.__name__}-{name}")
