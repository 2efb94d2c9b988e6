"""The one interface through which every surface finds cases.

A surface (the search page, the API's ?search=, the case library, the home page, a case's
similar cases) describes what it wants as a SearchRequest and gets a SearchPage back: one page
of case ids in rank order, the total, facet counts and snippets. It never knows which engine
answered. An engine may work as it likes inside (the database engine holds every match as a
bit set; Elasticsearch hands back only the page).

- database: SQLite FTS5 / PostgreSQL tsvector and the in-memory catalogue (the default);
- elasticsearch: the case index on an Elasticsearch 8 or OpenSearch 2 / 3 cluster, when
  settings.SEARCH_ENGINE_URL is set.
"""

from dataclasses import dataclass, field
from functools import cache
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from cases.filters import CaseFilter

from ..facets import MAX_VALUES
from ..query import ParsedQuery

UNAVAILABLE = "搜索服务暂时不可用，请稍后再试；也可以先按地区、主题浏览案例。"
# A page number asking past this many results is read as the last page that fits: the most an
# engine is asked to page through (Elasticsearch's index.max_result_window).
MAX_RESULT_WINDOW = 10_000


class EngineUnavailable(Exception):
    """The engine cannot answer now (down, timed out, index missing)."""


@dataclass(frozen=True)
class SearchRequest:
    query: ParsedQuery = field(default_factory=ParsedQuery)  # empty: browse, newest first
    case_filter: CaseFilter = field(default_factory=CaseFilter)
    # "relevance" or "newest" (search.ranking.SORTS: newest reported), or "recently_published"
    sort: str = "relevance"
    offset: int = 0
    limit: int = 10
    facets: bool = True
    snippets: bool = True  # the engine's highlighted snippets, where it makes its own
    facet_limit: int | None = MAX_VALUES  # values a facet (None: all); provinces and years always all
    under: str = ""  # only cases below the page of this tree path (a case library)
    featured: bool = False  # only the cases marked for the home page
    within: frozenset | None = None  # only these case ids (the API's other filters)


@dataclass
class SearchPage:
    ids: list  # case ids of the page, best first
    total: int  # matches in all
    pageable: int | None = None  # how many of them the engine can page through (None: all)
    facets: dict = field(default_factory=dict)  # {filter name: [{"value", "label", "count"}]}
    snippets: dict = field(default_factory=dict)  # case id → highlighted text, where the engine marks its own
    notes: list = field(default_factory=list)  # what the reader should know of this search
    # When nothing matched, not even as a best match: the query's clauses no case uses (names).
    unseen: list = field(default_factory=list)

    def __post_init__(self):
        if self.pageable is None:
            self.pageable = self.total


@dataclass(frozen=True)
class SimilarRequest:
    case_id: int
    # The case's terms (each with a pk and a slug), as the page shows them.
    themes: tuple = ()
    problems: tuple = ()
    tags: tuple = ()
    limit: int = 12


@dataclass
class SimilarCases:
    """The editor's picks (shared None), or the cases sharing most problems, then themes, then
    tags, then the most recent, with {case id: (shared problems, themes, tags)}."""

    ids: list
    shared: dict | None = None


class Engine(Protocol):
    def search(self, request: SearchRequest) -> SearchPage: ...

    def similar(self, request: SimilarRequest) -> SimilarCases: ...

    def index(self, case_ids: list) -> None:
        """Make the engine's index agree with the database for these cases (published ones
        written, the others removed): the database's in the change's own transaction, a search
        service's after the commit, never failing the change."""

    def rebuild(self, progress=None) -> str:
        """Index every published case afresh; readers keep the old index until it is done.
        Returns a description of what was built; raises EngineUnavailable (its message in
        Chinese) when it cannot."""

    def status(self) -> str:
        """The index's state, in a line of Chinese."""

    def catch_up(self) -> int:
        """Apply the journalled changes of cases the index missed (a search service that was
        down); returns how many. Raises EngineUnavailable when it cannot."""


ENGINES = {
    "database": "search.engines.database.engine.DatabaseEngine",
    "elasticsearch": "search.engines.elasticsearch.engine.ElasticsearchEngine",
}


@cache
def _engine(name):
    return import_string(ENGINES[name])()


def engine():
    """The configured engine: the search cluster when its URL is set, else the database."""
    return _engine("elasticsearch" if settings.SEARCH_ENGINE_URL else "database")


def database_engine():
    """The database engine, which needs no search service: the fallback for browsing."""
    return _engine("database")


def run(request):
    """The configured engine's answer to `request`. Browsing (no words) needs no search service:
    when the engine is unavailable, the database answers it; a search raises EngineUnavailable."""
    try:
        return engine().search(request)
    except EngineUnavailable:
        if request.query:
            raise
        return database_engine().search(request)


def similar(request):
    """The configured engine's similar cases; the database's when the engine is unavailable."""
    try:
        return engine().similar(request)
    except EngineUnavailable:
        return database_engine().similar(request)
