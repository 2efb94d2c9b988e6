"""Links from the search reports to the public search page, as cadres saw it."""

from django.http import QueryDict
from django.urls import reverse


def public_search_url(row):
    """The public search page for a logged search (a row with its query and filters)."""
    params = QueryDict(row.get("filters", ""), mutable=True)
    if row["query"]:
        params["q"] = row["query"]
    return f"{reverse('search:search')}?{params.urlencode()}"
