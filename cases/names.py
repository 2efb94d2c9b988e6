"""The names the domain gives things, handed to the text pipeline at start-up: the words the
segmenter must keep whole, the terms (and aliases) a query may name, the words a reader may
type in pinyin or mistype."""

from django.db import DatabaseError, transaction
from taggit.models import Tag

from search.text import Term, curated_words, place_words, vocabulary

from .models import CasePage
from .taxonomy import Domain, Problem, Region, Theme


def dictionary_words():
    """The names as the database holds them now ([] before the tables exist)."""
    words = []
    try:
        # A savepoint, so that a missing table (before migrate) cannot spoil a PostgreSQL transaction.
        with transaction.atomic():
            for model in (Theme, Problem, Domain):
                words += model.objects.values_list("name", flat=True)
            for name in Region.objects.values_list("name", flat=True):
                words += place_words(name)
            # Only published names (case_names): a draft must not change how public text is cut.
            words += case_names(CasePage.objects.all())
    except DatabaseError:
        return []
    return words


def case_names(cases):
    """The names the published ones of `cases` (a queryset) give, which the segmenter keeps
    whole: their model names and the townships and villages their texts name."""
    published = cases.visible()
    words = list(published.exclude(model_name="").values_list("model_name", flat=True))
    for places in published.exclude(named_places="").values_list("named_places", flat=True):
        words += places.split()
    return words


def vocabulary_terms():
    """The problems, themes and domains with their aliases, as search recognises them in what
    is typed ([] before the tables exist)."""
    terms = []
    try:
        with transaction.atomic():
            for kind, model in (("problem", Problem), ("theme", Theme), ("domain", Domain)):
                terms += [
                    Term(kind, term.pk, term.slug, term.name, tuple(term.alias_list))
                    for term in model.objects.order_by("pk")
                ]
    except DatabaseError:
        return []
    return terms


def lexicon_words(cases=None):
    """The words a reader may type in pinyin or mistype, once for each published case using
    them: places, the curated dictionary, model names, the places the texts name, the names
    they quote and tags (of `cases`, a queryset, if given)."""
    words = []
    try:
        with transaction.atomic():
            if cases is None:
                words += region_place_words() + curated_words()
            cases = CasePage.objects.all() if cases is None else cases
            words += case_names(cases)
            published = cases.visible()
            for names in published.exclude(quoted_names="").values_list("quoted_names", flat=True):
                words += names.split()
            words += Tag.objects.filter(cases_casepagetag_items__content_object__in=published).values_list(
                "name", flat=True
            )
    except DatabaseError:
        return []
    return words


def title_words(cases=None):
    """The words of the titles of the published ones of `cases` (a queryset; all cases if not
    given), counted as often as they use them: a reader may type them in pinyin or mistype them."""
    try:
        with transaction.atomic():
            published = (CasePage.objects.all() if cases is None else cases).visible()
            return vocabulary.spelled_words(published.values_list("title", flat=True))
    except DatabaseError:
        return []


def region_place_words():
    """Every region's name and its short form (商南县, 商南)."""
    return [word for name in Region.objects.values_list("name", flat=True) for word in place_words(name)]
