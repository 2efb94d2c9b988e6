"""The segmenter's domain dictionary: a curated word list plus the names in the vocabularies.

Words only steer where text is cut; a word missing from one process's dictionary still
matches, because queries also look for the parts of a compound (see `text.word_parts`).
"""

import re

from django.conf import settings
from django.db import DatabaseError, transaction

CURATED_FILE = settings.FIXTURES_DIR / "search_dictionary.txt"
# 五常市 → 五常, 商南县 → 商南: people name places without the administrative suffix.
_PLACE_SUFFIX = re.compile(r"(省|市|县|区|自治州|地区)$")


def curated_words():
    lines = CURATED_FILE.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def place_words(name):
    short = _PLACE_SUFFIX.sub("", name)
    return [name, short] if short != name and len(short) >= 2 else [name]


def vocabulary_words():
    """Names of themes, problems, domains and regions, and the cases' model names."""
    from cases.models import CasePage
    from cases.taxonomy import Domain, Problem, Region, Theme

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


def words():
    return curated_words() + vocabulary_words()
