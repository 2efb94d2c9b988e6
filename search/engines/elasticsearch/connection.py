"""The cluster that holds the case index: Elasticsearch 8 or OpenSearch 2 / 3, by SEARCH_ENGINE_KIND.

Requests are built once (elasticsearch.dsl objects turned into plain bodies) and sent by the
client that speaks the cluster's dialect: Elasticsearch's own client refuses any server that
is not Elasticsearch, so OpenSearch gets opensearch-py. Both accept the same `body=` calls and
bulk actions; this module is the only place that knows which one is in use.
"""

from functools import lru_cache

import elasticsearch.helpers
import opensearchpy.helpers
from django.conf import settings
from elasticsearch import ApiError, Elasticsearch, TransportError
from opensearchpy import OpenSearch
from opensearchpy.exceptions import OpenSearchException

KINDS = ("elasticsearch", "opensearch")

# Down, unreachable or timed out, or refusing a request (e.g. the index was never built): the
# site carries on without the case index and logs why.
ERRORS = (ApiError, TransportError, OpenSearchException)
# Documents the cluster refused in a bulk request.
BULK_ERRORS = (elasticsearch.helpers.BulkIndexError, opensearchpy.helpers.BulkIndexError)


@lru_cache(maxsize=4)
def _client(kind, url, timeout):
    # One retry at most, and none after a timeout: a reader waits one timeout, not several.
    if kind == "opensearch":
        return OpenSearch(url, timeout=timeout, max_retries=1, retry_on_timeout=False)
    return Elasticsearch(url, request_timeout=timeout, max_retries=1, retry_on_timeout=False)


def client():
    return _client(settings.SEARCH_ENGINE_KIND, settings.SEARCH_ENGINE_URL, settings.SEARCH_ENGINE_TIMEOUT)


def _helpers():
    return opensearchpy.helpers if isinstance(client(), OpenSearch) else elasticsearch.helpers


def bulk(actions, **options):
    """The client library's bulk helper: (successes, errors)."""
    return _helpers().bulk(client(), actions, **options)


def streaming_bulk(actions, **options):
    """The client library's streaming bulk helper: one (ok, item) per action."""
    return _helpers().streaming_bulk(client(), actions, **options)


def scan(**options):
    """Every hit of a query, page by page (the client library's scan helper)."""
    return _helpers().scan(client(), **options)


def search(body):
    """The raw response (a dict) to a search request on the case index.

    All shards or none: a cluster answers by default with what the shards that did not fail
    found, counts and facets included, which a reader cannot tell from a whole answer; a
    failed shard fails the search instead, and the site says the engine is unavailable."""
    return dict(client().search(index=case_alias(), body=body, allow_partial_search_results=False))


def case_alias():
    """The alias that search and updates use; a rebuild moves it to a fresh index."""
    return f"{settings.SEARCH_ENGINE_INDEX_PREFIX}cases"
