"""A case page's related cases: those its editor picked, else the most similar published ones."""

from functools import lru_cache

from cases.models import CasePage

from .engines.interface import SimilarRequest, similar
from .text import search_terms

CANDIDATES = 12


def _words(case):
    return _words_of(" ".join((case.title, case.model_name, case.summary)))


@lru_cache(maxsize=4096)
def _words_of(text):
    # Kept: every view of a case page compares it with up to CANDIDATES others.
    return frozenset(search_terms(text))


def related_cases(case, themes, problems, tags, limit=4):
    """(cases, automatic): the published cases the editor picked, in order; or, when none were
    picked (automatic), those sharing the most problems, then themes, then tags, then words of
    the title, model name and summary. Never `case` itself. The terms are the case's as the page
    shows them (a preview's unsaved choices included)."""
    found = similar(
        SimilarRequest(
            case_id=case.pk, themes=tuple(themes), problems=tuple(problems), tags=tuple(tags), limit=CANDIDATES
        )
    )
    # Shown as a linked title and place, and compared by title, model name and summary.
    fetched = (
        CasePage.objects.published()
        .select_related(None)
        .prefetch_related(None)
        .only("title", "url_path", "model_name", "summary", "region__full_name")
        .select_related("region")
        .in_bulk(found.ids)
    )
    cases = [fetched[pk] for pk in found.ids if pk in fetched and pk != case.pk]
    if found.shared is None:
        return cases, False
    own = _words(case)

    def closeness(other):
        words = _words(other)
        return (*found.shared[other.pk], len(own & words) / (len(own | words) or 1))

    return sorted(cases, key=closeness, reverse=True)[:limit], True
