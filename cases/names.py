"""The names the domain gives things, which the segmenter must keep whole: vocabulary terms,
places (also without 省/市/县) and the published cases' model names."""

from django.db import DatabaseError, transaction

from search.text import place_words

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
            # Only published names: a draft must not change how public text is cut.
            words += CasePage.objects.live().public().exclude(model_name="").values_list("model_name", flat=True)
    except DatabaseError:
        return []
    return words
