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
            start = max(0, best.start() - length // 3)
            end = min(len(text), start + length)
            return mark_safe(
                ("…" if start else "") + highlight(text[start:end], terms) + ("…" if end < len(text) else "")
            )
    first = texts[0] if texts else ""
    return mark_safe(escape(first[:length]) + ("…" if len(first) > length else ""))
