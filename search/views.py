from urllib.parse import urlencode

from django.http import JsonResponse, QueryDict
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers

from .case_search import autocomplete, search_cases, suggestions, understanding
from .collections import matching_collections
from .engines.interface import UNAVAILABLE
from .facets import FACET_LABELS
from .ranking import SORTS

# What the page's links carry over: the search's own parameters, as parsed. Echoing whatever
# was sent made every facet link repeat a 100,000-character parameter (a 37 MB page).
LINK_PARAMETERS = ("q", *FACET_LABELS, "sort", "as_typed")
MAX_VALUE_LENGTH = 100


def _link_parameters(request, results):
    params = QueryDict(mutable=True)
    for name in LINK_PARAMETERS:
        value = request.GET.get(name, "")[:MAX_VALUE_LENGTH]
        if value:
            params[name] = value
    if results.query.text:
        params["q"] = results.query.text
    return params


def _query_string(params, **changes):
    query = params.copy()
    query.pop("page", None)
    for name, value in changes.items():
        query.pop(name, None)
        if value is not None:
            query[name] = value
    return "?" + query.urlencode()


def _facet_groups(results, params):
    groups = []
    for name, values in results.facets.items():
        current = params.get(name, "")
        # A value's link is the query without this facet, and the value last: one copy of the
        # query a facet, not one a value (hundreds of tags and years).
        without = _query_string(params, **{name: None})
        joiner = "&" if len(without) > 1 else ""
        groups.append(
            {
                "name": name,
                "label": FACET_LABELS[name],
                "values": [
                    {
                        **value,
                        "active": value["value"] == current,
                        "url": without
                        if value["value"] == current
                        else f"{without}{joiner}{urlencode({name: value['value']})}",
                    }
                    for value in values
                ],
            }
        )
    return groups


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


def search(request):
    results = search_cases(request.GET)
    response = _search_response(request, results)
    if UNAVAILABLE in results.errors:
        # An outage's answer must not outlive it in the page cache.
        add_never_cache_headers(response)
    return response


def _search_response(request, results):
    if request.GET.get("format") == "json":
        return JsonResponse(
            {
                "query": results.query.text,
                "total": results.total,
                "page": results.page.number,
                "pages": results.page.paginator.num_pages,
                "sort": results.sort,
                "results": [_result_json(hit, request) for hit in results.hits],
                "facets": results.facets,
                "errors": results.errors,
                "understood": understanding(results.query, request.GET),
            },
            json_dumps_params={"ensure_ascii": False},
        )
    params = _link_parameters(request, results)
    active_filters = [
        {"label": label, "value": value, "url": _query_string(params, **{name: None})}
        for name, label, value in results.case_filter.active
    ]
    return TemplateResponse(
        request,
        "search/search.html",
        {
            "results": results,
            "search_query": results.query.text,
            "facet_groups": _facet_groups(results, params),
            "active_filters": active_filters,
            "sort_links": [
                {"label": label, "active": key == results.sort, "url": _query_string(params, sort=key)}
                for key, label in SORTS.items()
            ],
            "page_links": {
                "previous": _query_string(params, page=str(results.page.previous_page_number()))
                if results.page.has_previous()
                else None,
                "next": _query_string(params, page=str(results.page.next_page_number()))
                if results.page.has_next()
                else None,
            },
            "suggestions": suggestions(results.query) if not results.hits else None,
            "collections": matching_collections(results.query),
            **understanding(results.query, request.GET),
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
