"""Turning what a reader typed into the words and phrases an engine searches for (pipeline
terms), and the backend query Wagtail's own search takes for them."""

import re
from dataclasses import dataclass, field

from wagtail.search.query import And, MatchAll, Or, PlainText

from .text import fold, normalise, query_words, word_parts

MAX_QUERY_LENGTH = 100
MAX_WORDS = 12
# Quoted phrases, in ASCII or Chinese quotation marks.
PHRASE = re.compile(r'"([^"]*)"|“([^”]*)”|「([^」]*)」|‘([^’]*)’')
# Function words that only narrow a query when typed beside real words.
STOP_WORDS = {"的", "了", "和", "与", "及", "在", "是", "对", "等", "之", "中", "或"}


@dataclass
class ParsedQuery:
    text: str = ""
    words: list = field(default_factory=list)
    phrases: list = field(default_factory=list)
    truncated: bool = False

    def __bool__(self):
        return bool(self.words)

    def backend_query(self):
        """All words required; a compound matches as a whole or as all of its parts."""
        if not self.words:
            return MatchAll()
        return And([self._word_query(word) for word in self.words])

    def whole_words_query(self):
        """All words required as written, none split into parts; None when no word has parts."""
        if not any(word_parts(word) for word in self.words):
            return None
        return And([PlainText(word) for word in self.words])

    @staticmethod
    def _word_query(word):
        parts = word_parts(word)
        if not parts:
            return PlainText(word)
        return Or([PlainText(word), And([PlainText(part) for part in parts])])

    def highlight_terms(self):
        """Strings to mark in original text: the phrases, the words and their parts, longest first."""
        terms = set(self.phrases) | set(self.words)
        for word in self.words:
            terms.update(part for part in word_parts(word) if len(part) > 1)
        return sorted(terms, key=len, reverse=True)


def parse_query(raw):
    """Parse a query; never fails, whatever the input."""
    text = " ".join(normalise(raw or "").split())
    truncated = len(text) > MAX_QUERY_LENGTH
    text = text[:MAX_QUERY_LENGTH]
    phrases = []

    def take_phrase(match):
        phrase = next((group for group in match.groups() if group is not None), "")
        folded = "".join(fold(phrase).split())
        if folded:
            phrases.append(folded)
        return f" {phrase} "

    words = []
    for word in query_words(PHRASE.sub(take_phrase, text)):
        if word not in words:
            words.append(word)
    meaningful = [word for word in words if word not in STOP_WORDS]
    words = (meaningful or words)[:MAX_WORDS]
    return ParsedQuery(text=text, words=words, phrases=phrases, truncated=truncated)
