"""Keep the segmenter's dictionary and the index in step with the vocabularies."""

from django.db.models.signals import post_save
from wagtail.search import index

from cases.models import CasePage
from cases.taxonomy import Domain, Problem, Region, Theme

from .text import add_words, place_words


def vocabulary_saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    add_words(place_words(instance.name) if sender is Region else [instance.name])
    if not created:
        # Cases carry their terms' names in the index: a renamed term must reach them.
        # Region.save() saves its children too, so each region reindexes only its own cases.
        cases = instance.cases.all()
        for case in cases.specific():
            index.insert_or_update_object(case)


def case_saved(sender, instance, raw=False, **kwargs):
    if not raw and instance.live and instance.model_name:
        add_words([instance.model_name])


def connect():
    for model in (Domain, Problem, Region, Theme):
        post_save.connect(vocabulary_saved, sender=model, dispatch_uid=f"search-vocabulary-{model.__name__}")
    post_save.connect(case_saved, sender=CasePage, dispatch_uid="search-case-model-name")
