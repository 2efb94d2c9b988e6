"""Training collections (培训专题) that match a search: shown in their own block above the case
results, neither ranked with the cases nor counted in their facets.

Collections are few (a trainer's curated sets), so they are read and matched here, in Python,
with the same understanding of the query as the cases get: every word looked for in text, or
one of its synonyms, in the collection's title, audience, goals or introduction. A collection is
shown only when its title or goals, which say what it is about, hold one of the words: a word
its introduction merely mentions (党员, in nearly every text here) does not make it an answer.
"""

from functools import lru_cache

from cases.blocks import html_paragraphs
from cases.models import TrainingCollectionPage

from .text import compact

MAX_COLLECTIONS = 3


@lru_cache(maxsize=1024)
def _searchable(title, audience, goals, introduction):
    """A collection's folded texts, (what it is about, all of it), made once per version of it
    in each process."""
    about = compact(" ".join(part for part in (title, goals) if part))
    parts = [title, audience, goals, *html_paragraphs(introduction)]
    return about, compact(" ".join(part for part in parts if part))


def _holds(text, alternatives):
    return any(each in text for each in alternatives)


def matching_collections(query):
    """The newest live, public collections holding every word of `query` (a ParsedQuery), one
    of them in their title or goals."""
    wanted = [{compact(each) for each in query.alternatives(word)} for word in query.text_words]
    if not wanted:
        return []
    found = []
    for collection in TrainingCollectionPage.objects.live().public().order_by("-first_published_at"):
        about, text = _searchable(
            collection.title, collection.audience, collection.learning_goals, collection.introduction
        )
        if all(_holds(text, alternatives) for alternatives in wanted) and any(
            _holds(about, alternatives) for alternatives in wanted
        ):
            found.append(collection)
            if len(found) == MAX_COLLECTIONS:
                break
    return found
