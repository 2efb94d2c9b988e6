"""A case page's related cases: those its editor picked, else the most similar published ones."""

import heapq
from collections import Counter

from search.catalogue import catalogue
from search.text import search_terms

CANDIDATES = 12


def _terms(case):
    return set(search_terms(" ".join((case.title, case.model_name, case.summary))))


# One int a case: shared problems, themes and tags in its high digits (fewer than 1,000 each), how
# recently it was first published in the low ones, so that one comparison orders the candidates.
TAG, THEME, PROBLEM = 10**7, 10**10, 10**13


def _picked_and_sharing(case, theme_ids, problem_ids, tag_ids):
    """(case ids, shared): the published cases the editor picked, in their order (shared None);
    or, when there are none, the CANDIDATES sharing most problems, then themes, then tags, then
    the most recently published, with {case id: (shared problems, themes, tags)}.

    Counted on the search catalogue's sets of cases per term: in SQL, joining the links of a
    common theme (thousands of cases) cost more than the rest of the page.
    """
    shown = catalogue()
    picked = [pk for pk in shown.picks.get(case.pk, ()) if pk in shown.order and pk != case.pk]
    if picked:
        return picked, None
    score = Counter()
    for facet, ids, weight in (("problem", problem_ids, PROBLEM), ("theme", theme_ids, THEME), ("tag", tag_ids, TAG)):
        for term in ids:
            score.update(dict.fromkeys(shown.filters.get((facet, term), ()), weight))
    score.pop(case.pk, None)
    recency = shown.recency
    best = heapq.nlargest(CANDIDATES, score, key=lambda pk: score[pk] + recency[pk])
    return best, {pk: (score[pk] // PROBLEM, score[pk] // THEME % 1000, score[pk] // TAG % 1000) for pk in best}


def related_cases(case, theme_ids, problem_ids, tag_ids, limit=4):
    """(cases, automatic): the published cases the editor picked, in order; or, when none
    were picked (automatic), those sharing the most problems, then themes, then tags, then
    words of the title, model name and summary. Never `case` itself."""
    from .browse import published_cases

    ids, shared = _picked_and_sharing(case, theme_ids, problem_ids, tag_ids)
    # Shown as a title and place: the body (StreamField JSON, the bulk of a row) is not read.
    found = published_cases().prefetch_related(None).defer("body").in_bulk(ids)
    cases = [found[pk] for pk in ids if pk in found]
    if shared is None:
        return cases, False
    own = _terms(case)

    def closeness(other):
        words = _terms(other)
        return (*shared[other.pk], len(own & words) / (len(own | words) or 1))

    return sorted(cases, key=closeness, reverse=True)[:limit], True
