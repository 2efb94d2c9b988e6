"""The published cases in memory: what search needs to filter, count facets and rank tiers.

A common word (党建) matches nearly every case. Filtering, ranking tiers and six facet counts
over ten thousand matches in SQL cost hundreds of ms a search; here sets of cases are bit masks
(case_sets) and a facet's counts one AND and a popcount per value, whatever the number of
matches. Filters and facets are those of cases.filters.FILTERS.

Loaded in a fixed number of queries and kept by each process until content changes: keyed by
the content generation (portal.page_cache, which every saved or deleted row, `update_index` and
`restore` renew in all processes) and by the search index's highest entry id (the entry ids are
what full-text matches map back to cases). Pages shown to readers are still fetched with
`CasePage.objects.published()`, so a catalogue one change behind can miscount, never show an
unpublished case.
"""

import threading
from collections import defaultdict
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

import numpy as np
from django.core.signals import request_finished, request_started
from django.db import connection
from django.db.models.signals import post_delete, post_save

from cases.filters import FILTERS, MAX_YEARS, case_years, in_year
from cases.models import CasePage, RelatedCase, vocabulary_links
from cases.taxonomy import Region
from portal.page_cache import content_generation
from search.text import word_parts

from .case_sets import CaseSet

# The filters of a vocabulary linked to many cases (themes, problems, tags), in FILTERS' order.
VOCABULARIES = tuple(each for each in FILTERS if each.many)
# And of one term a case (domain), read from the case's own row.
TERM_COLUMNS = tuple(each for each in FILTERS if each.model and not (each.many or each.tree))


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
    tier, returning its pks best first) puts it.

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
            # Whatever the order leaves out still counts (Paginator was told len()): last, by id.
            self._in_order[position] = np.concatenate([ranked, (tier - CaseSet.of(ranked)).pks()])
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
    always_all: bool = False  # every value listed, whatever the limit (provinces, years)


@dataclass
class Catalogue:
    listing: np.ndarray  # case pks in published_cases() order
    shown: CaseSet  # the same cases
    size: int  # the highest published pk + 1: the bits of every packed set below
    titles: TextColumn  # case titles, lower case
    model_names: TextColumn  # lower case
    years: dict  # case pk → (year started, year reported)
    recency: dict  # case pk → its rank by first publication (the latest highest)
    newest: list  # case pks, the latest first published first
    featured: list  # pks of the featured cases, in published_cases() order
    paths: dict  # case pk → page path (a case library's cases lie under its path)
    picks: dict  # case pk → the related cases its editor picked, in order
    facets: dict  # facet → Facet
    filters: dict = field(default_factory=dict)  # (filter, term pk or year) → its cases, packed
    odd_years: frozenset = frozenset()  # cases the year filters check one by one
    # (theme/problem/tag, term pk) → bitset of its cases' recency ranks: the most recent are the highest bits
    recent_terms: dict = field(default_factory=dict)
    memo: dict = field(default_factory=dict)  # what callers derive from the catalogue, dropped with it

    def allowed(self, case_filter, under=""):
        """The published cases (a CaseSet) `case_filter` (cases.filters.CaseFilter) lets through,
        below the page of tree path `under` if given."""
        allowed = self.shown
        if under:
            allowed &= self._below(under)
        for each, value in case_filter.chosen():
            if each.year_range:
                # The year's cases as its facet counts them, and those whose years that list leaves out.
                allowed &= self._filtered((each.name, value)) | CaseSet.of(
                    pk for pk in self.odd_years if in_year(*self.years[pk], value)
                )
            else:
                allowed &= self._filtered((each.name, value.pk))
        return allowed

    @property
    def featured_cases(self):
        if "featured" not in self.memo:
            self.memo["featured"] = CaseSet.of(self.featured)
        return self.memo["featured"]

    def _filtered(self, key):
        packed = self.filters.get(key)
        return CaseSet() if packed is None else CaseSet.unpacked(packed, self.size)

    def _below(self, path):
        if ("below", path) not in self.memo:
            self.memo["below", path] = CaseSet.of(pk for pk, at in self.paths.items() if at.startswith(path))
        return self.memo["below", path]

    def in_title(self, words):
        """The published cases whose title or model name holds every word (or all of a word's parts)."""
        found = None
        for word in words:
            parts = word_parts(word)
            holding = CaseSet()
            for column in (self.titles, self.model_names):
                holding |= column.holding(word)
                if parts:
                    holding |= column.holding_all(parts)
            found = holding if found is None else found & holding
        return found if found is not None else CaseSet()

    def facet_counts(self, cases, limit):
        """{facet: [{"value", "label", "count"}]} over the published cases among `cases`."""
        chosen = (self.shown & cases).packed(self.size)
        counts = {}
        for name, facet in self.facets.items():
            numbers = np.bitwise_count(facet.cases & chosen).sum(axis=1).tolist() if facet.values else []
            counted = [(-number, value.sort_key, value) for number, value in zip(numbers, facet.values)]
            ranked = sorted((row for row in counted if row[0]), key=lambda row: row[:2])
            if not facet.always_all and limit:
                ranked = ranked[:limit]
            counts[name] = [{"value": value.value, "label": value.label, "count": -count} for count, _, value in ranked]
        return counts


def _term_links():
    """(vocabulary's position in VOCABULARIES, case pk, term pk) of every theme, problem and tag
    link: one query, ints only (with each term's slug and name it read six times as much)."""
    links = vocabulary_links()
    branches = []
    for code, each in enumerate(VOCABULARIES):
        table, case_column, term_column = links[each.name]
        branches.append(f"SELECT {code}, {case_column}, {term_column} FROM {table}")
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(branches))
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


# What the catalogue reads of each published case, through the covering index
# casepage_catalogue_idx (cases.models.CasePage.Meta); then the term of each TERM_COLUMNS filter.
CASE_COLUMNS = ("pk", "title", "model_name", "year_started", "year_reported", "first_published_at", "path", "featured")


def _load():
    tree = next(each for each in FILTERS if each.tree)
    term_columns = [f"{each.field}_id" for each in TERM_COLUMNS]
    cases = list(
        CasePage.objects.published()
        .prefetch_related(None)
        .values_list(*CASE_COLUMNS, f"{tree.field}_id", *term_columns)
    )
    pk, title, model_name, started, reported, published_at, path, featured, in_region = range(9)
    listing = np.fromiter((row[pk] for row in cases), dtype=np.int64, count=len(cases))
    shown = CaseSet.of(listing)
    size = len(shown.mask)
    regions = {region.pk: region for region in Region.objects.only("pk", "parent_id", "slug", "name", "full_name")}
    year_filter = next(each for each in FILTERS if each.year_range)

    members = defaultdict(list)  # (filter name, term pk or year) → case pks
    years = {}
    for row in cases:
        years[row[pk]] = (row[started], row[reported])
        for year in case_years(row[started], row[reported]):
            members[year_filter.name, year].append(row[pk])
        for position, each in enumerate(TERM_COLUMNS, start=in_region + 1):
            if row[position]:
                members[each.name, row[position]].append(row[pk])
        region = row[in_region]
        while region:  # the region and each region above it: the filter takes in what lies below
            members[tree.name, region].append(row[pk])
            region = regions[region].parent_id
    picks = defaultdict(list)
    for page, case in RelatedCase.objects.order_by("page_id", "sort_order", "pk").values_list("page_id", "case_id"):
        picks[page].append(case)
    filters = {key: CaseSet.of(pks).packed(size) for key, pks in members.items()}
    links = _term_links()
    links = links[shown.holds(links[:, 1])]
    # Never published (previews) last; of equal dates, the lower id first.
    newest = [
        row[pk]
        for row in sorted(
            cases,
            key=lambda row: (
                row[published_at] is None,
                -(row[published_at].timestamp() if row[published_at] else 0),
                row[pk],
            ),
        )
    ]
    rank_of = np.zeros(size, dtype=np.int64)  # case pk → its rank by first publication, the latest highest
    rank_of[newest[::-1]] = np.arange(len(newest))
    recent_terms = {}
    for code, each in enumerate(VOCABULARIES):
        of_vocabulary = links[links[:, 0] == code]
        for term, pks in _grouped(of_vocabulary[:, 2], of_vocabulary[:, 1]).items():
            filters[each.name, term] = CaseSet.of(pks).packed(size)
            recent_terms[each.name, term] = int.from_bytes(
                CaseSet.of(rank_of[pks]).packed(len(newest)).tobytes(), "little"
            )
    terms = {**_term_names(), **{(tree.name, region.pk): region for region in regions.values()}}

    def facet(each):
        """The Facet of a filter: its values that have cases (the top of the tree only), ordered
        on equal counts as the filter says; the filters then share the Facet's rows."""
        if each.year_range:
            values = [(key, FacetValue(str(key[1]), f"{key[1]}年", -key[1])) for key in filters if key[0] == each.name]
        else:
            values = [
                (key, FacetValue(terms[key].slug, terms[key].name, getattr(terms[key], each.facet_order)))
                for key in filters
                if key[0] == each.name and not (each.tree and terms[key].parent_id)
            ]
        rows = np.zeros((len(values), (size + 7) // 8), dtype=np.uint8)
        for row, (key, _) in enumerate(values):
            rows[row] = filters[key]
            filters[key] = rows[row]
        return Facet([value for _, value in values], rows, always_all=each.tree or each.year_range)

    catalogue = Catalogue(
        listing=listing,
        shown=shown,
        size=size,
        titles=TextColumn({row[pk]: row[title].lower() for row in cases}),
        model_names=TextColumn({row[pk]: row[model_name].lower() for row in cases}),
        years=years,
        recency=dict(zip(newest[::-1], range(len(newest)))),
        newest=newest,
        featured=[row[pk] for row in cases if row[featured]],
        paths={row[pk]: row[path] for row in cases},
        picks=picks,
        facets={each.name: facet(each) for each in FILTERS},
        filters=filters,
        # Reported before started, or over MAX_YEARS: case_years() does not list all their years.
        odd_years=frozenset(
            pk for pk, (start, end) in years.items() if start and end and not 0 <= end - start <= MAX_YEARS
        ),
        recent_terms=recent_terms,
    )
    return catalogue


_lock = threading.Lock()
_state = {}
# Per thread, during a request: the key checked at the request's first use, so that a page asks
# once whether the content or the index has changed (and again after it changes something).
_request = threading.local()


def _request_started(**kwargs):
    _request.active, _request.checked = True, None


def _request_finished(**kwargs):
    _request.active, _request.checked = False, None


def _content_saved(**kwargs):
    _request.checked = None


request_started.connect(_request_started, dispatch_uid="search-catalogue-request-started")
request_finished.connect(_request_finished, dispatch_uid="search-catalogue-request-finished")
post_save.connect(_content_saved, dispatch_uid="search-catalogue-saved")
post_delete.connect(_content_saved, dispatch_uid="search-catalogue-deleted")


def catalogue():
    """The process's catalogue of the published cases, loaded again after any content change."""
    with _lock:
        key, loaded = _state.get("current", (None, None))
        if key is not None and getattr(_request, "checked", None) == key:
            return loaded
        fresh_key = content_generation()
        if fresh_key != key:
            key, loaded = fresh_key, _load()
            _state["current"] = (key, loaded)
        if getattr(_request, "active", False):
            _request.checked = key
        return loaded


def forget():
    """Drop the loaded catalogue (tests, whose rolled-back rows send no signals)."""
    with _lock:
        _state.clear()
