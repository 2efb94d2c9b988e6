"""Training collections (培训专题) that match a search: shown in their own block above the case
results, neither ranked with the cases nor counted in their facets.

Collections are few (a trainer's curated sets), so they are read and matched here, in Python,
with the same understanding of the query as the cases get: every word looked for in text, or
one of its synonyms, in the collection's title, audience, goals or introduction.
"""

from cases.blocks import html_paragraphs
from cases.models import TrainingCollectionPage

from .text import compact

MAX_COLLECTIONS = 3


def _text(collection):
    parts = [
        collection.title,
        collection.audience,
        collection.learning_goals,
        *html_paragraphs(collection.introduction),
    ]
    return compact(" ".join(part for part in parts if part))


def matching_collections(query):
    """The newest live, public collections holding every word of `query` (a ParsedQuery)."""
    words = query.text_words
    if not words:
        return []
    found = []
    for collection in TrainingCollectionPage.objects.live().public().order_by("-first_published_at"):
        text = _text(collection)
        if all(any(compact(each) in text for each in query.alternatives(word)) for word in words):
            found.append(collection)
            if len(found) == MAX_COLLECTIONS:
                break
    return found
