"""The Chinese text pipeline: the one place where text is normalised, folded and segmented.

Indexing and querying both call `search_terms()`, so a word is found exactly when the index
and the query agree on it: normalise (NFKC: full-width → half-width) → fold (Traditional →
Simplified, lower case) → segment (rjieba, search mode, with the domain dictionary).
"""

import re
import unicodedata
from functools import lru_cache

import opencc

# OpenCC keeps 著 in 著力/著重, which Simplified texts write 着力/着重: fold it for search only.
_SEARCH_ONLY_FOLDS = str.maketrans({"著": "着"})
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_PINYIN_NOTE = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùüǖǘǚǜ]{1,6}\)")


@lru_cache(maxsize=1)
def _converter():
    return opencc.OpenCC("t2s")


def normalise(text):
    """Unicode NFKC (full-width letters, digits and punctuation → half-width), no control characters."""
    return _CONTROL.sub(" ", unicodedata.normalize("NFKC", text or ""))


def to_simplified(text):
    """Traditional → Simplified, as readers see it (no search-only folds)."""
    return _converter().convert(text or "")


def strip_pinyin_notes(text):
    """Drop pinyin written after characters by some document sites: 鄉(xiāng) → 鄉."""
    return _PINYIN_NOTE.sub("", text or "")


def fold(text):
    """The comparable form of text: normalised, Simplified, search-only folds, lower case."""
    return to_simplified(normalise(text)).translate(_SEARCH_ONLY_FOLDS).lower()
