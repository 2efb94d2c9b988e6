"""The published cases in memory: what search needs to filter, count facets and rank tiers.

A common word (党建) matches nearly every case. Filtering, ranking tiers and six facet counts
over ten thousand matches in SQL cost hundreds of ms a search; here sets of cases are bit masks
(case_sets) and a facet's counts one AND and a popcount per value, whatever the number of
matches. Filters and facets are those of cases.filters.FILTERS.

Loaded in a fixed number of queries, then kept up to date by each process from the change
journal (cases.changes), checked once a request: an entry naming cases updates just those
cases here, in a few queries; a vocabulary change, a restore or a change the catalogue cannot
place (a case past its headroom, see Catalogue.add) loads it afresh. Pages shown to
readers are still fetched with `CasePage.objects.published()`, so a catalogue one change behind
can miscount, never show an unpublished case. An entry is applied to a copy that then takes the
catalogue's place (what a change touches is copied, the rest shared), and a request keeps the
catalogue it first read: a reader in another thread never sees one half updated.
"""

import bisect
import logging
import threading
import time
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import reduce
from operator import or_

import numpy as np
from django.core.signals import request_finished, request_started
from django.db import connection
from django.db.models.signals import post_save
from wagtail.models import Page

from cases import changes
from cases.filters import BY_NAME, FILTERS, MAX_YEARS, case_years, in_year, year_label
from cases.models import CasePage, RelatedCase, vocabulary_links
from cases.pages import listing_year
from cases.taxonomy import Region
from search import journal, known_words
from search.text import fold, word_parts

from .case_sets import CaseSet

# The filters of a vocabulary linked to many cases (themes, problems, tags), in FILTERS' order.
VOCABULARIES = tuple(each for each in FILTERS if each.many)
# And of one term a case (domain), read from the case's own row.
TERM_COLUMNS = tuple(each for each in FILTERS if each.model and not (each.many or each.tree))
TREE = next(each for each in FILTERS if each.tree)
YEARS = next(each for each in FILTERS if each.year_range)
# Bits every packed set has beyond the highest pk loaded: room for the cases published next.
HEADROOM = 4096
# Cases an update applies one by one; past this (a library moved), loading afresh costs less.
APPLY_AT_MOST = 1000
logger = logging.getLogger(__name__)
# What the catalogue reads of each published case, through the covering index
# casepage_catalogue_idx (cases.models.CasePage.Meta); then its region and its term of each
# TERM_COLUMNS filter.
CASE_COLUMNS = ("pk", "title", "model_name", "year_started", "year_reported", "first_published_at", "path", "featured")
PK, TITLE, MODEL_NAME, STARTED, REPORTED, PUBLISHED_AT, PATH, FEATURED, REGION = range(9)


def _folded(texts):
    """{pk: text} folded as query words are (Traditional, full-width, case), in one pass over
    them all: one call on the joined texts costs a fraction of one a text."""
    joined = "\n".join(text.replace("\n", " ") for text in texts.values())
    return dict(zip(texts, fold(joined).split("\n")))


def _case_rows(cases):
    # Unordered: the catalogue orders them itself (_listing_key), and SQLite, asked to order,
    # would leave the covering index.
    return list(
        cases.prefetch_related(None)
        .order_by()
        .values_list(*CASE_COLUMNS, f"{TREE.field}_id", *(f"{each.field}_id" for each in TERM_COLUMNS))
    )


def _listing_key(row):
    """A case's place in CasePage.objects.published()'s order, as a sortable tuple."""
    year, published_at = listing_year(row[STARTED], row[REPORTED]), row[PUBLISHED_AT]
    return (year is None, -(year or 0), -(published_at.timestamp() if published_at else 0), row[PK])


def _published_time(row):
    return row[PUBLISHED_AT].timestamp() if row[PUBLISHED_AT] else float("-inf")


class TextColumn:
    """One short text of every case (a title, a model name) joined into one string, so that
    finding the cases holding a word is a str.split in C and a few array steps, not a Python
    loop over every case."""

    def __init__(self, texts):
        self.pks = np.fromiter(texts.keys(), dtype=np.int64, count=len(texts))
        lengths = np.fromiter((len(text) + 1 for text in texts.values()), dtype=np.int64, count=len(texts))
        self.starts = np.cumsum(lengths) - lengths  # where each text begins in `text`
        # A query word holds letters and digits only, never \n: no match runs across two texts.
        self.text = "\n".join(text.replace("\n", " ") for text in texts.values())

    def holding(self, word):
        """The cases whose text holds `word` (a CaseSet)."""
        pieces = self.text.split(word)
        if len(pieces) == 1:
            return CaseSet()
        # Where each occurrence begins: the text before it and the occurrences before it. split()
        # skips occurrences overlapping an earlier one, but never a text's first.
        before = np.cumsum(np.fromiter(map(len, pieces[:-1]), dtype=np.int64, count=len(pieces) - 1))
        found_at = before + np.arange(len(pieces) - 1) * len(word)
        return CaseSet.of(self.pks[np.searchsorted(self.starts, found_at, side="right") - 1])

    def holding_all(self, words):
        """The cases whose text holds every one of `words`."""
        return reduce(lambda found, word: found & self.holding(word), words[1:], self.holding(words[0]))


class RankedIds:
    """Matching case ids in rank order, as Paginator reads them: tiers (disjoint CaseSets, best
    first), each in `order` (an int array of pks, best first) or as `rank` (a function of one
    tier, returning its pks best first) puts it; what `rank` leaves out follows in `order`.

    A tier is put in order only once a slice reaches it: `rank` (bm25 in the database) is
    called for the first page's tier, not for every match."""

    def __init__(self, tiers, order=None, rank=None):
        self.tiers = [tier for tier in tiers if tier]
        self.members = reduce(or_, self.tiers, CaseSet())
        self.order = np.asarray(order if order is not None else (), dtype=np.int64)
        self.rank = rank
        self._length = len(self.members)
        self._in_order = {}  # tier's position → its pks in order (an array)

    def __len__(self):
        return self._length

    def __getitem__(self, index):
        if not isinstance(index, slice):
            raise TypeError("RankedIds takes slices")
        stop = index.indices(len(self))[1]
        ordered = []
        for position in range(len(self.tiers)):
            if len(ordered) >= stop:
                break
            ordered += self._tier_in_order(position)[: stop - len(ordered)].tolist()
        return ordered[index]

    def __iter__(self):
        return iter(self[:])

    def _tier_in_order(self, position):
        if position not in self._in_order:
            tier = self.tiers[position]
            ranked = self.order if self.rank is None else np.asarray(self.rank(tier), dtype=np.int64)
            ranked = ranked[tier.holds(ranked)]
            rest = tier - CaseSet.of(ranked)
            if self.rank is not None:  # what the rank leaves out, in the order
                listed = self.order[rest.holds(self.order)]
                ranked, rest = np.concatenate([ranked, listed]), rest - CaseSet.of(listed)
            # Whatever the order leaves out still counts (Paginator was told len()): last, by id.
            self._in_order[position] = np.concatenate([ranked, rest.pks()])
        return self._in_order[position]


@dataclass
class FacetValue:
    value: str  # the filter parameter's value (a slug, or a year)
    label: str
    sort_key: object  # ties of equal counts: as each facet lists them


@dataclass
class Facet:
    values: list  # [FacetValue]
    cases: np.ndarray  # row i: the cases of values[i], packed (CaseSet.packed)
    keys: list  # row i: the key of values[i] in Catalogue.filters, which shares the row
    always_all: bool = False  # every value listed, whatever the limit (provinces, years)


@dataclass
class Catalogue:
    listing: np.ndarray  # case pks in CasePage.objects.published() order
    listing_keys: list  # each one's _listing_key, in the same order
    shown: CaseSet  # the same cases
    size: int  # the bits of every packed set below: the highest pk loaded + 1 + HEADROOM
    titles: dict  # case pk → title, folded as query words are (search.text.fold)
    model_names: dict  # case pk → model name, folded
    years: dict  # case pk → (year started, year reported)
    recency: dict  # case pk → its rank by first publication (the latest highest)
    ranked: list  # rank → case pk
    published_at: dict  # case pk → its first publication (a timestamp)
    featured_ids: set  # the featured cases
    paths: dict  # case pk → page path (a case library's cases lie under its path)
    picks: dict  # case pk → the related cases its editor picked, in order
    parents: dict  # region pk → its parent's pk
    facets: dict  # filter name → Facet
    filters: dict = field(default_factory=dict)  # (filter name, term pk or year) → its cases, packed
    odd_years: set = field(default_factory=set)  # cases the year filters check one by one
    # (theme/problem/tag, term pk) → bitset of its cases' recency ranks: the most recent are the highest bits
    recent_terms: dict = field(default_factory=dict)
    memo: dict = field(default_factory=dict)  # what callers derive from the catalogue, dropped at each change
    # Packed sets (filter keys) and facet matrices (facet names) this catalogue may change in
    # place: its own, not shared with the catalogue it was copied from.
    owned: set = field(default_factory=set)

    def copy(self):
        """A catalogue to change while readers in other threads go on with this one: what add and
        remove change is copied here, or (packed sets, facet matrices) when they first change it."""
        facets = {
            name: replace(facet, values=list(facet.values), keys=list(facet.keys))
            for name, facet in self.facets.items()
        }
        return replace(
            self,
            listing_keys=list(self.listing_keys),
            titles=dict(self.titles),
            model_names=dict(self.model_names),
            years=dict(self.years),
            recency=dict(self.recency),
            ranked=list(self.ranked),
            published_at=dict(self.published_at),
            featured_ids=set(self.featured_ids),
            paths=dict(self.paths),
            picks=dict(self.picks),
            facets=facets,
            filters=dict(self.filters),
            odd_years=set(self.odd_years),
            recent_terms=dict(self.recent_terms),
            memo={},
            owned=set(),
        )

    def _own(self, key):
        """The packed set of filter key `key`, copied first if it is shared. A facet's rows are
        views of its matrix (facet counts read the matrix): the whole matrix is copied."""
        if key in self.owned:
            return self.filters[key]
        facet = self.facets.get(key[0])
        if facet is not None and key in facet.keys and facet.keys[0] not in self.owned:
            facet.cases = facet.cases.copy()
            for row, shared in enumerate(facet.keys):
                self.filters[shared] = facet.cases[row]
            self.owned.update(facet.keys)
        if key not in self.owned:
            self.filters[key] = self.filters[key].copy()
            self.owned.add(key)
        return self.filters[key]

    def _memo(self, key, make):
        value = self.memo.get(key)
        if value is None:
            value = self.memo[key] = make()
        return value

    @property
    def newest(self):
        """The shown cases' pks, the latest first published first."""

        def shown_latest_first():
            ranked = np.asarray(self.ranked[::-1], dtype=np.int64)
            return ranked[self.shown.holds(ranked)]

        return self._memo("newest", shown_latest_first)

    @property
    def featured_cases(self):
        return self._memo("featured cases", lambda: CaseSet.of(self.featured_ids))

    def allowed(self, case_filter, under=""):
        """The published cases (a CaseSet) `case_filter` (cases.filters.CaseFilter) lets through,
        below the page of tree path `under` if given."""
        allowed = self.within(under)
        for passing in self.passing(case_filter).values():
            allowed &= passing
        return allowed

    def within(self, under=""):
        """The published cases below the page of tree path `under` (all without one)."""
        return self.shown & self._below(under) if under else self.shown

    def passing(self, case_filter):
        """{filter name: the cases (a CaseSet) it lets through} of each filter in force."""
        return {
            each.name: reduce(or_, (self._passing(each, value) for value in values))
            for each, values in case_filter.chosen()
        }

    def _passing(self, each, value):
        if each.year_range:
            # The year's cases as its facet counts them, and those whose years that list leaves out.
            return self._filtered((each.name, value)) | CaseSet.of(
                pk for pk in self.odd_years if in_year(*self.years[pk], value)
            )
        return self._filtered((each.name, value.pk))

    def filed_under(self, kind, pk):
        """The published cases filed under a term (kind: its filter's name)."""
        return self._filtered((kind, pk))

    def _filtered(self, key):
        packed = self.filters.get(key)
        return CaseSet() if packed is None else CaseSet.unpacked(packed, self.size)

    def _below(self, path):
        return self._memo(
            ("below", path), lambda: CaseSet.of(pk for pk, at in self.paths.items() if at.startswith(path))
        )

    def in_title(self, words):
        """The published cases whose title or model name holds every word (or all of a word's parts)."""
        columns = [
            self._memo("title column", lambda: TextColumn(self.titles)),
            self._memo("model name column", lambda: TextColumn(self.model_names)),
        ]
        found = None
        for word in words:
            parts = word_parts(word)
            holding = CaseSet()
            for column in columns:
                holding |= column.holding(word)
                if parts:
                    holding |= column.holding_all(parts)
            found = holding if found is None else found & holding
        return found if found is not None else CaseSet()

    def facet_counts(self, cases, limit, own=None):
        """{facet: [{"value", "label", "count"}]} over the published cases among `cases`, or
        among own[facet] (a CaseSet) for a facet given its own."""
        own = own or {}
        counts = {}
        for name, facet in self.facets.items():
            chosen = (self.shown & own.get(name, cases)).packed(self.size)
            numbers = np.bitwise_count(facet.cases & chosen).sum(axis=1).tolist() if facet.values else []
            counted = [(-number, value.sort_key, value) for number, value in zip(numbers, facet.values)]
            ranked = sorted((row for row in counted if row[0]), key=lambda row: row[:2])
            if not facet.always_all and limit:
                ranked = ranked[:limit]
            counts[name] = [{"value": value.value, "label": value.label, "count": -count} for count, _, value in ranked]
        return counts

    def keys(self, row):
        """The (filter name, value) keys of `filters` a case row belongs to, but its many-valued
        vocabularies' (from its links)."""
        found = [(YEARS.name, year) for year in case_years(row[STARTED], row[REPORTED])]
        found += [(each.name, term) for each, term in zip(TERM_COLUMNS, row[REGION + 1 :]) if term]
        region = row[REGION]
        while region:  # the region and each region above it: the filter takes in what lies below
            found.append((TREE.name, region))
            region = self.parents[region]
        return found

    def remove(self, pk):
        """Take the case `pk` out (unpublished, made private, deleted, or about to be re-added)."""
        if pk not in self.shown:
            return
        position = int(np.flatnonzero(self.listing == pk)[0])
        self.listing = np.delete(self.listing, position)
        del self.listing_keys[position]
        self.shown = self.shown - CaseSet.of([pk])
        byte, bit = pk // 8, np.uint8(1 << (pk % 8))
        for key in [key for key, packed in self.filters.items() if packed[byte] & bit]:  # facet rows among them
            self._own(key)[byte] &= ~bit
        rank = self.recency[pk]  # kept: a case published again keeps its place
        for key, bits in self.recent_terms.items():
            if bits >> rank & 1:
                self.recent_terms[key] = bits & ~(1 << rank)
        for values in (self.titles, self.model_names, self.years, self.paths, self.picks):
            values.pop(pk, None)
        self.featured_ids.discard(pk)
        self.odd_years.discard(pk)
        self.memo.clear()

    def add(self, row, links, picks):
        """Put in a published case: its row (_case_rows), its (vocabulary filter name, term pk)
        links and its editor's picks. False, leaving it out, when it does not fit the packed sets
        or the ranks (a pk past the headroom, a term deleted meanwhile, a first publication older
        than the latest while not among the ranks): the catalogue must be loaded afresh."""
        pk = row[PK]
        if pk >= self.size or pk in self.shown or (row[REGION] and row[REGION] not in self.parents):
            return pk in self.shown
        keys = self.keys(row) + list(links)
        if not all(key in self.filters or self._add_value(key) for key in keys):
            return False
        rank = self.recency.get(pk)
        if rank is None:
            if self.ranked and _published_time(row) < self.published_at[self.ranked[-1]]:
                return False
            rank = self.recency[pk] = len(self.ranked)
            self.ranked.append(pk)
            self.published_at[pk] = _published_time(row)
        byte, bit = pk // 8, np.uint8(1 << (pk % 8))
        for key in keys:
            self._own(key)[byte] |= bit
        for key in links:
            self.recent_terms[key] = self.recent_terms.get(key, 0) | 1 << rank
        position = bisect.bisect_left(self.listing_keys, _listing_key(row))
        self.listing = np.insert(self.listing, position, pk)
        self.listing_keys.insert(position, _listing_key(row))
        self.shown = self.shown | CaseSet.of([pk])
        self.titles[pk], self.model_names[pk] = fold(row[TITLE]), fold(row[MODEL_NAME])
        self.years[pk], self.paths[pk] = (row[STARTED], row[REPORTED]), row[PATH]
        if picks:
            self.picks[pk] = picks
        if row[FEATURED]:
            self.featured_ids.add(pk)
        if _odd_years(*self.years[pk]):
            self.odd_years.add(pk)
        self.memo.clear()
        return True

    def _add_value(self, key):
        """Room for a filter value no case had when loaded (a year, a term, a region), with its
        facet row if it has one; False when the term is gone."""
        name, value = key
        each = BY_NAME[name]
        packed = np.zeros((self.size + 7) // 8, dtype=np.uint8)
        if each.tree and self.parents.get(value) is not None:
            self.filters[key] = packed  # below the provinces: filtered on, never a facet value
            self.owned.add(key)
            return True
        term = None if each.year_range else each.model.objects.filter(pk=value).first()
        if term is None and not each.year_range:
            return False
        label = _facet_value(each, value, term)
        facet = self.facets[name]
        facet.cases = np.vstack([facet.cases, packed[np.newaxis]])
        facet.values.append(label)
        facet.keys.append(key)
        for row, shared in enumerate(facet.keys):  # the filters share the new matrix's rows
            self.filters[shared] = facet.cases[row]
        self.owned.update(facet.keys)  # a new matrix: this catalogue's own
        return True


def _facet_value(each, value, term):
    """The FacetValue of a filter's value: a year, or a term (with what equal counts order by)."""
    if each.year_range:
        return FacetValue(str(value), year_label(value), each.tie_order(value))
    return FacetValue(term.slug, term.name, each.tie_order(term))


def _odd_years(start, end):
    # Reported before started, or over MAX_YEARS: case_years() does not list all their years.
    return bool(start and end and not 0 <= end - start <= MAX_YEARS)


def _term_links(case_ids=None):
    """(vocabulary's position in VOCABULARIES, case pk, term pk) of every theme, problem and tag
    link (of the cases `case_ids` only, if given): one query, ints only (with each term's slug
    and name it read six times as much)."""
    links = vocabulary_links()
    branches, params = [], []
    for code, each in enumerate(VOCABULARIES):
        table, case_column, term_column = links[each.name]
        where = ""
        if case_ids is not None:
            where = f" WHERE {case_column} IN ({', '.join(['%s'] * len(case_ids))})"
            params += list(case_ids)
        branches.append(f"SELECT {code}, {case_column}, {term_column} FROM {table}{where}")
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(branches), params)
        return np.array(cursor.fetchall(), dtype=np.int64).reshape(-1, 3)


def _term_names():
    """{(filter name, term pk): term} of every term of the flat vocabularies (not the region
    tree), with the attributes facets show and order by: one query."""
    flat = [each for each in FILTERS if each.model and not each.tree]
    with connection.cursor() as cursor:
        cursor.execute(
            " UNION ALL ".join(
                f"SELECT {code}, id, slug, name FROM {each.model._meta.db_table}" for code, each in enumerate(flat)
            )
        )
        return {(flat[code].name, pk): _Term(pk, slug, name) for code, pk, slug, name in cursor.fetchall()}


@dataclass
class _Term:
    pk: int
    slug: str
    name: str
    full_name: str = ""


def _grouped(keys, pks):
    """{key: the pks beside it} of two int arrays of equal length."""
    by_key = np.argsort(keys, kind="stable")
    keys, pks = keys[by_key], pks[by_key]
    found, starts = np.unique(keys, return_index=True)
    return dict(zip(found.tolist(), np.split(pks, starts[1:])))


def _picks(case_ids=None):
    """{case pk: the related cases its editor picked, in order}."""
    links = RelatedCase.objects.order_by("page_id", "sort_order", "pk")
    if case_ids is not None:
        links = links.filter(page_id__in=case_ids)
    picks = defaultdict(list)
    for page, case in links.values_list("page_id", "case_id"):
        picks[page].append(case)
    return picks


def _load():
    rows = _case_rows(CasePage.objects.published())
    rows.sort(key=_listing_key)
    listing = np.fromiter((row[PK] for row in rows), dtype=np.int64, count=len(rows))
    size = int(listing.max(initial=-1)) + 1 + HEADROOM
    shown = CaseSet.of(listing)
    regions = {region.pk: region for region in Region.objects.only("pk", "parent_id", "slug", "name", "full_name")}
    # Ranks for every case ever published, shown or not, so that one published again takes its
    # old place. Never published (previews) first, the latest last; of equal dates, the higher id first.
    published_at = {row[PK]: _published_time(row) for row in rows}
    ever = Page.objects.type(CasePage).exclude(first_published_at=None)  # the page rows alone, no join
    for pk, at in ever.values_list("pk", "first_published_at"):
        published_at.setdefault(pk, at.timestamp())
    ranked = sorted(published_at, key=lambda pk: (published_at[pk], -pk))
    catalogue = Catalogue(
        listing=listing,
        listing_keys=[_listing_key(row) for row in rows],
        shown=shown,
        size=size,
        titles=_folded({row[PK]: row[TITLE] for row in rows}),
        model_names=_folded({row[PK]: row[MODEL_NAME] for row in rows}),
        years={row[PK]: (row[STARTED], row[REPORTED]) for row in rows},
        recency={pk: rank for rank, pk in enumerate(ranked)},
        ranked=ranked,
        published_at=published_at,
        featured_ids={row[PK] for row in rows if row[FEATURED]},
        paths={row[PK]: row[PATH] for row in rows},
        picks=_picks(),
        parents={pk: region.parent_id for pk, region in regions.items()},
        facets={},
    )
    members = defaultdict(list)  # (filter name, term pk or year) → case pks
    for row in rows:
        for key in catalogue.keys(row):
            members[key].append(row[PK])
    filters = {key: CaseSet.of(pks).packed(size) for key, pks in members.items()}
    links = _term_links()
    links = links[shown.holds(links[:, 1])]
    rank_of = np.zeros(size, dtype=np.int64)  # shown case pk → its rank by first publication
    shown_ranks = [(pk, rank) for rank, pk in enumerate(ranked) if pk < size]
    rank_of[[pk for pk, _ in shown_ranks]] = [rank for _, rank in shown_ranks]
    recent_terms = {}
    for code, each in enumerate(VOCABULARIES):
        of_vocabulary = links[links[:, 0] == code]
        for term, pks in _grouped(of_vocabulary[:, 2], of_vocabulary[:, 1]).items():
            filters[each.name, term] = CaseSet.of(pks).packed(size)
            recent_terms[each.name, term] = int.from_bytes(
                CaseSet.of(rank_of[pks]).packed(len(ranked)).tobytes(), "little"
            )
    terms = {**_term_names(), **{(TREE.name, region.pk): region for region in regions.values()}}

    def facet(each):
        """The Facet of a filter: its values that have cases (the top of the tree only), ordered
        on equal counts as the filter says; the filters then share the Facet's rows."""
        values = [
            (key, _facet_value(each, key[1], terms.get(key)))
            for key in filters
            if key[0] == each.name and not (each.tree and terms[key].parent_id)
        ]
        rows = np.zeros((len(values), (size + 7) // 8), dtype=np.uint8)
        for row, (key, _) in enumerate(values):
            rows[row] = filters[key]
            filters[key] = rows[row]
        return Facet([value for _, value in values], rows, [key for key, _ in values], always_all=each.lists_all)

    catalogue.facets = {each.name: facet(each) for each in FILTERS}
    catalogue.filters = filters
    catalogue.recent_terms = recent_terms
    catalogue.odd_years = {pk for pk, years in catalogue.years.items() if _odd_years(*years)}
    return catalogue


def _apply(listed, case_ids):
    """`listed` with the cases `case_ids` brought up to date, in a fixed number of queries: a
    copy (readers in other threads keep `listed` as it is), or `listed` itself when nothing
    changed; None when a case does not fit (Catalogue.add) and the catalogue must be loaded afresh."""
    if not case_ids:
        return listed
    if len(case_ids) > APPLY_AT_MOST:
        return None
    rows = _case_rows(CasePage.objects.published().filter(pk__in=case_ids))
    links = defaultdict(list)
    for code, case, term in _term_links(case_ids).tolist():
        links[case].append((VOCABULARIES[code].name, term))
    picks = _picks(case_ids)
    updated = listed.copy()
    for pk in case_ids:
        updated.remove(pk)
    fits = all(updated.add(row, links[row[PK]], picks.get(row[PK], [])) for row in rows)
    return updated if fits else None


_lock = threading.Lock()
_state = {}  # "catalogue", "applied": the journal entry it reflects, "checked": when it last looked
# A process that has not looked at the journal for this long may have missed pruned entries.
STALE_AFTER = changes.KEEP.total_seconds() / 2
# Per thread, during a request: whether the journal was checked, so that a page asks once (and
# again after it journals a change itself).
_request = threading.local()


def _request_started(**kwargs):
    _request.active, _request.checked = True, False


def _request_finished(**kwargs):
    _request.active, _request.checked, _request.catalogue = False, False, None


def _journalled(**kwargs):
    _request.checked = False


request_started.connect(_request_started, dispatch_uid="search-catalogue-request-started")
request_finished.connect(_request_finished, dispatch_uid="search-catalogue-request-finished")
post_save.connect(_journalled, sender=changes.ContentChange, dispatch_uid="search-catalogue-journalled")


def _applied(listed, case_ids):
    """_apply, or None when it failed: a catalogue half updated is loaded afresh, not kept."""
    try:
        return _apply(listed, case_ids)
    except Exception:
        logger.exception("目录增量更新失败，重新载入")
        return None


def _reload():
    known_words.up_to_date()  # the words the catalogue is built with (names, the segmenter's)
    applied = changes.latest()  # read first: what the load then misses, the next check applies
    _state.update(catalogue=_load(), applied=applied)


@contextmanager
def pinned(listed):
    """Within it, catalogue() answers `listed` in this thread: one search reads one catalogue,
    in a request or not (a command, the benchmark), whatever is applied meanwhile."""
    before = getattr(_request, "pinned", None)
    _request.pinned = listed
    try:
        yield listed
    finally:
        _request.pinned = before


def catalogue():
    """The process's catalogue of the published cases, up to date with the change journal."""
    if (listed := getattr(_request, "pinned", None)) is not None:
        return listed
    with _lock:
        listed = _state.get("catalogue")
        if listed is not None and getattr(_request, "checked", False):
            return _request.catalogue  # one catalogue for the whole request, whatever other threads apply
        if listed is None or time.monotonic() - _state["checked"] > STALE_AFTER:
            _reload()
        elif entries := journal.since(_state["applied"]):
            kinds = {kind for _, kind, _ in entries}
            case_ids = sorted({pk for _, kind, ids in entries if kind == changes.ContentChange.CASES for pk in ids})
            if kinds & {changes.ContentChange.VOCABULARY, changes.ContentChange.EVERYTHING}:
                _reload()  # another process may have changed a term
            else:
                known_words.up_to_date()  # the cases' names: the same entries, read once a request
                if (updated := _applied(listed, case_ids)) is not None:
                    _state.update(catalogue=updated, applied=entries[-1][0])
                else:
                    _reload()
        _state["checked"] = time.monotonic()
        if getattr(_request, "active", False):
            _request.checked, _request.catalogue = True, _state["catalogue"]
        return _state["catalogue"]


def forget():
    """Drop the loaded catalogue (tests, whose rolled-back rows send no signals)."""
    with _lock:
        _state.clear()
