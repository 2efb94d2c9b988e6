"""The published cases in memory: what search needs to filter, count facets and rank tiers.

A common word (党建) matches nearly every case. Filtering, ranking tiers and six facet counts
over ten thousand matches in SQL cost hundreds of ms a search; here a facet value is a bitset of
case ids and a count one AND and a popcount, whatever the number of matches.

Loaded in a fixed number of queries and kept by each process until content changes: keyed by
the content generation (portal.page_cache, which every saved or deleted row, `update_index` and
`restore` renew in all processes) and by the search index's highest entry id (the entry ids are
what full-text matches map back to cases). Pages shown to readers are still fetched with
`published_cases()`, so a catalogue one change behind can miscount, never show an unpublished case.
"""

import threading
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import islice

from django.contrib.contenttypes.models import ContentType
from django.core.signals import request_finished, request_started
from django.db import connection
from django.db.models.signals import post_delete, post_save
from taggit.models import Tag
from wagtail.search.models import IndexEntry

from portal.page_cache import content_generation

from .text import word_parts

FACETS = ("region", "theme", "problem", "domain", "tag", "year")
# A case counts in every year from its start to its report, at most this many.
MAX_YEARS = 50


def case_years(start, end):
    """Every year from start to report: a case counts in each, as the year filter matches."""
    first, last = start or end, end or start
    return list(range(first, min(last, first + MAX_YEARS) + 1)) if first else []


def bitset(ids):
    """The ids as one int with those bits set (built in a bytearray: OR-ing big ints is quadratic)."""
    ids = list(ids)
    if not ids:
        return 0
    bits = bytearray(max(ids) // 8 + 1)
    for pk in ids:
        bits[pk >> 3] |= 1 << (pk & 7)
    return int.from_bytes(bits, "little")


class TextColumn:
    """One short text of every case (a title, a model name) joined into one string, so that
    finding the cases holding a word is a few str.find calls in C, not a Python loop over
    every case."""

    def __init__(self, texts):
        self.pks, self.starts, parts, offset = [], [], [], 0
        for pk, text in texts.items():
            self.pks.append(pk)
            self.starts.append(offset)
            parts.append(text.replace("\n", " "))
            offset += len(text) + 1
        self.text = "\n".join(parts)  # a query word holds letters and digits only, never \n

    def holding(self, word):
        """The pks of the cases whose text holds `word`."""
        found, at = set(), self.text.find(word)
        while at != -1:
            line = bisect_right(self.starts, at) - 1
            found.add(self.pks[line])
            following = line + 1
            at = self.text.find(word, self.starts[following]) if following < len(self.starts) else -1
        return found

    def holding_all(self, words):
        """The pks of the cases whose text holds every one of `words`."""
        return set.intersection(*(self.holding(word) for word in words))


class RankedIds:
    """Matching case ids in rank order, as Paginator reads them: tiers, each in `order`
    ({id: rank}), or put in order by `rank` (a function of one tier's ids).

    Put in order only as far as a slice asks: the first page of a word found in every case
    costs a few steps down `order` (or a sort of a small tier), not a sort of every match;
    `rank` is called for a tier only once a slice reaches it."""

    def __init__(self, tiers, order=None, rank=None):
        self.tiers = [tier for tier in tiers if tier]  # disjoint sets of ids, best tier first
        self.members = set().union(*self.tiers)
        self.order = order  # {id: rank} of every member (others allowed), iterated best first
        self.rank = rank
        self._ranked = {}  # tier's position → its ids as `rank` put them

    def __len__(self):
        return len(self.members)

    def __getitem__(self, index):
        if not isinstance(index, slice):
            raise TypeError("RankedIds takes slices")
        stop = index.indices(len(self))[1]
        ordered = []
        for position, tier in enumerate(self.tiers):
            if len(ordered) >= stop:
                break
            if self.rank is None:
                ordered += self._first(tier, stop - len(ordered))
            else:
                ordered += self._ranked_tier(position)[:stop - len(ordered)]
        return ordered[index]

    def __iter__(self):
        return iter(self[:])

    def _first(self, tier, count):
        """The first `count` members of `tier` in `order`."""
        if count * len(self.order) < len(tier) ** 2:
            # A tier spread through `order`: walking it finds `count` members in about
            # count × len(order) / len(tier) steps, fewer than sorting the tier.
            return list(islice((pk for pk in self.order if pk in tier), count))
        unranked = len(self.order)
        return sorted(tier, key=lambda pk: self.order.get(pk, unranked))[:count]

    def _ranked_tier(self, position):
        if position not in self._ranked:
            tier = self.tiers[position]
            ranked = [pk for pk in self.rank(tier) if pk in tier]
            # Whatever `rank` left out still counts (Paginator was told len()): last, by id.
            self._ranked[position] = ranked + sorted(tier.difference(ranked))
        return self._ranked[position]


@dataclass
class FacetValue:
    value: str  # the filter parameter's value (a slug, or a year)
    label: str
    sort_key: object  # ties of equal counts: as each facet lists them
    cases: int  # bitset


@dataclass
class Catalogue:
    order: dict  # case pk → position in published_cases() order (and iterated in that order)
    titles: TextColumn  # case titles, lower case
    model_names: TextColumn  # lower case
    years: dict  # case pk → (year started, year reported)
    recency: dict  # case pk → its rank by first publication (the latest highest)
    newest: list  # case pks, the latest first published first
    featured: list  # pks of the featured cases, in published_cases() order
    paths: dict  # case pk → page path (a case library's cases lie under its path)
    picks: dict  # case pk → the related cases its editor picked, in order
    facets: dict  # facet → [FacetValue]
    filters: dict = field(default_factory=dict)  # (filter, term pk or year) → frozenset of case pks
    odd_years: frozenset = frozenset()  # cases the year filters check one by one
    # (theme/problem/tag, term pk) → bitset of its cases' recency ranks: the most recent are the highest bits
    recent_terms: dict = field(default_factory=dict)
    memo: dict = field(default_factory=dict)  # what callers derive from the catalogue, dropped with it
    # SQLite: search index entry id (a string, as a MATCH lists them) → case pk, and back (an int)
    case_of_entry: dict = field(default_factory=dict)
    entry_of_case: dict = field(default_factory=dict)

    @property
    def shown(self):
        return self.order.keys()

    def allowed(self, case_filter, under=None):
        """The pks of the published cases `case_filter` (cases.browse.CaseFilter) lets through,
        below the page `under` if given."""
        if "shown" not in self.memo:
            self.memo["shown"] = frozenset(self.order)
        allowed = self.memo["shown"]
        if under is not None:
            allowed &= self._below(under.path)
        for name in ("region", "theme", "problem", "domain", "tag"):
            term = getattr(case_filter, name)
            if term is not None:
                allowed &= self.filters.get((name, term.pk), frozenset())
        if year := case_filter.year:
            # The year's cases as its facet counts them, and those whose years that list leaves out.
            allowed &= self.filters.get(("year", year), frozenset()) | {
                pk for pk in self.odd_years if _in_year(*self.years[pk], year)}
        return allowed

    def _below(self, path):
        if ("below", path) not in self.memo:
            self.memo["below", path] = frozenset(pk for pk, at in self.paths.items() if at.startswith(path))
        return self.memo["below", path]

    def in_listing_order(self, ids):
        """The published cases among `ids` in the listing's order (newest report first)."""
        return RankedIds([self.order.keys() & ids], self.order)

    def in_title(self, words):
        """The published cases whose title or model name holds every word (or all of a word's parts)."""
        found = None
        for word in words:
            parts = word_parts(word)
            holding = set()
            for column in (self.titles, self.model_names):
                holding |= column.holding(word)
                if parts:
                    holding |= column.holding_all(parts)
            found = holding if found is None else found & holding
        return found or set()

    def facet_counts(self, ids, limit):
        """{facet: [{"value", "label", "count"}]} over the published cases among `ids`."""
        chosen = self.order.keys() & ids
        if len(chosen) * 2 > len(self.order):
            # Most cases (a common word): a bitset of the few left out is the cheaper to build.
            left_out = bitset(self.order.keys() - chosen)

            def count(cases):
                return cases.bit_count() - (cases & left_out).bit_count()
        else:
            chosen = bitset(chosen)

            def count(cases):
                return (cases & chosen).bit_count()
        counts = {}
        for facet, values in self.facets.items():
            counted = [(-count(value.cases), value.sort_key, value) for value in values]
            ranked = sorted((row for row in counted if row[0]), key=lambda row: row[:2])
            if facet not in ("region", "year") and limit:
                ranked = ranked[:limit]
            counts[facet] = [{"value": value.value, "label": value.label, "count": -count}
                             for count, _, value in ranked]
        return counts


def _in_year(start, end, year):
    # As CaseFilter.apply: within the years, or the year started or reported.
    return (start is not None and end is not None and start <= year <= end) or year in (start, end)


def _term_rows():
    """(facet, case pk, term pk, slug, name) of every theme, problem and tag link, and
    (domain, None, …) of every domain: one query."""
    from cases.models import vocabulary_links
    from cases.taxonomy import Domain, Problem, Theme

    links, branches = vocabulary_links(), []
    for facet, model in (("theme", Theme), ("problem", Problem), ("tag", Tag)):
        table, case_column, term_column = links[facet]
        branches.append(f"SELECT '{facet}', l.{case_column}, t.id, t.slug, t.name FROM {table} l "
                        f"JOIN {model._meta.db_table} t ON t.id = l.{term_column}")
    branches.append(f"SELECT 'domain', NULL, id, slug, name FROM {Domain._meta.db_table}")
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(branches))
        return cursor.fetchall()


def _load():
    from cases.browse import published_cases
    from cases.models import CasePage, RelatedCase
    from cases.taxonomy import Region

    cases = list(published_cases().prefetch_related(None).values_list(
        "pk", "title", "model_name", "year_started", "year_reported", "region_id", "domain_id",
        "first_published_at", "path", "featured"))
    order = {row[0]: position for position, row in enumerate(cases)}
    regions = {pk: (parent, slug, name, full_name) for pk, parent, slug, name, full_name
               in Region.objects.values_list("pk", "parent_id", "slug", "name", "full_name")}

    members = defaultdict(set)  # (facet, term pk) → case pks
    years = {}
    for pk, _, _, start, end, region, domain, *_ in cases:
        years[pk] = (start, end)
        for year in case_years(start, end):
            members["year", year].add(pk)
        if domain:
            members["domain", domain].add(pk)
        while region:  # the region and each region above it: the filter takes in what lies below
            members["region", region].add(pk)
            region = regions[region][0]
    picks = defaultdict(list)
    for page, case in RelatedCase.objects.order_by("page_id", "sort_order", "pk").values_list("page_id", "case_id"):
        picks[page].append(case)
    names = {}  # (facet, term pk) → (slug, name)
    for facet, pk, term, slug, name in _term_rows():
        names[facet, term] = (slug, name)
        if pk in order:
            members[facet, term].add(pk)

    def values(facet, sort_key):
        return [FacetValue(*names[key], sort_key(key[1], names[key][1]), bitset(pks))
                for key, pks in members.items() if key[0] == facet]

    facets = {
        # Provinces are the regions at the top, ties by full name; tags by name, the others by id.
        "region": [FacetValue(slug, name, full_name, bitset(members["region", pk]))
                   for pk, (parent, slug, name, full_name) in regions.items()
                   if parent is None and ("region", pk) in members],
        "theme": values("theme", lambda pk, name: pk),
        "problem": values("problem", lambda pk, name: pk),
        "domain": values("domain", lambda pk, name: pk),
        "tag": values("tag", lambda pk, name: name),
        "year": [FacetValue(str(year), f"{year}年", -year, bitset(pks))
                 for (facet, year), pks in members.items() if facet == "year"],
    }
    # Never published (previews) last; of equal dates, the lower id first.
    newest = [row[0] for row in sorted(cases, key=lambda row: (row[7] is None, -(row[7].timestamp() if row[7] else 0),
                                                               row[0]))]
    catalogue = Catalogue(
        order=order,
        titles=TextColumn({pk: title.lower() for pk, title, *_ in cases}),
        model_names=TextColumn({pk: model_name.lower() for pk, _, model_name, *_ in cases}),
        years=years,
        recency={pk: rank for rank, pk in enumerate(reversed(newest))},
        newest=newest,
        featured=[row[0] for row in cases if row[9]],
        paths={row[0]: row[8] for row in cases},
        picks=picks,
        facets={facet: facets[facet] for facet in FACETS},
        filters={key: frozenset(pks) for key, pks in members.items()},
        # Reported before started, or over MAX_YEARS: case_years() does not list all their years.
        odd_years=frozenset(pk for pk, (start, end) in years.items()
                            if start and end and not 0 <= end - start <= MAX_YEARS),
    )
    recency = catalogue.recency
    catalogue.recent_terms = {key: bitset(recency[pk] for pk in pks) for key, pks in members.items()
                              if key[0] in ("theme", "problem", "tag")}
    if connection.vendor == "sqlite":
        content_type = ContentType.objects.get_for_model(CasePage)
        entries = IndexEntry.objects.filter(content_type=content_type).values_list("pk", "object_id")
        catalogue.entry_of_case = {int(object_id): entry for entry, object_id in entries}
        catalogue.case_of_entry = {str(entry): pk for pk, entry in catalogue.entry_of_case.items()}
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
