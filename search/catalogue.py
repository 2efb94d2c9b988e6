"""The published cases in memory: what search needs to filter, count facets and rank tiers.

A common word (党建) matches nearly every case. Filtering, ranking tiers and six facet counts
over ten thousand matches in SQL cost hundreds of ms a search; here sets of cases are bit masks
(search.case_sets) and a facet's counts one AND and a popcount per value, whatever the number of
matches.

Loaded in a fixed number of queries and kept by each process until content changes: keyed by
the content generation (portal.page_cache, which every saved or deleted row, `update_index` and
`restore` renew in all processes) and by the search index's highest entry id (the entry ids are
what full-text matches map back to cases). Pages shown to readers are still fetched with
`published_cases()`, so a catalogue one change behind can miscount, never show an unpublished case.
"""

import threading
from collections import defaultdict
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

import numpy as np
from django.contrib.contenttypes.models import ContentType
from django.core.signals import request_finished, request_started
from django.db import connection
from django.db.models.signals import post_delete, post_save
from taggit.models import Tag
from wagtail.search.models import IndexEntry

from portal.page_cache import content_generation

from .case_sets import CaseSet
from .text import word_parts

FACETS = ("region", "theme", "problem", "domain", "tag", "year")
# A case counts in every year from its start to its report, at most this many.
MAX_YEARS = 50


def case_years(start, end):
    """Every year from start to report: a case counts in each, as the year filter matches."""
    first, last = start or end, end or start
    return list(range(first, min(last, first + MAX_YEARS) + 1)) if first else []


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
    # SQLite: search index entry id → case pk (-1: an entry of another model), and case pk → entry id
    case_of_entry: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    entry_of_case: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    def allowed(self, case_filter, under=None):
        """The published cases (a CaseSet) `case_filter` (cases.browse.CaseFilter) lets through,
        below the page `under` if given."""
        allowed = self.shown
        if under is not None:
            allowed &= self._below(under.path)
        for name in ("region", "theme", "problem", "domain", "tag"):
            term = getattr(case_filter, name)
            if term is not None:
                allowed &= self._filtered((name, term.pk))
        if year := case_filter.year:
            # The year's cases as its facet counts them, and those whose years that list leaves out.
            allowed &= self._filtered(("year", year)) | CaseSet.of(
                pk for pk in self.odd_years if _in_year(*self.years[pk], year)
            )
        return allowed

    def _filtered(self, key):
        packed = self.filters.get(key)
        return CaseSet() if packed is None else CaseSet.unpacked(packed, self.size)

    def _below(self, path):
        if ("below", path) not in self.memo:
            self.memo["below", path] = CaseSet.of(pk for pk, at in self.paths.items() if at.startswith(path))
        return self.memo["below", path]

    def in_listing_order(self, cases):
        """The published cases among `cases` (a CaseSet) in the listing's order (newest report first)."""
        return RankedIds([self.shown & cases], self.listing)

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

    def cases_of_entries(self, entries):
        """The cases (a CaseSet) of the search index entry ids `entries` (an int array)."""
        return CaseSet.of(self.case_of_entry[entries[entries < len(self.case_of_entry)]])

    def case_pks_of_entries(self, entries):
        """The case pks of the entry ids `entries`, in the same order (others' entries dropped)."""
        known = [entry for entry in entries if entry < len(self.case_of_entry)]
        return [pk for pk in self.case_of_entry[known].tolist() if pk >= 0]

    def entries_of(self, cases):
        """The search index entry ids of `cases` (a CaseSet), as a list."""
        pks = cases.pks()
        entries = self.entry_of_case[pks[pks < len(self.entry_of_case)]]
        return entries[entries >= 0].tolist()

    def facet_counts(self, cases, limit):
        """{facet: [{"value", "label", "count"}]} over the published cases among `cases`."""
        chosen = (self.shown & cases).packed(self.size)
        counts = {}
        for name, facet in self.facets.items():
            numbers = np.bitwise_count(facet.cases & chosen).sum(axis=1).tolist() if facet.values else []
            counted = [(-number, value.sort_key, value) for number, value in zip(numbers, facet.values)]
            ranked = sorted((row for row in counted if row[0]), key=lambda row: row[:2])
            if name not in ("region", "year") and limit:
                ranked = ranked[:limit]
            counts[name] = [{"value": value.value, "label": value.label, "count": -count} for count, _, value in ranked]
        return counts


def _in_year(start, end, year):
    # As CaseFilter.apply: within the years, or the year started or reported.
    return (start is not None and end is not None and start <= year <= end) or year in (start, end)


VOCABULARIES = ("theme", "problem", "tag")


def _term_links():
    """(vocabulary's position in VOCABULARIES, case pk, term pk) of every theme, problem and tag
    link: one query, ints only (with each term's slug and name it read six times as much)."""
    from cases.models import vocabulary_links

    links = vocabulary_links()
    branches = []
    for code, facet in enumerate(VOCABULARIES):
        table, case_column, term_column = links[facet]
        branches.append(f"SELECT {code}, {case_column}, {term_column} FROM {table}")
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(branches))
        return np.array(cursor.fetchall(), dtype=np.int64).reshape(-1, 3)


def _term_names():
    """{(facet, term pk): (slug, name)} of every theme, problem, tag and domain: one query."""
    from cases.taxonomy import Domain, Problem, Theme

    tables = {"theme": Theme, "problem": Problem, "tag": Tag, "domain": Domain}
    with connection.cursor() as cursor:
        cursor.execute(
            " UNION ALL ".join(
                f"SELECT '{facet}', id, slug, name FROM {model._meta.db_table}" for facet, model in tables.items()
            )
        )
        return {(facet, pk): (slug, name) for facet, pk, slug, name in cursor.fetchall()}


def _grouped(keys, pks):
    """{key: the pks beside it} of two int arrays of equal length."""
    by_key = np.argsort(keys, kind="stable")
    keys, pks = keys[by_key], pks[by_key]
    found, starts = np.unique(keys, return_index=True)
    return dict(zip(found.tolist(), np.split(pks, starts[1:])))


def _load():
    from cases.browse import published_cases
    from cases.models import CasePage, RelatedCase
    from cases.taxonomy import Region

    # Read through the covering index casepage_catalogue_idx (cases.models.CasePage.Meta).
    cases = list(
        published_cases()
        .prefetch_related(None)
        .values_list(
            "pk",
            "title",
            "model_name",
            "year_started",
            "year_reported",
            "region_id",
            "domain_id",
            "first_published_at",
            "path",
            "featured",
        )
    )
    listing = np.fromiter((row[0] for row in cases), dtype=np.int64, count=len(cases))
    shown = CaseSet.of(listing)
    size = len(shown.mask)
    regions = {
        pk: (parent, slug, name, full_name)
        for pk, parent, slug, name, full_name in Region.objects.values_list(
            "pk", "parent_id", "slug", "name", "full_name"
        )
    }

    members = defaultdict(list)  # (facet, term pk or year) → case pks
    years = {}
    for pk, _, _, start, end, region, domain, *_ in cases:
        years[pk] = (start, end)
        for year in case_years(start, end):
            members["year", year].append(pk)
        if domain:
            members["domain", domain].append(pk)
        while region:  # the region and each region above it: the filter takes in what lies below
            members["region", region].append(pk)
            region = regions[region][0]
    picks = defaultdict(list)
    for page, case in RelatedCase.objects.order_by("page_id", "sort_order", "pk").values_list("page_id", "case_id"):
        picks[page].append(case)
    filters = {key: CaseSet.of(pks).packed(size) for key, pks in members.items()}
    links = _term_links()
    links = links[shown.holds(links[:, 1])]
    # Never published (previews) last; of equal dates, the lower id first.
    newest = [
        row[0]
        for row in sorted(cases, key=lambda row: (row[7] is None, -(row[7].timestamp() if row[7] else 0), row[0]))
    ]
    rank_of = np.zeros(size, dtype=np.int64)  # case pk → its rank by first publication, the latest highest
    rank_of[newest[::-1]] = np.arange(len(newest))
    recent_terms = {}
    for code, facet in enumerate(VOCABULARIES):
        of_vocabulary = links[links[:, 0] == code]
        for term, pks in _grouped(of_vocabulary[:, 2], of_vocabulary[:, 1]).items():
            filters[facet, term] = CaseSet.of(pks).packed(size)
            recent_terms[facet, term] = int.from_bytes(CaseSet.of(rank_of[pks]).packed(len(newest)).tobytes(), "little")
    names = _term_names()

    def facet(values):
        """A Facet of (key in `filters`, FacetValue) pairs; the filters then share its rows."""
        cases = np.zeros((len(values), (size + 7) // 8), dtype=np.uint8)
        for row, (key, _) in enumerate(values):
            cases[row] = filters[key]
            filters[key] = cases[row]
        return Facet([value for _, value in values], cases)

    def values(name, sort_key):
        return [(key, FacetValue(*names[key], sort_key(key[1], names[key][1]))) for key in filters if key[0] == name]

    facets = {
        # Provinces are the regions at the top, ties by full name; tags by name, the others by id.
        "region": facet(
            [
                (("region", pk), FacetValue(slug, name, full_name))
                for pk, (parent, slug, name, full_name) in regions.items()
                if parent is None and ("region", pk) in filters
            ]
        ),
        "theme": facet(values("theme", lambda pk, name: pk)),
        "problem": facet(values("problem", lambda pk, name: pk)),
        "domain": facet(values("domain", lambda pk, name: pk)),
        "tag": facet(values("tag", lambda pk, name: name)),
        "year": facet([(key, FacetValue(str(key[1]), f"{key[1]}年", -key[1])) for key in filters if key[0] == "year"]),
    }
    catalogue = Catalogue(
        listing=listing,
        shown=shown,
        size=size,
        titles=TextColumn({pk: title.lower() for pk, title, *_ in cases}),
        model_names=TextColumn({pk: model_name.lower() for pk, _, model_name, *_ in cases}),
        years=years,
        recency=dict(zip(newest[::-1], range(len(newest)))),
        newest=newest,
        featured=[row[0] for row in cases if row[9]],
        paths={row[0]: row[8] for row in cases},
        picks=picks,
        facets={name: facets[name] for name in FACETS},
        filters=filters,
        # Reported before started, or over MAX_YEARS: case_years() does not list all their years.
        odd_years=frozenset(
            pk for pk, (start, end) in years.items() if start and end and not 0 <= end - start <= MAX_YEARS
        ),
        recent_terms=recent_terms,
    )
    if connection.vendor == "sqlite":
        content_type = ContentType.objects.get_for_model(CasePage)
        entries = IndexEntry.objects.filter(content_type=content_type).values_list("pk", "object_id")
        entries = np.array([(entry, int(object_id)) for entry, object_id in entries], dtype=np.int64).reshape(-1, 2)
        entry_ids, case_pks = entries[:, 0], entries[:, 1]
        catalogue.case_of_entry = np.full(entry_ids.max(initial=-1) + 1, -1, dtype=np.int64)
        catalogue.case_of_entry[entry_ids] = case_pks
        catalogue.entry_of_case = np.full(case_pks.max(initial=-1) + 1, -1, dtype=np.int64)
        catalogue.entry_of_case[case_pks] = entry_ids
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


def _index_version():
    return IndexEntry.objects.order_by("-pk").values_list("pk", flat=True).first()


def catalogue():
    """The process's catalogue of the published cases, loaded again after any content change."""
    with _lock:
        key, loaded = _state.get("current", (None, None))
        if key is not None and getattr(_request, "checked", None) == key:
            return loaded
        fresh_key = (content_generation(), _index_version())
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
