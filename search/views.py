import csv
from urllib.parse import urlencode

from django.http import HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers

from .case_search import autocomplete, search_cases, suggestions, understanding
from .collections import matching_collections
from .engines.interface import UNAVAILABLE
from .facets import FACET_LABELS
from .filter_links import facet_links, link_parameters, query_string, removal_links
from .log import recorder
from .ranking import SORTS
from .statistics import csv_rows, figures, page_context
from .text import fold


def _link_parameters(request, results):
    return link_parameters(
        results.case_filter,
        q=results.query.text,
        sort=request.GET.get("sort") if request.GET.get("sort") in SORTS else None,
        as_typed="1" if results.as_typed else None,
    )


def _facet_groups(results, params):
    return [
        {"name": name, "label": FACET_LABELS[name], "values": facet_links(params, name, values)}
        for name, values in results.facets.items()
    ]


def _result_json(hit, request):
    case = hit.case
    return {
        "slug": case.slug,
        "title": case.title,
        "url": request.build_absolute_uri(case.url),
        "place": case.place,
        "years": case.years,
        "model_name": case.model_name,
        "themes": [theme.name for theme in case.themes.all()],
        "snippet": str(hit.snippet),
        "source_complete": case.source_complete,
    }


def _logged_as(results, params):
    """What the search log calls this search: its query (folded, as the log keeps it) and
    filters (a query string), or None when the page is no search (no words, no filter)."""
    filters = params.copy()
    for name in ("q", "sort", "as_typed"):
        filters.pop(name, None)
    query = recorder.searched_text(fold(results.query.text))
    return (query, filters.urlencode()[: recorder.MAX_FILTERS]) if query or filters else None


def _log_entry(results, logged_as, understood):
    corrected = understood["corrected"]
    return {
        "query": logged_as[0],
        "filters": logged_as[1],
        "terms": [[concept.kind, concept.slug, concept.name] for concept in results.query.concepts],
        "correction": recorder.searched_text(fold(corrected["meant"])) if corrected else "",
        # By words: a search answered by meaning alone found no case holding what the reader
        # typed, which the report of searches with few results is there to show editors.
        "results": 0 if results.by_meaning else results.total,
    }


# A search page asked with these is the same search seen again (another page, order or reading).
SAME_SEARCH_AGAIN = ("page", "sort", "as_typed")


def search(request):
    results = search_cases(request.GET)
    params = _link_parameters(request, results)
    understood = understanding(results.query, params)
    logged_as = _logged_as(results, params)
    response = _search_response(request, results, params, understood, logged_as)
    if UNAVAILABLE in results.errors:
        # An outage's answer must not outlive it in the page cache.
        add_never_cache_headers(response)
    elif logged_as and not any(name in request.GET for name in SAME_SEARCH_AGAIN):
        # A search is logged as first asked (page or JSON); its other pages, orders and
        # readings are not logged again.
        recorder.mark(response, _log_entry(results, logged_as, understood))
    return response


def _search_response(request, results, params, understood, logged_as):
    collections = matching_collections(results.query)
    if request.GET.get("format") == "json":
        return JsonResponse(
            {
                "query": results.query.text,
                "total": results.total,
                "page": results.page.number,
                "pages": results.page.paginator.num_pages,
                "sort": results.sort,
                "results": [_result_json(hit, request) for hit in results.hits],
                "promoted": [
                    {"title": item.title, "url": request.build_absolute_uri(item.url), "description": item.description}
                    for item in results.promoted
                ],
                "collections": [
                    {
                        "title": collection.title,
                        "url": request.build_absolute_uri(collection.url),
                        "audience": collection.audience,
                    }
                    for collection in collections
                ],
                "facets": results.facets,
                "errors": results.errors,
                "retry": results.retry,
                "by_meaning": results.by_meaning,
                "maybe": [
                    {
                        "title": found.case.title,
                        "url": request.build_absolute_uri(found.case.url),
                        "sentence": found.sentence,
                    }
                    for found in results.maybe
                ],
                "understood": understood,
            },
            json_dumps_params={"ensure_ascii": False},
        )
    active_filters = removal_links(params, results.case_filter)
    return TemplateResponse(
        request,
        "search/search.html",
        {
            "results": results,
            "search_query": results.query.text,
            # A list by filters alone is headed by them.
            "listed_by": "　".join(f"{chip['label']}：{chip['value']}" for chip in active_filters),
            "facet_groups": _facet_groups(results, params),
            "active_filters": active_filters,
            "sort_links": [
                {"label": label, "active": key == results.sort, "url": query_string(params, sort=key)}
                for key, label in SORTS.items()
            ],
            "page_links": {
                "previous": query_string(params, page=str(results.page.previous_page_number()))
                if results.page.has_previous()
                else None,
                "next": query_string(params, page=str(results.page.next_page_number()))
                if results.page.has_next()
                else None,
            },
            "suggestions": suggestions(results.query, published=results.published) if not results.hits else None,
            "retry_link": query_string(params, q=results.retry, as_typed=None) if results.retry else "",
            "collections": collections,
            # Result links go through search:open with this, so that the log learns what was opened.
            "opened_params": urlencode({"q": logged_as[0], "f": logged_as[1]}) if logged_as else "",
            **understood,
        },
    )


def suggest(request):
    """Autocomplete: JSON for the search box's script, a plain list of links without it."""
    found = autocomplete(request.GET.get("q", ""))
    if request.GET.get("format") == "json":
        return JsonResponse({"suggestions": found}, json_dumps_params={"ensure_ascii": False})
    return TemplateResponse(
        request, "search/suggest.html", {"suggestions": found, "search_query": request.GET.get("q", "")[:100]}
    )


def statistics(request):
    """The public 统计 page."""
    return TemplateResponse(request, "search/statistics.html", page_context())


def statistics_json(request):
    return JsonResponse(figures().as_data(), json_dumps_params={"ensure_ascii": False})


def statistics_csv(request):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="stats.csv"'
    response.write("\ufeff")  # so that Excel reads the Chinese as UTF-8
    csv.writer(response).writerows(csv_rows())
    return response
