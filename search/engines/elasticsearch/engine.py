"""The Elasticsearch engine: the case index answers searches, facets, highlights and similar cases."""

import logging

from django.db import transaction
from elasticsearch.dsl import Search
from elasticsearch.helpers import BulkIndexError

from cases.filters import FILTERS, year_label
from cases.models import CasePage, RelatedCase
from search.highlight import snippet

from ..interface import MAX_RESULT_WINDOW, EngineUnavailable, SearchPage, SimilarCases
from . import connection, indexing
from .query import MARK_END, MARK_START, MARKED, RECENTLY_PUBLISHED, SNIPPET_FIELDS, CaseSearch, similar_query

logger = logging.getLogger(__name__)


def _facet_values(each, buckets, limit):
    """The database engine's [{"value", "label", "count"}] for a filter's (key, count, selected)
    buckets: equal counts in the filter's order, terms deleted since indexing left out."""
    if each.year_range:
        return [{"value": str(year), "label": year_label(year), "count": count} for year, count, _ in buckets]
    terms = each.model.objects.in_bulk([key for key, _, _ in buckets], field_name="slug")
    ranked = sorted(
        ((terms[key], count) for key, count, _ in buckets if key in terms),
        key=lambda item: (-item[1], getattr(item[0], each.facet_order)),
    )
    values = [{"value": term.slug, "label": term.name, "count": count} for term, count in ranked]
    return values if each.tree or limit is None else values[:limit]


def _snippet(highlights, query):
    """The first snippet field Elasticsearch marked, cut and marked by search.highlight with the
    query's terms and whatever else Elasticsearch's folding matched (著力 for 着力, full-width
    letters); None when it marked none."""
    for field in SNIPPET_FIELDS:
        if field in highlights:
            marked = highlights[field][0].replace(MARK_END + MARK_START, "")
            terms = {*MARKED.findall(marked), *query.highlight_terms()}
            return snippet([marked.replace(MARK_START, "").replace(MARK_END, "")], terms)
    return None


class ElasticsearchEngine:
    def search(self, request):
        # Elasticsearch refuses to page beyond its result window (index.max_result_window).
        start = min(request.offset, MAX_RESULT_WINDOW)
        stop = min(request.offset + request.limit, MAX_RESULT_WINDOW)
        try:
            response = CaseSearch(request)[start:stop].execute()
        except connection.ERRORS as error:
            logger.warning("Elasticsearch 搜索失败", exc_info=True)
            raise EngineUnavailable from error
        ids = [int(hit.meta.id) for hit in response]
        facets = {}
        if request.facets:
            facets = {
                each.name: _facet_values(each, response.facets[each.name], request.facet_limit) for each in FILTERS
            }
        snippets = {}
        for hit in response if request.snippets else ():
            if "highlight" in hit.meta:
                marked = _snippet(hit.meta.highlight.to_dict(), request.query)
                if marked is not None:
                    snippets[int(hit.meta.id)] = marked
        total = response.hits.total.value
        return SearchPage(
            ids=ids, total=total, pageable=min(total, MAX_RESULT_WINDOW), facets=facets, snippets=snippets
        )

    def similar(self, request):
        picked = list(
            RelatedCase.objects.filter(page_id=request.case_id, case__in=CasePage.objects.published().values("pk"))
            .exclude(case_id=request.case_id)
            .order_by("sort_order", "pk")
            .values_list("case_id", flat=True)
        )
        if picked:
            return SimilarCases(ids=picked)
        if not (request.problems or request.themes or request.tags):
            return SimilarCases(ids=[], shared={})
        search = (
            Search(using=connection.client(), index=connection.case_alias())
            .query(similar_query(request))
            .sort("_score", *RECENTLY_PUBLISHED)
            .source(False)[: request.limit]
        )
        try:
            response = search.execute()
        except connection.ERRORS as error:
            logger.warning("Elasticsearch 相似案例查询失败", exc_info=True)
            raise EngineUnavailable from error
        ids, shared = [], {}
        for hit in response:
            matched = [name.split(":")[0] for name in hit.meta.to_dict().get("matched_queries", [])]
            ids.append(int(hit.meta.id))
            shared[ids[-1]] = tuple(matched.count(name) for name in ("problem", "theme", "tag"))
        return SimilarCases(ids=ids, shared=shared)

    def index(self, case_ids):
        """Synced after the transaction commits; an unreachable Elasticsearch is logged, never
        raised: publishing works whether or not it answers."""
        case_ids = list(case_ids)

        def sync():
            try:
                indexing.sync_cases(case_ids)
            except connection.ERRORS:
                logger.warning(
                    "Elasticsearch 不可用，案例 %s 未能更新索引；恢复后请运行 manage.py search_index --rebuild。",
                    case_ids,
                    exc_info=True,
                )

        # robust: whatever else goes wrong in the sync, the change has happened and must not fail.
        transaction.on_commit(sync, robust=True)

    def rebuild(self, progress=None):
        try:
            return f"{connection.case_alias()} → {indexing.rebuild(progress=progress)}"
        except (*connection.ERRORS, BulkIndexError) as error:  # BulkIndexError: documents refused
            raise EngineUnavailable(f"Elasticsearch 出错：{error}") from error

    def status(self):
        try:
            alias, names, count = indexing.status()
        except connection.ERRORS as error:
            raise EngineUnavailable(f"Elasticsearch 出错：{error}") from error
        if not names:
            return f"{alias} 尚未建立，请运行 manage.py search_index --rebuild"
        return f"{alias} → {'、'.join(names)}，{count} 个案例"
