"""The Elasticsearch client for the case index, its alias, and what counts as Elasticsearch failing."""

from functools import lru_cache

from django.conf import settings
from elasticsearch import ApiError, Elasticsearch, TransportError

# Down, unreachable or timed out (TransportError), or refusing a request (ApiError, e.g. the
# index was never built): the site carries on without the case index and logs why.
ERRORS = (ApiError, TransportError)


@lru_cache(maxsize=4)
def _client(url, timeout):
    # One retry at most, and none after a timeout: a reader waits one timeout, not several.
    return Elasticsearch(url, request_timeout=timeout, max_retries=1, retry_on_timeout=False)


def client():
    return _client(settings.ELASTICSEARCH_URL, settings.ELASTICSEARCH_TIMEOUT)


def case_alias():
    """The alias that search and updates use; a rebuild moves it to a fresh index."""
    return f"{settings.ELASTICSEARCH_INDEX_PREFIX}cases"
