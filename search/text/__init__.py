"""The Chinese text pipeline, a leaf that imports nothing of the project.

normalise → fold 繁→简 → segment with the domain dictionary (pipeline.py; the words are handed
in at start-up, dictionary.py); the segmented index fields pages declare (fields.py); the terms,
aliases and pinyin of the domain's words (vocabulary.py), and what a query means by them
(understanding.py).
"""

from . import meaning, vocabulary
from .dictionary import curated_words, place_words
from .pipeline import (
    CONTROL_CHARACTERS,
    SEARCH_ONLY_FOLDS,
    SPOKEN_PLUS,
    add_words,
    compact,
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
from .understanding import Understood, meaningful_words, plain_pinyin, understand
from .vocabulary import Mention, Term

__all__ = [
    "meaning",
    "CONTROL_CHARACTERS",
    "Mention",
    "Term",
    "Understood",
    "SEARCH_ONLY_FOLDS",
    "SPOKEN_PLUS",
    "add_words",
    "compact",
    "curated_words",
    "drop_controls",
    "fold",
    "index_text",
    "meaningful_words",
    "normalise",
    "place_words",
    "plain_pinyin",
    "query_words",
    "reset_segmenter",
    "search_terms",
    "segmenter",
    "strip_pinyin_notes",
    "to_simplified",
    "understand",
    "vocabulary",
    "word_parts",
]
