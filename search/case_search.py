"""Searching the published cases: query → matching ids → ranked page of hits + facets.

The search backend finds which cases match (over segmented text). Ranking is decided here, the
same way on every backend: cases whose title or model name hold every query word first, then
those matching in the title slot of the index (summary, place, vocabulary terms, tags), then
body-only matches; within each, cases holding the words as written before those matching only
through a compound's parts; then the backend's relevance order, or newest first where the words
are too common to rank (search.fulltext.worth_ranking). Only the page asked for is put in
order (search.catalogue.RankedIds).
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Q
from taggit.models import Tag

from cases.browse import CaseFilter, browse_vocabularies, published_cases
from cases.models import CasePage
from cases.taxonomy import Problem, Theme

from .case_sets import CaseSet
from .catalogue import RankedIds, catalogue
from .facets import facet_counts
from .fulltext import matching_cases, relevance_ranking, worth_ranking
from .highlight import snippet
from .query import ParsedQuery, parse_query
from .text import fold, word_parts

PAGE_SIZE = 10
# Shown when the configured Elasticsearch cannot answer (search.es.search).
UNAVAILABLE = "搜索服务暂时不可用，请稍后再试；也可以先按地区、主题浏览案例。"
SORTS = {"relevance": "相关度", "newest": "最新"}
# A quoted phrase is checked against each candidate's text, read from the database: only this
# many candidates, the best (or newest) first, so that a quoted common word costs a bounded read.
PHRASE_CANDIDATES = 1000


@dataclass
class Hit:
    case: CasePage
    snippet: str


@dataclass
class SearchResults:
    query: ParsedQuery
    case_filter: CaseFilter
    sort: str
    page: object  # a Paginator page of case ids
    hits: list
    facets: dict
    errors: list = field(default_factory=list)

    @property
    def total(self):
        return self.page.paginator.count


def ranked_ids(query, allowed, errors=None):
    """The cases among `allowed` (a CaseSet) matching `query`, best first (a RankedIds); what the
    reader should know of the search is added to `errors`."""
    words = query.words
    matched = matching_cases(words)
    matches = allowed & matched
    if not matches:
        return RankedIds([])
    in_title = catalogue().in_title(words)
    in_title_slot = matching_cases(words, title_only=True)
    tiers = [matches & in_title, matches - in_title]
    tiers = [part for tier in tiers for part in (tier & in_title_slot, tier - in_title_slot)]
    if any(word_parts(word) for word in words):
        as_written = matching_cases(words, whole_words=True)
        tiers = [part for tier in tiers for part in (tier & as_written, tier - as_written)]
    if worth_ranking(len(matched)):
        ranked = RankedIds(tiers, rank=relevance_ranking(words))
    else:
        ranked = RankedIds(tiers, catalogue().listing)
    return _with_phrases(ranked, query.phrases, errors) if query.phrases else ranked


def _with_phrases(ids, phrases, errors):
    """Of the first PHRASE_CANDIDATES in `ids` (a RankedIds), the cases whose original text holds
    every quoted phrase as written (ignoring spaces), in the same order."""
    candidates = ids[:PHRASE_CANDIDATES]
    if len(ids) > PHRASE_CANDIDATES and errors is not None:
        errors.append(
            f"带引号的短语只在排在前 {PHRASE_CANDIDATES} 的结果中查找；加上其他搜索词或筛选条件可以缩小范围。"
        )
    cases = (
        CasePage.objects.select_related("region", "domain")
        .prefetch_related("themes", "problems", "tags")
        .in_bulk(candidates)
    )
    kept = []
    for pk in candidates:
        case = cases[pk]
        text = "".join(fold(case.search_headline() + case.body_text()).split())
        if all(phrase in text for phrase in phrases):
            kept.append(pk)
    return RankedIds([CaseSet.of(kept)], kept)


def search_cases(params):
    """Run the search described by the request parameters `params` (a QueryDict or dict)."""
    query = parse_query(params.get("q", ""))
    case_filter = CaseFilter.from_params(params)
    sort = params.get("sort") if params.get("sort") in SORTS else "relevance"
    shown = published_cases()
    errors = list(case_filter.errors)
    if query.truncated:
        errors.append(f"搜索词过长，只按前 {len(query.text)} 个字搜索。")

    if settings.ELASTICSEARCH_URL:
        # Imported here: the Elasticsearch client loads only where it is configured.
        from .es.search import search_elasticsearch

        results = search_elasticsearch(query, case_filter, sort, errors, params.get("page"))
        if results is not None:
            return results
        # Elasticsearch is down and there is no query: the database lists the cases below.

    allowed = catalogue().allowed(case_filter)
    if query and sort == "relevance":
        ids = ranked_ids(query, allowed, errors)
    elif query:
        ids = catalogue().in_listing_order(allowed & matching_cases(query.words))
        if query.phrases:
            ids = _with_phrases(ids, query.phrases, errors)
    else:
        ids = catalogue().in_listing_order(allowed)

    page = Paginator(ids, PAGE_SIZE).get_page(params.get("page"))
    page_ids = list(page.object_list)
    # Fetched through published_cases(): what a reader is shown is checked in the database.
    cases = shown.in_bulk(page_ids)
    terms = query.highlight_terms()
    hits = [
        Hit(case=cases[pk], snippet=snippet([cases[pk].body_text(), cases[pk].summary], terms))
        for pk in page_ids
        if pk in cases
    ]
    if not query:
        hits = [Hit(case=hit.case, snippet=snippet([hit.case.summary], [])) for hit in hits]
    return SearchResults(
        query=query,
        case_filter=case_filter,
        sort=sort,
        page=page,
        hits=hits,
        facets=facet_counts(ids.members),
        errors=errors,
    )


def suggestions(limit=8):
    """Themes and model names to offer when a search finds nothing."""
    themes = list(browse_vocabularies()["themes"][:limit])
    model_names = list(published_cases().exclude(model_name="").values_list("model_name", flat=True)[:limit])
    return {"themes": themes, "model_names": model_names}


def autocomplete(text, limit=8):
    """Titles, model names, themes, problems and tags containing what was typed (繁/简 alike)."""
    typed = fold(text).strip()[:50]
    if not typed:
        return []
    found = []
    for case in published_cases().filter(Q(title__icontains=typed) | Q(model_name__icontains=typed))[:limit]:
        found.append({"label": case.title, "kind": "案例", "url": case.url})
        if case.model_name and typed in case.model_name.lower():
            found.append({"label": case.model_name, "kind": "模式", "url": case.url})
    shown = published_cases().values("pk")
    for model, kind in ((Theme, "主题"), (Problem, "难题")):
        for term in model.objects.filter(name__icontains=typed, cases__in=shown).distinct()[:limit]:
            found.append({"label": term.name, "kind": kind, "url": None})
    used_tags = Tag.objects.filter(cases_casepagetag_items__content_object__in=shown).distinct()
    for tag in used_tags.filter(name__icontains=typed)[:limit]:
        found.append({"label": tag.name, "kind": "标签", "url": None})
    seen = set()
    unique = [item for item in found if not (item["label"] in seen or seen.add(item["label"]))]
    return unique[:limit]
