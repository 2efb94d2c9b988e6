"""Cases similar to a case, for pages whose editor picked no related cases."""

from django.db.models import Count, Q

from search.text import search_terms

CANDIDATES = 12


def _terms(case):
    return set(search_terms(" ".join((case.title, case.model_name, case.summary))))


def similar_cases(case, theme_ids, problem_ids, tag_ids, limit=4):
    """Published cases sharing the most problems, then themes, then tags, then words of the
    title, model name and summary; never `case` itself."""
    from .browse import published_cases

    candidates = (
        published_cases().prefetch_related(None).exclude(pk=case.pk)
        .annotate(
            shared_problems=Count("problems", filter=Q(problems__in=problem_ids), distinct=True),
            shared_themes=Count("themes", filter=Q(themes__in=theme_ids), distinct=True),
            shared_tags=Count("tagged_items", filter=Q(tagged_items__tag__in=tag_ids), distinct=True),
        )
        .order_by("-shared_problems", "-shared_themes", "-shared_tags", "-first_published_at")[:CANDIDATES]
    )
    own = _terms(case)

    def closeness(other):
        words = _terms(other)
        overlap = len(own & words) / (len(own | words) or 1)
        return (other.shared_problems, other.shared_themes, other.shared_tags, overlap)

    ranked = sorted(candidates, key=closeness, reverse=True)
    return [other for other in ranked if closeness(other) > (0, 0, 0, 0)][:limit]
