"""The database engine: the index in the database (SQLite FTS5, PostgreSQL tsvector) finds which
cases match; the catalogue of published cases in memory filters, ranks the tiers and counts
facets on bit sets (case_sets), so a word matching every case costs little more than a rare one.
"""

import logging

from django.db import DatabaseError, transaction

from cases.models import CasePage
from search.facets import MAX_VALUES
from search.ranking import TIERS
from search.text import fold, word_parts

from ..interface import SearchPage, SimilarCases
from . import index as case_index
from .case_sets import CaseSet
from .catalogue import RankedIds, catalogue
from .fulltext import matching_cases, relevance_ranking, worth_ranking

logger = logging.getLogger(__name__)
# A quoted phrase is checked against each candidate's text, read from the database: only this
# many candidates, the best (or newest) first, so that a quoted common word costs a bounded read.
PHRASE_CANDIDATES = 1000


def _tier_members(tier, words):
    """The cases in `tier` for `words` (a CaseSet, published or not), or None when the query
    has no such tier."""
    if tier.name == "title":
        return catalogue().in_title(words)
    if tier.name == "headline":
        return matching_cases(words, title_only=True)
    if tier.name == "as_written":
        return matching_cases(words, whole_words=True) if any(word_parts(word) for word in words) else None
    raise ValueError(f"unknown rank tier {tier.name}")


def ranked_ids(query, allowed, notes=None):
    """The cases among `allowed` (a CaseSet) matching `query`, best first (a RankedIds); what the
    reader should know of the search is added to `notes`."""
    words = query.words
    matched = matching_cases(words)
    matches = allowed & matched
    if not matches:
        return RankedIds([])
    tiers = [matches]
    for tier in TIERS:
        members = _tier_members(tier, words)
        if members is not None:
            tiers = [part for group in tiers for part in (group & members, group - members)]
    if worth_ranking(len(matched)):
        ranked = RankedIds(tiers, rank=relevance_ranking(words))
    else:
        ranked = RankedIds(tiers, catalogue().listing)
    return _with_phrases(ranked, query.phrases, notes) if query.phrases else ranked


def _with_phrases(ids, phrases, notes):
    """Of the first PHRASE_CANDIDATES in `ids` (a RankedIds), the cases whose original text holds
    every quoted phrase as written (ignoring spaces), in the same order."""
    candidates = ids[:PHRASE_CANDIDATES]
    if len(ids) > PHRASE_CANDIDATES and notes is not None:
        notes.append(f"带引号的短语只在排在前 {PHRASE_CANDIDATES} 的结果中查找；加上其他搜索词或筛选条件可以缩小范围。")
    cases = (
        CasePage.objects.select_related("region", "domain")
        .prefetch_related("themes", "problems", "tags")
        .in_bulk(candidates)
    )
    kept = []
    for pk in candidates:
        case = cases.get(pk)
        if case is None:  # deleted since the catalogue last looked
            continue
        text = "".join(fold(case.search_headline() + case.body_text()).split())
        if all(phrase in text for phrase in phrases):
            kept.append(pk)
    return RankedIds([CaseSet.of(kept)], kept)


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


class DatabaseEngine:
    def search(self, request):
        listed = catalogue()
        allowed = listed.allowed(request.case_filter, under=request.under)
        if request.featured:
            allowed &= listed.featured_cases
        if request.within is not None:
            allowed &= CaseSet.of(request.within)
        query, notes = request.query, []
        if query and request.sort == "relevance":
            ids = ranked_ids(query, allowed, notes)
        else:
            if query:
                allowed &= matching_cases(query.words)
            order = listed.newest if request.sort == "recently_published" else listed.listing
            ids = RankedIds([listed.shown & allowed], order)
            if query.phrases:
                ids = _with_phrases(ids, query.phrases, notes)
        facets = listed.facet_counts(ids.members, request.facet_limit) if request.facets else {}
        return SearchPage(
            ids=ids[request.offset : request.offset + request.limit], total=len(ids), facets=facets, notes=notes
        )

    def similar(self, request):
        """The editor's picks, else the cases sharing most problems, then themes, then tags, then
        the most recently published.

        Counted on bitsets of the cases of each term, bit i the i-th least recent: in SQL, joining
        the links of a common theme (thousands of cases) cost more than the rest of the page, and
        a count per case in Python several ms at 10,000 cases.
        """
        listed = catalogue()
        picked = [pk for pk in listed.picks.get(request.case_id, ()) if pk in listed.shown and pk != request.case_id]
        if picked:
            return SimilarCases(ids=picked)
        groups = [
            [listed.recent_terms.get((name, term.pk), 0) for term in terms]
            for name, terms in (("problem", request.problems), ("theme", request.themes), ("tag", request.tags))
        ]
        planes = [plane for group in groups for plane in reversed(_count_planes(group))]
        candidates = 0
        for bits in (bits for group in groups for bits in group):
            candidates |= bits
        if request.case_id in listed.recency:
            candidates &= ~(1 << listed.recency[request.case_id])
        best = _highest(candidates, planes, request.limit)
        ids = [listed.ranked[rank] for rank in best]
        shared = {pk: tuple(sum(bits >> rank & 1 for bits in group) for group in groups) for pk, rank in zip(ids, best)}
        return SimilarCases(ids=ids, shared=shared)

    def index(self, case_ids):
        # In the caller's transaction: a change and its index rows commit together. A failure
        # (in a savepoint of its own) must not undo the change: logged, repaired by a rebuild.
        try:
            with transaction.atomic():
                case_index.update(case_ids)
        except DatabaseError:
            logger.exception("案例 %s 未能写入数据库搜索索引；请运行 manage.py search_index --rebuild。", case_ids)

    def rebuild(self, progress=None):
        return f"数据库案例索引，{case_index.rebuild(progress)} 个案例"

    def status(self):
        return f"数据库案例索引：{case_index.indexed_count()} 个案例（已发布 {len(catalogue().shown)} 个）"

    def catch_up(self):
        return 0  # written in each change's own transaction: never behind


def facet_counts(cases, limit=MAX_VALUES):
    """{filter name: [{"value", "label", "count"}]} for the published cases among `cases` (a
    CaseSet, or pks); at most `limit` values a facet (None: all), provinces and years always all."""
    if not isinstance(cases, CaseSet):
        cases = CaseSet.of(cases)
    return catalogue().facet_counts(cases, limit)
