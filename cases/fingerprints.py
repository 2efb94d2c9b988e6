"""A case's body text made comparable, to find the same case imported twice: a fingerprint of
the whole (the same text, whatever its spacing, punctuation or script) and its overlap with
another's. Used by the case model, the importer and migrations, which must all agree: a change
to what comparable() keeps (search.text.fold included) needs a migration running
refill_fingerprints, or copies imported before it are no longer recognised."""

import hashlib
import re
from collections.abc import Mapping, Sequence

from search.text import fold

_TAG = re.compile(r"<[^>]+>")
# Keys of a body block that name its structure, not its text.
_STRUCTURE = {"type", "id", "kind"}
SHINGLE = 8  # characters a piece of text is compared by


def body_text(blocks):
    """The text of a StreamField body's raw blocks (headings, paragraphs), tags removed."""
    return " ".join(_TAG.sub(" ", text) for text in _strings(blocks))


def _strings(value):
    # Mapping and Sequence: a StreamValue's raw data is a sequence of its own kind, not a list.
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        # Keys in order: PostgreSQL's jsonb hands a block's keys back in an order of its own.
        for key in sorted(value):
            if key not in _STRUCTURE:
                yield from _strings(value[key])
    elif isinstance(value, Sequence):
        for item in value:
            yield from _strings(item)


def comparable(text):
    """Letters and digits only, folded (繁/简, width, case): what two copies of a text share."""
    return "".join(character for character in fold(text) if character.isalnum())


def fingerprint(text):
    """A digest of the comparable text; empty for a text without letters."""
    letters = comparable(text)
    return hashlib.sha256(letters.encode()).hexdigest() if letters else ""


def overlap(one, other):
    """The share of the shorter text's pieces the other holds too (0 to 1)."""
    first, second = _shingles(comparable(one)), _shingles(comparable(other))
    if not first or not second:
        return 0.0
    return len(first & second) / min(len(first), len(second))


def _shingles(letters):
    return {letters[start : start + SHINGLE] for start in range(max(len(letters) - SHINGLE + 1, 0))}


def refill_fingerprints(apps, schema_editor):
    """A data migration's step: every case's fingerprint as save() would make it now. It reads
    raw block data only, so it does not depend on the model's code."""
    CasePage = apps.get_model("cases", "CasePage")
    for page in CasePage.objects.only("pk", "body").iterator():
        digest = fingerprint(body_text(page.body.raw_data))
        CasePage.objects.filter(pk=page.pk).update(body_fingerprint=digest)
