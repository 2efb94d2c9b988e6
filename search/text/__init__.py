"""The Chinese text pipeline, a leaf that imports nothing of the project.

normalise → fold 繁→简 → segment with the domain dictionary (pipeline.py; the words are handed
in at start-up, dictionary.py); the segmented index fields pages declare (fields.py).
"""

from .dictionary import curated_words, place_words
from .pipeline import (
    CONTROL_CHARACTERS,
    SEARCH_ONLY_FOLDS,
    add_words,
    drop_controls,
    fold,
    index_text,
    normalise,
    query_words,
    reset_segmenter,
    search_terms,
    segmenter,
    strip_pinyin_notes,
    to_simplified,
    word_parts,
)

__all__ = [
    "CONTROL_CHARACTERS",
    "SEARCH_ONLY_FOLDS",
    "add_words",
    "curated_words",
    "drop_controls",
    "fold",
    "index_text",
    "normalise",
    "place_words",
    "query_words",
    "reset_segmenter",
    "search_terms",
    "segmenter",
    "strip_pinyin_notes",
    "to_simplified",
    "word_parts",
]
