"""The database engine: the index in the database (SQLite FTS5, PostgreSQL tsvector) finds which
cases match; the catalogue of published cases in memory filters, ranks the tiers and counts
facets on bit sets (case_sets), so a word matching every case costs little more than a rare one.
"""

import logging
from functools import reduce
from operator import and_, or_

import numpy as np
from django.db import DatabaseError, transaction

from cases.models import CasePage
from search.facets import MAX_VALUES
from search.query import Concept
from search.ranking import (
    TIERS,
    best_match_floor,
    best_match_notes,
    clause_weight,
    named_for_best_match,
    unseen_clauses,
    unseen_notes,
)
from search.text import fold

from ..interface import SearchPage, SimilarCases
from . import index as case_index
from .case_sets import CaseSet
from .catalogue import RankedIds, catalogue, pinned
from .fulltext import matching_cases, ranks_by_idf, relevance_ranking, worth_ranking

logger = logging.getLogger(__name__)
# A quoted phrase is checked against each candidate's text, read from the database: only this
# many candidates, the best (or newest) first, so that a quoted common word costs a bounded read.
PHRASE_CANDIDATES = 1000


def _tier_members(tier, query):
    """The cases in `tier` for `query` (a CaseSet, published or not), or None when the query
    has no such tier."""
    words = query.text_words
    if tier.name == "named":
        return _filed_under_all(query.concepts) if query.concepts else None
    if tier.name == "title":
        return catalogue().in_title(words)
    if tier.name == "headline":
        return matching_cases(words, title_only=True)
    if tier.name == "as_written":
        return matching_cases(words, whole_words=True) if query.has_compounds() else None
    raise ValueError(f"unknown rank tier {tier.name}")


def _filed(concept):
    return catalogue().filed_under(concept.kind, concept.pk)


def _filed_under_all(concepts):
    return reduce(and_, map(_filed, concepts))


class Clauses:
    """What each clause of one search's query matches (a CaseSet), read from the index once:
    matching, best match and the facets all ask. It also keeps how many cases each word read on
    its own matched, for the ranking (fulltext.relevance_ranking)."""

    def __init__(self, query):
        self.query = query
        self.counts = {}  # word → how many cases it matches, for each word read alone
        self._cases = {}
        self._words = {}

    def cases(self, clause):
        """A word's (or a word's meaning the same), or a concept's (filed under its term, or
        holding every word typed for it)."""
        if clause not in self._cases:
            if isinstance(clause, Concept):
                found = _filed(clause) | matching_cases(list(clause.words))  # no words: only the filed cases
            else:
                found = reduce(or_, (self._word(word) for word in self.query.alternatives(clause)))
            self._cases[clause] = found
        return self._cases[clause]

    def _word(self, word):
        # A word may also mean another of the query's words (拍板 → 决策): read once all the same.
        if word not in self._words:
            self._words[word] = matching_cases([word])
            self.counts[word] = len(self._words[word])
        return self._words[word]

    def matching_all(self):
        """The cases holding every clause."""
        query = self.query
        plain = [word for word in query.words if word not in query.synonyms]
        if len(plain) == 1 or (query.partial and ranks_by_idf()):
            # A lone word costs the same read either way. A query ranked by any word, where the
            # ranking leaves common words out (fulltext.ranks_by_idf), reads each word alone so that
            # it knows which are common (and a best match has them at hand).
            found = reduce(and_, map(self.cases, plain), catalogue().shown)
        else:
            found = matching_cases(plain) if plain else catalogue().shown
        for clause in query.clauses:
            if isinstance(clause, Concept) or clause in query.synonyms:
                found = found & self.cases(clause)
        return found

    def ranking(self, any_word=False):
        query = self.query
        return relevance_ranking(query.ranked_words, any_word=any_word or query.partial, counts=self.counts)


def ranked_ids(clauses, allowed, notes, matched):
    """The cases among `allowed` (a CaseSet) matching the query of `clauses` (Clauses), best
    first (a RankedIds); what the reader should know of the search is added to `notes`.
    `matched`: clauses.matching_all()."""
    query = clauses.query
    matches = allowed & matched
    if not matches:
        return _best_matches(clauses, allowed, notes)
    tiers = [matches]
    for tier in TIERS:
        members = _tier_members(tier, query)
        if members is not None:
            tiers = [part for group in tiers for part in (group & members, group - members)]
    if worth_ranking(len(matched)):
        ranked = RankedIds(tiers, catalogue().listing, rank=clauses.ranking())
    else:
        ranked = RankedIds(tiers, catalogue().listing)
    return _with_phrases(ranked, query.phrases, notes) if query.phrases else ranked


def _best_matches(clauses, allowed, notes, order=None):
    """When no case holds every clause: the cases holding at least search.ranking's share of the
    clauses' weight, the most first (a RankedIds, empty when none holds enough)."""
    query = clauses.query
    if not query.best_match_possible:
        return RankedIds([])
    listed = catalogue()
    found = [clauses.cases(clause) & listed.shown for clause in query.clauses]
    matches = [len(cases) for cases in found]
    weights = [clause_weight(count, len(listed.shown)) for count in matches]
    scores = np.zeros(listed.size, dtype=np.int64)
    for cases, weight in zip(found, weights):
        scores[cases.pks()] += weight
    floor = best_match_floor(weights, matches)
    named = named_for_best_match(query.concepts)
    if named:
        filed = (_filed_under_all(named) & listed.shown).pks()
        scores[filed] = np.maximum(scores[filed], floor)
    candidates = np.flatnonzero(scores >= floor)
    candidates = candidates[allowed.holds(candidates)]
    if not len(candidates):
        return RankedIds([])
    if notes is not None:
        notes += best_match_notes(query.clauses, matches)
    if order is not None:
        return RankedIds([CaseSet.of(candidates)], order)
    held = scores[candidates]
    tiers = [CaseSet.of(candidates[held == score]) for score in np.unique(held)[::-1]]
    if not worth_ranking(len(candidates)):
        return RankedIds(tiers, listed.listing)
    return RankedIds(tiers, listed.listing, rank=clauses.ranking(any_word=True))


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
        with pinned(catalogue()) as listed:
            return self._search(listed, request)

    def _search(self, listed, request):
        scope = listed.within(request.under)
        if request.featured:
            scope &= listed.featured_cases
        if request.within is not None:
            scope &= CaseSet.of(request.within)
        passing = listed.passing(request.case_filter)
        allowed = reduce(and_, passing.values(), scope)
        query, notes = request.query, []
        clauses = Clauses(query)
        matched = clauses.matching_all() if query else listed.shown  # read once: the facets need it too
        if query and request.sort == "relevance":
            ids = ranked_ids(clauses, allowed, notes, matched)
        else:
            order = listed.newest if request.sort == "recently_published" else listed.listing
            ids = RankedIds([listed.shown & allowed & matched], order)
            if query and not ids:
                ids = _best_matches(clauses, allowed, notes, order)
            if query.phrases:
                ids = _with_phrases(ids, query.phrases, notes)
        unseen = []
        if query and not ids and query.best_match_possible:
            unseen = unseen_clauses(
                query.clauses, [len(clauses.cases(clause) & listed.shown) for clause in query.clauses]
            )
            notes += unseen_notes(unseen)
        facets = (
            _facet_counts(request, clauses, ids.members, scope, passing, matched, allowed) if request.facets else {}
        )
        return SearchPage(
            ids=ids[request.offset : request.offset + request.limit],
            total=len(ids),
            facets=facets,
            notes=notes,
            unseen=unseen,
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


def _facet_counts(request, clauses, members, scope, passing, matched, allowed):
    """The facets of a search listing `members`: a facet whose filter is in force counts the
    search without that filter (what each of its other values would add), the rest `members`.
    Best matches or not, as the search decided under all its filters (so does the cluster)."""
    listed = catalogue()
    if not passing:
        return listed.facet_counts(members, request.facet_limit)
    query = request.query
    best_match = bool(query) and query.best_match_possible and not (listed.shown & allowed & matched)
    pool = _members(clauses, scope, best_match, matched)
    own = {name: reduce(and_, (cases for other, cases in passing.items() if other != name), pool) for name in passing}
    return listed.facet_counts(members, request.facet_limit, own)


def _members(clauses, allowed, best_match, matched):
    """The cases among `allowed` a search for the query of `clauses` lists, unordered (a CaseSet):
    those holding every clause (`matched`), or (`best_match`, as the search decided) the best matches."""
    listed = catalogue()
    query = clauses.query
    if best_match:
        return _best_matches(clauses, allowed, None).members
    found = listed.shown & allowed & matched
    if query and query.phrases:
        return _with_phrases(RankedIds([found], listed.listing), query.phrases, None).members
    return found


def facet_counts(cases, limit=MAX_VALUES):
    """{filter name: [{"value", "label", "count"}]} for the published cases among `cases` (a
    CaseSet, or pks); at most `limit` values a facet (None: all), provinces and years always all."""
    if not isinstance(cases, CaseSet):
        cases = CaseSet.of(cases)
    return catalogue().facet_counts(cases, limit)
