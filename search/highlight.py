"""Snippets and <mark> highlights, cut from the original text (never the segmented copy)."""

import re

from django.utils.html import escape
from django.utils.safestring import mark_safe

SNIPPET_LENGTH = 120


def _pattern(terms):
    terms = [term for term in terms if term]
    if not terms:
        return None
    return re.compile("|".join(re.escape(term) for term in sorted(terms, key=len, reverse=True)), re.IGNORECASE)


def highlight(text, terms):
    """`text` escaped, with every occurrence of `terms` wrapped in <mark>."""
    pattern = _pattern(terms)
    if pattern is None:
        return escape(text)
    pieces, last = [], 0
    for match in pattern.finditer(text):
        pieces += [escape(text[last : match.start()]), f"<mark>{escape(match.group())}</mark>"]
        last = match.end()
    pieces.append(escape(text[last:]))
    return mark_safe("".join(pieces))


# A window starts after and ends at one of these, so that it quotes whole clauses: a window cut
# inside a word or a number misquotes it (…5岁以上 out of 55岁以上, …源县 out of 翁源县).
_CLAUSE_MARKS = frozenset("。！？!?；;，,、：:")
# Where no clause mark is near, a window never splits a run of these (55, 3.2, 51%, 1,200,
# 12:45, GDP).
_RUN = re.compile(r"[0-9A-Za-z.%％．,:]")


def _ends_clause(text, position):
    """Whether a clause ends just before `position`: after a clause mark, not one between digits
    (1,200, 12:45)."""
    mark = text[position - 1]
    if mark not in _CLAUSE_MARKS:
        return False
    return not (text[position - 2 : position - 1].isdigit() and text[position : position + 1].isdigit())


def _clause_boundary(text, around, low, high):
    """The position in [low, high] nearest `around` just after a clause's end (or at either end
    of `text`), or None."""
    found = [
        position
        for position in range(max(0, low), min(len(text), high) + 1)
        if position in (0, len(text)) or _ends_clause(text, position)
    ]
    return min(found, key=lambda position: abs(position - around), default=None)


def _unsplit(text, position, step, limit):
    """`position` moved by `step` (at most `limit` characters) until it splits no run of digits
    or Latin letters; where the run is longer, `position` as it was."""
    moved = position
    while 0 < moved < len(text) and _RUN.match(text[moved - 1]) and _RUN.match(text[moved]):
        moved += step
        if abs(moved - position) > limit:
            return position
    return moved


def _window(text, first, last, length):
    """(start, end) of about `length` characters of `text` around text[first:last], at clause
    boundaries where there is one within a third of `length`."""
    slack = length // 3
    start = max(0, first - slack)
    if start:
        found = _clause_boundary(text, start, start - slack, first)
        start = found if found is not None else _unsplit(text, start, -1, slack)
    end = min(len(text), max(start + length, last))
    if end < len(text):
        found = _clause_boundary(text, end, max(last, end - slack), end + slack // 2)
        end = found if found is not None else _unsplit(text, end, 1, slack)
    return start, end


def _cut(text, start, end, terms):
    return mark_safe(("…" if start else "") + highlight(text[start:end], terms) + ("…" if end < len(text) else ""))


def snippet(texts, terms, length=SNIPPET_LENGTH):
    """A highlighted window of about `length` characters from the first of `texts` that
    matches, placed to show the most (and longest) different terms; the start of the first
    text when nothing matches."""
    pattern = _pattern(terms)
    texts = [" ".join(text.split()) for text in texts if text]
    for text in texts:
        matches = list(pattern.finditer(text)) if pattern else []
        if matches:

            def weight(start):
                # Whole query words outweigh their parts: a term counts by its length squared.
                found = {m.group().lower() for m in matches if start <= m.start() < start + length}  # noqa: B023 (used within this iteration)
                return sum(len(term) ** 2 for term in found)

            best = max(matches, key=lambda match: weight(max(0, match.start() - length // 3)))
            return _cut(text, *_window(text, best.start(), best.end(), length), terms)
    first = texts[0] if texts else ""
    return _cut(first, *_window(first, 0, 0, length), [])
