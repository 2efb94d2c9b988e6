"""The search page on Elasticsearch: a FacetedSearch over the case index whose results are the
same SearchResults as search.case_search's, so the template and the JSON do not change.

Ranking follows search.case_search: cases whose title or model name hold every word, then
those matching in the title slot (summary, place, vocabulary terms, tags), then, when a word
has parts, cases holding the words as written; then Elasticsearch's relevance. Facets count
the whole filtered result, as search.facets does.
"""

import logging
import re
from copy import copy

from django.core.paginator import Paginator
from elasticsearch.dsl import FacetedSearch, Q, TermsFacet
from taggit.models import Tag

from cases.browse import published_cases
from cases.taxonomy import Domain, Problem, Region, Theme

from .. import case_search
from ..facets import FACET_LABELS, MAX_VALUES
from ..highlight import snippet
from ..text import word_parts
from . import connection
from .documents import CaseDocument

logger = logging.getLogger(__name__)

TITLE_FIELDS = ["title", "model_name"]
HEADLINE_FIELDS = [*TITLE_FIELDS, "summary", "region.name", "domain.name", "themes.name", "problems.name", "tags.name"]
# The title slot weighs five times the body, as in the database backend's index.
TEXT_FIELDS = [*(f"{field}^5" for field in HEADLINE_FIELDS), "body"]
PHRASE_FIELDS = ["headline_raw", "body_raw"]
SNIPPET_FIELDS = ["body_raw", "summary_raw"]  # in search.case_search's order: body, then summary
# Highlights come back as plain text marked with private-use characters; search.highlight
# then escapes and marks it, so nothing from Elasticsearch reaches the page as HTML.
MARK_START, MARK_END = "\ue000", "\ue001"
MARKED = re.compile(f"{MARK_START}(.*?){MARK_END}")
# Relevance squeezed into [0, 1), so that the whole-number rank tiers below always come first.
SATURATED_SCORE = "_score / (_score + 1)"
NEWEST = [
    {"year_reported": {"order": "desc", "missing": "_last"}},
    {"first_published_at": {"order": "desc"}},
    {"pk": {"order": "asc"}},
]  # cases.browse.published_cases' order
# Elasticsearch refuses to page beyond its result window (index.max_result_window).
MAX_WINDOW = 10_000
# Enough buckets for every value of a vocabulary or span of years, so that ordering and
# cutting to MAX_VALUES here give search.facets' result.
FACET_BUCKETS = 200
# facet → (vocabulary model, tie-break of equal counts in search.facets)
FACET_TERMS = {
    "region": (Region, "full_name"),
    "theme": (Theme, "pk"),
    "problem": (Problem, "pk"),
    "domain": (Domain, "pk"),
    "tag": (Tag, "name"),
}
FACET_FIELDS = {
    "region": "region.province",
    "theme": "themes.slug",
    "problem": "problems.slug",
    "domain": "domain.slug",
    "tag": "tags.slug",
}
BY_COUNT = [{"_count": "desc"}, {"_key": "asc"}]
# CaseFilter attribute → the field its slug must be in: a region matches the regions below it.
FILTER_FIELDS = {**FACET_FIELDS, "region": "region.path"}


def _word(word, fields):
    """The word, or all of its parts, in `fields` (as search.query.ParsedQuery._word_query)."""
    whole = Q("combined_fields", query=word, fields=fields)
    parts = word_parts(word)
    if not parts:
        return whole
    all_parts = Q("bool", must=[Q("combined_fields", query=part, fields=fields) for part in parts])
    return Q("bool", should=[whole, all_parts])


def _all_words(words, fields):
    return Q("bool", must=[_word(word, fields) for word in words])


class CaseSearch(FacetedSearch):
    doc_types = [CaseDocument]
    fields = TEXT_FIELDS
    facets = {
        **{name: TermsFacet(field=field, size=FACET_BUCKETS, order=BY_COUNT) for name, field in FACET_FIELDS.items()},
        "year": TermsFacet(field="years", size=FACET_BUCKETS, order={"_key": "desc"}),
    }

    def __init__(self, query, case_filter, sort):
        """`query`: a search.query.ParsedQuery; `case_filter`: a cases.browse.CaseFilter."""
        self.index, self.using = connection.case_alias(), connection.client()
        self.case_filter = case_filter
        self.by_relevance = bool(query) and sort == "relevance"
        super().__init__(query=query, sort=[{"_score": {"order": "desc"}}, *NEWEST] if self.by_relevance else NEWEST)

    def search(self):
        return super().search().source(False).extra(track_total_hits=True)

    def query(self, search, query):
        if not query:
            return search
        matches = Q("script_score", query=_all_words(query.words, TEXT_FIELDS), script={"source": SATURATED_SCORE})
        search = search.query(Q("bool", must=[matches], should=self._tiers(query)))
        for phrase in query.phrases:
            search = search.filter(Q("multi_match", query=phrase, type="phrase", fields=PHRASE_FIELDS))
        return search

    def _tiers(self, query):
        """search.case_search's rank tiers as constant scores: 4 title or model name, 2 title
        slot, 1 every word as written (only when some word has parts)."""
        if not self.by_relevance:
            return []
        tiers = [(4, _all_words(query.words, TITLE_FIELDS)), (2, _all_words(query.words, HEADLINE_FIELDS))]
        if query.whole_words_query() is not None:
            as_written = [Q("combined_fields", query=word, fields=TEXT_FIELDS) for word in query.words]
            tiers.append((1, Q("bool", must=as_written)))
        return [Q("constant_score", filter=tier, boost=boost) for boost, tier in tiers]

    def filter(self, search):
        # The listing's filters narrow the hits and the facet counts alike (as in search.facets),
        # so they go in the query, not in FacetedSearch's post_filter.
        for name, field in FILTER_FIELDS.items():
            term = getattr(self.case_filter, name)
            if term:
                search = search.filter("term", **{field: term.slug})
        if self.case_filter.year:
            search = search.filter("term", years=self.case_filter.year)
        return search

    def highlight(self, search):
        if not self._query:
            return search
        marks = Q(
            "bool",
            should=[
                Q("multi_match", query=term, type="phrase", fields=SNIPPET_FIELDS)
                for term in self._query.highlight_terms()
            ],
        )
        # number_of_fragments 0: the whole marked field, cut into a snippet by search.highlight.
        return search.highlight_options(
            pre_tags=[MARK_START],
            post_tags=[MARK_END],
            number_of_fragments=0,
            highlight_query=marks.to_dict(),
        ).highlight(*SNIPPET_FIELDS)


class _RankedIds:
    """Ranked case ids as Paginator sees them: a count, and slices fetched from Elasticsearch.

    The slice first asked for is fetched with the count, so a valid page costs one request.
    """

    def __init__(self, faceted_search, window):
        self.faceted_search, self.window, self.response = faceted_search, window, None

    def _fetch(self, window):
        window = slice(min(window.start, MAX_WINDOW), min(window.stop, MAX_WINDOW))
        self.response, self.window = copy(self.faceted_search)[window].execute(), window

    def count(self):
        if self.response is None:
            self._fetch(self.window)
        return self.response.hits.total.value

    def __getitem__(self, window):
        if self.response is None or window.start != self.window.start or window.stop > self.window.stop:
            self._fetch(window)
        return [int(hit.meta.id) for hit in self.response][: window.stop - window.start]


def _first_window(page_number, size):
    """The slice of the page asked for (Paginator corrects a wrong guess with a second request)."""
    try:
        number = max(1, int(page_number))
    except (TypeError, ValueError):
        number = 1
    start = min((number - 1) * size, MAX_WINDOW - size)
    return slice(start, start + size)


def _facet_values(name, buckets):
    """search.facets' [{"value", "label", "count"}] for the (key, count, selected) buckets."""
    if name == "year":
        return [{"value": str(year), "label": f"{year}年", "count": count} for year, count, _ in buckets]
    model, tie_break = FACET_TERMS[name]
    terms = model.objects.in_bulk([key for key, _, _ in buckets], field_name="slug")
    ranked = sorted(
        ((terms[key], count) for key, count, _ in buckets if key in terms),
        key=lambda item: (-item[1], getattr(item[0], tie_break)),
    )
    values = [{"value": term.slug, "label": term.name, "count": count} for term, count in ranked]
    return values if name == "region" else values[:MAX_VALUES]


def _snippet(case, highlights, query):
    """The first snippet field Elasticsearch marked, cut and marked by search.highlight with the
    query's terms and whatever else Elasticsearch's folding matched (著力 for 着力, full-width
    letters); else the snippet search.case_search would show."""
    for field in SNIPPET_FIELDS:
        if field in highlights:
            marked = highlights[field][0].replace(MARK_END + MARK_START, "")
            terms = {*MARKED.findall(marked), *query.highlight_terms()}
            return snippet([marked.replace(MARK_START, "").replace(MARK_END, "")], terms)
    if not query:
        return snippet([case.summary], [])
    return snippet([case.body_text(), case.summary], query.highlight_terms())


def search_elasticsearch(query, case_filter, sort, errors, page_number):
    """search.case_search.search_cases on Elasticsearch, from its parsed parameters.

    If Elasticsearch fails: a search says it is unavailable (a page, never a 500); a browse
    without a query returns None, for the database to serve, since it needs no search index.
    """
    size = case_search.PAGE_SIZE
    ranked = _RankedIds(CaseSearch(query, case_filter, sort), _first_window(page_number, size))
    try:
        page = Paginator(ranked, size).get_page(page_number)
    except connection.ERRORS:
        logger.warning(
            "Elasticsearch 搜索失败%s", "，提示搜索暂时不可用" if query else "，改由数据库列出案例", exc_info=True
        )
        if not query:
            return None
        return case_search.SearchResults(
            query=query,
            case_filter=case_filter,
            sort=sort,
            page=Paginator([], size).get_page(1),
            hits=[],
            facets={name: [] for name in FACET_LABELS},
            errors=[*errors, case_search.UNAVAILABLE],
        )
    cases = published_cases().in_bulk(page.object_list)
    highlights = {int(hit.meta.id): hit.meta.highlight.to_dict() for hit in ranked.response if "highlight" in hit.meta}
    hits = [
        case_search.Hit(case=cases[pk], snippet=_snippet(cases[pk], highlights.get(pk, {}), query))
        for pk in page.object_list
        if pk in cases
    ]
    facets = {name: _facet_values(name, ranked.response.facets[name]) for name in FACET_LABELS}
    return case_search.SearchResults(
        query=query, case_filter=case_filter, sort=sort, page=page, hits=hits, facets=facets, errors=errors
    )
