"""Turning what a reader typed into what an engine searches for: the words (pipeline terms),
the vocabulary terms the query names (concepts), quoted phrases, and the corrections made."""

import re
from dataclasses import dataclass, field

from .text import compact, drop_controls, fold, normalise, query_words, understand, word_parts

MAX_QUERY_LENGTH = 100
MAX_WORDS = 12
# Quoted phrases, in ASCII or Chinese quotation marks.
PHRASE = re.compile(r'"([^"]*)"|“([^”]*)”|「([^」]*)」|‘([^’]*)’')


@dataclass(frozen=True)
class Concept:
    """A vocabulary term the query names: it matches the cases filed under the term, and the
    texts holding every one of `words` (what was typed for it)."""

    kind: str  # the filter it is a value of: problem, theme, domain
    pk: int
    slug: str
    name: str
    aliases: tuple
    words: tuple


@dataclass
class ParsedQuery:
    text: str = ""  # as typed, shown back and carried in links: controls dropped, spaces collapsed
    words: list = field(default_factory=list)
    phrases: list = field(default_factory=list)
    concepts: list = field(default_factory=list)
    corrections: list = field(default_factory=list)  # (typed, meant): pinyin read, slips corrected
    synonyms: dict = field(default_factory=dict)  # word → the words meaning the same (each also matches)
    truncated: bool = False

    def __bool__(self):
        return bool(self.words or self.concepts)

    @property
    def text_words(self):
        """Every word typed that an engine looks for in text: the words and the concepts' words."""
        found = list(self.words)
        for concept in self.concepts:
            found += [word for word in concept.words if word not in found]
        return found

    def alternatives(self, word):
        """A word and the words meaning the same: a text holding any of them holds the word."""
        return (word, *self.synonyms.get(word, ()))

    @property
    def ranked_words(self):
        """The words relevance is scored on: every word typed and the words meaning the same."""
        return list(dict.fromkeys(other for word in self.text_words for other in self.alternatives(word)))

    @property
    def partial(self):
        """Whether a match may hold only some of the words relevance is scored on (a concept's
        filed cases, a synonym), so that relevance must score any of them, not all."""
        return bool(self.concepts or self.synonyms)

    @property
    def best_match_possible(self):
        """Whether a best match may answer when no case holds every clause: not for a single
        clause, nor when a quoted phrase must appear as written."""
        return len(self.clauses) >= 2 and not self.phrases

    @property
    def clauses(self):
        """What a match holds, one clause each: a word, or a Concept."""
        return [*self.words, *self.concepts]

    def has_compounds(self):
        """Whether a word matches through all of its parts too (户联理事会 → 户联/理事会)."""
        return any(word_parts(word) for word in self.text_words)

    def highlight_terms(self):
        """Strings to mark in original text: the phrases, the words (and the words meaning the
        same, through which a case may match) and their parts, the concepts' names and aliases,
        longest first."""
        words = self.ranked_words
        terms = set(self.phrases) | set(words)
        for word in words:
            terms.update(part for part in word_parts(word) if len(part) > 1)
        for concept in self.concepts:
            terms.update(fold(name) for name in (concept.name, *concept.aliases))
        return sorted(terms, key=len, reverse=True)


def parse_query(raw, as_typed=False, keep=()):
    """Parse a query; never fails, whatever the input. `as_typed`: read no pinyin, correct no
    slip; `keep`: spans typed that are not to be read or corrected (the cases use them)."""
    text = " ".join(drop_controls(raw).split())
    truncated = len(text) > MAX_QUERY_LENGTH
    text = text[:MAX_QUERY_LENGTH]
    phrases = []

    def take_phrase(match):
        phrase = next((group for group in match.groups() if group is not None), "")
        folded = compact(phrase)
        if folded:
            phrases.append(folded)
        return " "

    unquoted = PHRASE.sub(take_phrase, normalise(text))
    understood = understand(unquoted, as_typed=as_typed, keep=frozenset(keep))
    words = []
    # Quoted text is searched as written: its words, no terms recognised, nothing corrected.
    for word in [*understood.words, *(word for phrase in phrases for word in query_words(phrase))]:
        if word not in words:
            words.append(word)
    concepts = [
        Concept(
            mention.term.kind,
            mention.term.pk,
            mention.term.slug,
            mention.term.name,
            mention.term.aliases,
            tuple(query_words(mention.typed)),
        )
        for mention in understood.mentions
    ]
    return ParsedQuery(
        text=text,
        words=words[:MAX_WORDS],
        phrases=phrases,
        concepts=concepts[:MAX_WORDS],
        corrections=understood.corrections,
        synonyms={word: understood.synonyms[word] for word in words[:MAX_WORDS] if word in understood.synonyms},
        truncated=truncated,
    )
