"""A case page's related cases: those its editor picked, else the most similar published ones."""

from search.catalogue import catalogue
from search.text import search_terms

CANDIDATES = 12


def _count_planes(bitsets):
    """The bit planes of how many of `bitsets` hold each bit: planes[i] holds bit i of the count."""
    planes = []
    for carry in bitsets:
        for level, plane in enumerate(planes):
            planes[level], carry = plane ^ carry, plane & carry
            if not carry:
                break
        if carry:
            planes.append(carry)
    return planes


def _highest(candidates, planes, limit):
    """Up to `limit` bits of `candidates`, highest first by the count the planes spell (most
    significant plane first), then by the bit itself."""
    chosen = []

    def take(bits, level, wanted):
        if wanted <= 0 or not bits:
            return
        if level == len(planes):
            while bits and len(chosen) < limit and wanted:
                top = bits.bit_length() - 1
                chosen.append(top)
                bits ^= 1 << top
                wanted -= 1
            return
        high = bits & planes[level]
        take(high, level + 1, wanted)
        take(bits & ~high, level + 1, wanted - high.bit_count())

    take(candidates, 0, limit)
    return chosen


def _picked_and_sharing(listed, case, theme_ids, problem_ids, tag_ids):
    """(case ids, shared): the published cases the editor picked, in their order (shared None);
    or, when there are none, the CANDIDATES sharing most problems, then themes, then tags, then
    the most recently published, with {case id: (shared problems, themes, tags)}.

    Counted on bitsets of the cases of each term, bit i the i-th least recent: in SQL, joining
    the links of a common theme (thousands of cases) cost more than the rest of the page, and
    a count per case in Python several ms at 10,000 cases.
    """
    picked = [pk for pk in listed.picks.get(case.pk, ()) if pk in listed.shown and pk != case.pk]
    if picked:
        return picked, None
    groups = [
        [listed.recent_terms.get((facet, term), 0) for term in ids]
        for facet, ids in (("problem", problem_ids), ("theme", theme_ids), ("tag", tag_ids))
    ]
    planes = [plane for group in groups for plane in reversed(_count_planes(group))]
    candidates = 0
    for bits in (bits for group in groups for bits in group):
        candidates |= bits
    if case.pk in listed.recency:
        candidates &= ~(1 << listed.recency[case.pk])
    best = _highest(candidates, planes, CANDIDATES)
    ids = [listed.newest[-1 - rank] for rank in best]  # rank 0 is the least recent
    shared = {pk: tuple(sum(bits >> rank & 1 for bits in group) for group in groups) for pk, rank in zip(ids, best)}
    return ids, shared


def _terms(listed, case):
    """The search words of a published case's title, model name and summary, kept with the catalogue."""
    memo = listed.memo.setdefault("similarity_terms", {})
    if case.pk not in memo:
        memo[case.pk] = set(search_terms(" ".join((case.title, case.model_name, case.summary))))
    return memo[case.pk]


def related_cases(case, theme_ids, problem_ids, tag_ids, limit=4):
    """(cases, automatic): the published cases the editor picked, in order; or, when none
    were picked (automatic), those sharing the most problems, then themes, then tags, then
    words of the title, model name and summary. Never `case` itself."""
    from .browse import published_cases

    listed = catalogue()
    ids, shared = _picked_and_sharing(listed, case, theme_ids, problem_ids, tag_ids)
    # Shown as a linked title and place, and compared by title, model name and summary.
    found = (
        published_cases()
        .select_related(None)
        .prefetch_related(None)
        .only("title", "url_path", "model_name", "summary", "region__full_name")
        .select_related("region")
        .in_bulk(ids)
    )
    cases = [found[pk] for pk in ids if pk in found]
    if shared is None:
        return cases, False
    # not kept: a preview shows a case as it is not published
    own = set(search_terms(" ".join((case.title, case.model_name, case.summary))))

    def closeness(other):
        words = _terms(listed, other)
        return (*shared[other.pk], len(own & words) / (len(own | words) or 1))

    return sorted(cases, key=closeness, reverse=True)[:limit], True
