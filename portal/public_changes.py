"""What the public sees changing besides cases and vocabularies (which cases.signals journals):
other pages published, unpublished, moved or deleted, their view restrictions, images,
documents, sites, redirects and promoted search results. Each is journalled as a site change (cases.changes), which the
page cache follows; search's catalogue has nothing to update for them.
"""

from django.db.models.signals import post_delete, post_save
from wagtail.contrib.redirects.models import Redirect
from wagtail.contrib.search_promotions.models import SearchPromotion
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from cases.changes import ContentChange, record
from cases.models import CasePage


def _is_case(page):
    # A deleted case also arrives as its base Page row: ask its content type, not its class.
    return issubclass(page.specific_class or Page, CasePage)


def _page_changed(sender, instance, **kwargs):
    if not _is_case(instance):  # cases journal their own changes
        record(ContentChange.SITE)


def _restriction_changed(sender, instance, **kwargs):
    try:
        page = instance.page
    except Page.DoesNotExist:  # the page is being deleted: journalled with it
        return
    if not _is_case(page):
        record(ContentChange.SITE)


def _saved(sender, raw=False, **kwargs):
    if not raw:
        record(ContentChange.SITE)


def connect():
    """Connected by PortalConfig.ready()."""
    page_published.connect(_page_changed, dispatch_uid="public-page-published")
    page_unpublished.connect(_page_changed, dispatch_uid="public-page-unpublished")
    post_page_move.connect(_page_changed, dispatch_uid="public-page-moved")
    post_delete.connect(_page_changed, sender=Page, dispatch_uid="public-page-deleted")
    post_save.connect(_restriction_changed, sender=PageViewRestriction, dispatch_uid="public-restriction-saved")
    post_delete.connect(_restriction_changed, sender=PageViewRestriction, dispatch_uid="public-restriction-deleted")
    for model in (get_image_model(), get_document_model(), Site, Redirect, SearchPromotion):
        label = model._meta.label_lower
        post_save.connect(_saved, sender=model, dispatch_uid=f"public-{label}-saved")
        post_delete.connect(_saved, sender=model, dispatch_uid=f"public-{label}-deleted")
