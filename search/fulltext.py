"""One full-text query on the database's search index: matching case ids in rank order.

The index is Wagtail's own (the database backend's table, filled through the segmented
SearchFields in search.index). Its search() wraps each MATCH in ORM subqueries and ranks
with a correlated sub-select per row, which took seconds at a thousand cases; the search page
only needs the ids, so it asks the index directly: FTS5 MATCH on SQLite, a tsquery @@ on
PostgreSQL. Query words are pipeline terms (letters and digits only), so no query syntax can
reach the database from what a reader typed.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models.expressions import RawSQL
from wagtail.search.backends import get_search_backend
from wagtail.search.models import IndexEntry

from .query import ParsedQuery
from .text import word_parts

# The index's title slot holds the title and the short, telling fields; its weight over the
# body, as the SegmentedField boost in cases.models says.
TITLE_WEIGHT = 5.0


def _sqlite_expression(words, whole_words):
    def phrase(word):
        return '"' + word.replace('"', '""') + '"'

    def word_expression(word):
        parts = [] if whole_words else word_parts(word)
        if not parts:
            return phrase(word)
        return f"({phrase(word)} OR ({' AND '.join(phrase(part) for part in parts)}))"

    return " AND ".join(word_expression(word) for word in words)


def _postgres_expression(words, whole_words):
    """A tsquery built in SQL from parameters, so no quoting is done by hand."""
    sql, params = [], []
    for word in words:
        parts = [] if whole_words else word_parts(word)
        if parts:
            sql.append("(plainto_tsquery('simple', %s) || ("
                       + " && ".join("plainto_tsquery('simple', %s)" for _ in parts) + "))")
            params += [word, *parts]
        else:
            sql.append("plainto_tsquery('simple', %s)")
            params.append(word)
    return " && ".join(sql), params


def _database_index():
    # settings.base: Wagtail's search backend is Elasticsearch exactly when this is set.
    return not settings.ELASTICSEARCH_URL


def _backend_ids(words, candidates, title_only, whole_words):
    """The same match through Wagtail's configured backend when it is not the database's
    (Elasticsearch: the API's ?search= there; the search page has its own DSL query)."""
    query = ParsedQuery(words=words)
    backend_query = (whole_words and query.whole_words_query()) or query.backend_query()
    # The backend filters on indexed fields only: search the live cases, keep the candidates.
    allowed = set(candidates.values_list("pk", flat=True))
    results = get_search_backend().search(backend_query, candidates.model.objects.live(),
                                          fields=["title"] if title_only else None)
    return [case.pk for case in results if case.pk in allowed]


def _match_sql(words, candidates, title_only, whole_words):
    content_type = ContentType.objects.get_for_model(candidates.model).pk
    allowed_sql, allowed_params = candidates.order_by().values("pk").query.sql_with_params()
    entries = IndexEntry._meta.db_table
    if connection.vendor == "sqlite":
        fts = entries + "_fts"
        expression = _sqlite_expression(words, whole_words)
        columns = "{title}" if title_only else "{title body}"
        # CROSS JOIN keeps the MATCH as SQLite's outer loop: otherwise the planner may walk
        # every entry of the content type and run the MATCH once per entry.
        sql = (f"SELECT CAST(e.object_id AS INTEGER) FROM {fts} CROSS JOIN {entries} e ON e.id = {fts}.rowid "
               f"WHERE {fts} MATCH %s AND e.content_type_id = %s "
               f"AND CAST(e.object_id AS INTEGER) IN ({allowed_sql})")
        rank = f"bm25({fts}, 0.0, 1.0, {TITLE_WEIGHT})"
        return sql, [f"{columns} : ({expression})", content_type, *allowed_params], rank
    expression, expression_params = _postgres_expression(words, whole_words)
    vector = "e.title" if title_only else "(e.title || e.body)"
    sql = (f"SELECT CAST(e.object_id AS INTEGER) FROM {entries} e, (SELECT {expression} AS q) query "
           f"WHERE {vector} @@ query.q AND e.content_type_id = %s "
           f"AND CAST(e.object_id AS INTEGER) IN ({allowed_sql})")
    return sql, [*expression_params, content_type, *allowed_params], f"ts_rank({vector}, query.q) DESC"


def matching_ids(words, candidates, *, title_only=False, whole_words=False):
    """Ids of the `candidates` (a CasePage queryset) holding every word, best first.

    A word with smaller indexed parts (a compound) also matches where all its parts occur,
    unless `whole_words`; `title_only` looks in the index's title slot only.
    """
    if not words:
        return []
    if not _database_index():
        return _backend_ids(words, candidates, title_only, whole_words)
    try:
        sql, params, rank = _match_sql(words, candidates, title_only, whole_words)
    except EmptyResultSet:  # candidates Django knows to be empty (pk__in=[]) have no SQL
        return []
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} ORDER BY {rank}, e.object_id", params)
        return [object_id for (object_id,) in cursor.fetchall()]


def matching(words, candidates):
    """The `candidates` holding every word, as a queryset (for counting and facets)."""
    if not words:
        return candidates.none()
    if not _database_index():
        return candidates.filter(pk__in=_backend_ids(words, candidates, False, False))
    try:
        sql, params, _ = _match_sql(words, candidates, False, False)
    except EmptyResultSet:
        return candidates.none()
    return candidates.filter(pk__in=RawSQL(sql, params))
