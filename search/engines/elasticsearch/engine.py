"""The engine on an Elasticsearch 8 or OpenSearch 2 / 3 cluster: its case index answers searches,
facets, highlights and similar cases."""

import logging

from django.db import transaction
from elasticsearch.dsl import Search

from cases.filters import FILTERS, year_label
from cases.models import CasePage, RelatedCase
from search.highlight import snippet
from search.ranking import best_match_notes, clause_weight, unseen_clauses, unseen_notes

from ..interface import MAX_RESULT_WINDOW, EngineUnavailable, SearchPage, SimilarCases
from . import connection, indexing
from .query import (
    MARK_END,
    MARK_START,
    MARKED,
    RECENTLY_PUBLISHED,
    SNIPPET_FIELDS,
    case_search,
    clause_counts,
    facet_counts,
    similar_query,
)

logger = logging.getLogger(__name__)


def _facet_values(each, counts, limit):
    """The database engine's [{"value", "label", "count"}] for a filter's {value: count}: by
    count, equal counts in the filter's tie order, terms deleted since indexing left out."""
    if each.year_range:
        found = [(year, str(year), year_label(year)) for year in map(int, counts)]
    else:
        terms = each.model.objects.in_bulk(list(counts), field_name="slug")
        found = [(term, term.slug, term.name) for term in terms.values()]
    found.sort(key=lambda row: (-counts[row[1]], each.tie_order(row[0])))
    values = [{"value": value, "label": label, "count": counts[value]} for _, value, label in found]
    return values if each.lists_all or limit is None else values[:limit]


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
    behind = False  # an index update of this process failed: the next answered search catches up

    def search(self, request):
        # Elasticsearch refuses to page beyond its result window (index.max_result_window).
        start = min(request.offset, MAX_RESULT_WINDOW)
        stop = min(request.offset + request.limit, MAX_RESULT_WINDOW)
        notes, unseen = [], []
        try:
            response = connection.search(case_search(request)[start:stop].to_dict())
            query = request.query
            if not response["hits"]["total"]["value"] and query.best_match_possible:
                weights, matches = self._clause_weights(query)
                response = connection.search(case_search(request, weights, matches)[start:stop].to_dict())
                if response["hits"]["total"]["value"]:
                    notes += best_match_notes(query.clauses, matches)
                else:
                    unseen = unseen_clauses(query.clauses, matches)
                    notes += unseen_notes(unseen)
        except connection.ERRORS as error:
            logger.warning("搜索引擎查询失败", exc_info=True)
            raise EngineUnavailable from error
        self._catch_up_after_failure()
        hits = response["hits"]["hits"]
        facets = {}
        if request.facets:
            counts = facet_counts(response["aggregations"])
            facets = {each.name: _facet_values(each, counts[each.name], request.facet_limit) for each in FILTERS}
        snippets = {}
        for hit in hits if request.snippets else ():
            if "highlight" in hit:
                marked = _snippet(hit["highlight"], request.query)
                if marked is not None:
                    snippets[int(hit["_id"])] = marked
        total = response["hits"]["total"]["value"]
        return SearchPage(
            ids=[int(hit["_id"]) for hit in hits],
            total=total,
            pageable=min(total, MAX_RESULT_WINDOW),
            facets=facets,
            snippets=snippets,
            notes=notes,
            unseen=unseen,
        )

    @staticmethod
    def _clause_weights(query):
        """Each clause's weight for a best match, and how many indexed cases it matches."""
        counted = connection.search(clause_counts(query).to_dict())
        total = counted["hits"]["total"]["value"]
        matches = [counted["aggregations"][f"c{number}"]["doc_count"] for number in range(len(query.clauses))]
        return [clause_weight(found, total) for found in matches], matches

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
        search = Search().query(similar_query(request)).sort("_score", *RECENTLY_PUBLISHED).source(False)
        try:
            response = connection.search(search[: request.limit].to_dict())
        except connection.ERRORS as error:
            logger.warning("搜索引擎相似案例查询失败", exc_info=True)
            raise EngineUnavailable from error
        ids, shared = [], {}
        for hit in response["hits"]["hits"]:
            matched = [name.split(":")[0] for name in hit.get("matched_queries", [])]
            ids.append(int(hit["_id"]))
            shared[ids[-1]] = tuple(matched.count(name) for name in ("problem", "theme", "tag"))
        return SimilarCases(ids=ids, shared=shared)

    def index(self, case_ids):
        """The index catches up with the journal (which holds these cases' change) after the
        transaction commits. A cluster that does not answer is logged, never raised:
        publishing works whether or not it answers, and a later catch-up applies the change."""

        def sync():
            try:
                indexing.catch_up()
            except connection.ERRORS:
                self.behind = True
                logger.warning("搜索引擎不可用，案例 %s 暂未更新索引，恢复后自动补上。", list(case_ids), exc_info=True)
            else:
                self.behind = False

        # robust: whatever else goes wrong in the sync, the change has happened and must not fail.
        transaction.on_commit(sync, robust=True)

    def _catch_up_after_failure(self):
        """After an update this process could not send, the first search that the cluster
        answers also brings the index up to date."""
        if self.behind:
            try:
                indexing.catch_up()
            except connection.ERRORS:
                logger.warning("搜索引擎索引补更新失败", exc_info=True)
            else:
                self.behind = False

    def rebuild(self, progress=None):
        try:
            return f"{connection.case_alias()} → {indexing.rebuild(progress=progress)}"
        except (*connection.ERRORS, *connection.BULK_ERRORS) as error:
            raise EngineUnavailable(f"搜索引擎出错：{error}") from error

    def status(self):
        try:
            alias, names, count, behind, current = indexing.status()
        except connection.ERRORS as error:
            raise EngineUnavailable(f"搜索引擎出错：{error}") from error
        if not names:
            return f"{alias} 尚未建立，请运行 manage.py search_index --rebuild"
        if behind is None:
            lag = "未记录变更位置（下次更新时补上）"
        else:
            lag = f"落后 {behind} 条变更（manage.py search_index --catch-up）" if behind else "已与变更记录同步"
        shape = "" if current else "；索引结构与当前程序不同（升级前建立），请运行 manage.py search_index --rebuild"
        return f"{alias} → {'、'.join(names)}，{count} 个案例，{lag}{shape}"

    def catch_up(self):
        try:
            return indexing.catch_up()
        except connection.ERRORS as error:
            raise EngineUnavailable(f"搜索引擎出错：{error}") from error
