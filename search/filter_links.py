"""Links that add or take away one filter value, alike on the search page and the case library.

A page's links carry the filters as parsed (cases.filters.CaseFilter), never the parameters as
sent: a value that named nothing was already reported, and a 100,000-character parameter must
not be repeated in every link.
"""

from urllib.parse import urlencode

from django.http import QueryDict

from cases.filters import BY_NAME, key


def link_parameters(case_filter, q="", **others):
    """The QueryDict a page's links start from: the query `q`, the filters in force, then
    `others` not empty."""
    params = QueryDict(mutable=True)
    if q:
        params["q"] = q
    for each, values in case_filter.chosen():
        params.setlist(each.name, [key(value) for value in values])
    for name, value in others.items():
        if value:
            params[name] = value
    return params


def query_string(params, **changes):
    """'?' and `params` without a page number, each of `changes` set (None: taken away)."""
    query = params.copy()
    query.pop("page", None)
    for name, value in changes.items():
        query.pop(name, None)
        if value is not None:
            query[name] = value
    return "?" + query.urlencode()


def _without(params, name, value):
    query = params.copy()
    query.pop("page", None)
    query.setlist(name, [kept for kept in query.getlist(name) if kept != value])
    return "?" + query.urlencode()


def facet_links(params, name, values):
    """A facet's values ({"value", "label", "count"} each) with "active" and "url": a chosen
    value's link takes it away; another's adds it (a multiple filter) or puts it in place of
    the chosen one."""
    chosen = params.getlist(name)
    # One copy of the query a facet, not one a value (hundreds of tags and years).
    kept = query_string(params) if BY_NAME[name].multiple else query_string(params, **{name: None})
    joiner = "&" if len(kept) > 1 else ""
    return [
        {
            **value,
            "active": value["value"] in chosen,
            "url": _without(params, name, value["value"])
            if value["value"] in chosen
            else f"{kept}{joiner}{urlencode({name: value['value']})}",
        }
        for value in values
    ]


def removal_links(params, case_filter):
    """{"label", "value", "url"} of each filter value in force, the url taking it away."""
    return [
        {"label": label, "value": value, "url": _without(params, name, key(value))}
        for name, label, value in case_filter.active
    ]
