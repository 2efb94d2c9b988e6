"""?search= for the open-data API: the case view set of cases.api, searching through the engine
interface as /search/ does, and by meaning where the words find nothing, so the API and the
search page agree on matches and order."""

import json

from django.db import connection
from django.db.models.expressions import RawSQL
from rest_framework.exceptions import APIException
from rest_framework.filters import BaseFilterBackend
from wagtail.api.v2.router import WagtailAPIRouter

from cases.api import CasePagesAPIViewSet, CasePagination, page_window
from cases.filters import CaseFilter

from .case_search import answered, nothing_to_search, understood_query
from .engines.interface import MAX_RESULT_WINDOW, UNAVAILABLE, EngineUnavailable, SearchPage, SearchRequest, run
from .meanings import BY_MEANING_NOTE, closest


class SearchUnavailable(APIException):
    status_code = 503
    default_detail = UNAVAILABLE


class CaseSearchFilter(BaseFilterBackend):
    """?search=: the engine's matches among the cases filtered so far, in its order.

    Without ?order= only the requested page is asked of the engine (view.search_page, which
    SearchPagination serves); with it, the first MAX_RESULT_WINDOW matches, which Wagtail orders
    and pages."""

    def filter_queryset(self, request, queryset, view):
        query = understood_query(request.GET.get("search", ""))
        if query.truncated:
            view.messages.append(f"搜索词过长，只按前 {len(query.text)} 个字搜索。")
        case_filter = CaseFilter.from_params(request.GET)
        nothing = nothing_to_search(query, filtered=bool(case_filter.chosen()))
        if nothing:
            view.messages.append(nothing)
        if not query:
            return queryset
        within = None
        if set(request.GET) - view.known_query_parameters:
            # Field filters (?unit_level=村) narrowed the cases: the engine knows only the listing's own.
            within = frozenset(queryset.values_list("pk", flat=True))
        ordered = "order" in request.GET
        start, end = (0, MAX_RESULT_WINDOW) if ordered else page_window(request)
        search = SearchRequest(
            query=query,
            case_filter=case_filter,
            offset=start,
            limit=end - start,
            facets=False,
            snippets=False,  # the API shows none
            within=within,
        )
        try:
            _, page, _ = answered(search, request.GET.get("search", ""), run, lambda answer: answer.total)
        except EngineUnavailable as error:
            raise SearchUnavailable from error
        view.messages += page.notes
        by_meaning = None if page.total else _by_meaning(query.text, case_filter.apply(queryset), start, end)
        if by_meaning:
            page = by_meaning
            view.messages += page.notes
        if ordered:
            if page.total > MAX_RESULT_WINDOW:
                view.messages.append(f"按 order 排序时只排列最匹配的前 {MAX_RESULT_WINDOW} 个结果。")
        else:
            view.search_page = page
        return queryset.filter(pk__in=_among(page.ids))


def _by_meaning(text, cases, start, end):
    """The window [start, end) of a search by meaning of `cases` (search.meanings), as the
    engine's page would be; None when no case says anything close."""
    close = closest(text, cases)
    if not close:
        return None
    ids = [found.case.pk for found in close]
    return SearchPage(ids=ids[start:end], total=len(ids), notes=[BY_MEANING_NOTE])


def _among(pks):
    """A subquery of the pks `pks`, bound as one parameter: `pk__in=` a list binds one per pk,
    past SQLite's limit of 32,766 (PostgreSQL's 65,535) when a word matches 100,000 cases."""
    pks = list(pks)
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::integer[])", [pks])
    return RawSQL("SELECT value FROM json_each(%s)", [json.dumps(pks)])


class SearchPagination(CasePagination):
    """Wagtail's pagination, except that a search's page is the engine's, in the engine's order."""

    def paginate_queryset(self, queryset, request, view=None):
        page = getattr(view, "search_page", None)
        if page is None:
            return super().paginate_queryset(queryset, request, view)
        super().paginate_queryset(queryset.none(), request, view)  # checks offset and limit as ever
        self.total_count = page.total
        found = queryset.in_bulk(page.ids)
        return [found[pk] for pk in page.ids if pk in found]


class CaseSearchAPIViewSet(CasePagesAPIViewSet):
    filter_backends = [*CasePagesAPIViewSet.filter_backends, CaseSearchFilter]
    known_query_parameters = CasePagesAPIViewSet.known_query_parameters | {"search"}
    pagination_class = SearchPagination


api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", CaseSearchAPIViewSet)
