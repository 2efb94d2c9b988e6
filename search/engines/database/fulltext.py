"""Full-text queries on the database's search index: the matching cases, and their rank order.

The index is Wagtail's own (the database backend's table, filled through the segmented
SearchFields in search.text.fields). Its search() wraps each MATCH in ORM subqueries and ranks
with a correlated sub-select per row, which took seconds at a thousand cases; the search page
only needs the ids, so it asks the index directly: FTS5 MATCH on SQLite, a tsquery @@ on
PostgreSQL, with no filters (the catalogue applies them in memory). Query words are
pipeline terms (letters and digits only), so no query syntax can reach the database from what
a reader typed.
"""

import json

import numpy as np
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from wagtail.search.models import IndexEntry

from cases.models import CasePage
from search.text import word_parts

from .case_sets import CaseSet
from .catalogue import catalogue

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
            sql.append(
                "(plainto_tsquery('simple', %s) || ("
                + " && ".join("plainto_tsquery('simple', %s)" for _ in parts)
                + "))"
            )
            params += [word, *parts]
        else:
            sql.append("plainto_tsquery('simple', %s)")
            params.append(word)
    return " && ".join(sql), params


def _case_content_type():
    return ContentType.objects.get_for_model(CasePage).pk


def _fts_table():
    return IndexEntry._meta.db_table + "_fts"


def _sqlite_match(words, title_only=False, whole_words=False):
    columns = "{title}" if title_only else "{title body}"
    return f"{columns} : ({_sqlite_expression(words, whole_words)})"


def _sqlite_ids(words, title_only, whole_words):
    # Index entry ids, mapped to cases by the catalogue: joining the entries table here cost
    # a lookup per match, as much again as the MATCH itself.
    fts = _fts_table()
    with connection.cursor() as cursor:
        # One string, not a row per match: fetching ten thousand rows cost more than the MATCH.
        cursor.execute(
            f"SELECT group_concat(rowid) FROM {fts} WHERE {fts} MATCH %s",
            [_sqlite_match(words, title_only, whole_words)],
        )
        (found,) = cursor.fetchone()
    if not found:
        return CaseSet()
    return catalogue().cases_of_entries(np.fromstring(found, dtype=np.int64, sep=","))


def _sqlite_indexed():
    fts = _fts_table()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {fts}_docsize")  # FTS5's own row count, as bm25's idf uses
        return cursor.fetchone()[0]


def _sqlite_ranked(words, among):
    fts = _fts_table()
    entries = catalogue().entries_of(among)
    with connection.cursor() as cursor:
        # "+rowid": a plain rowid IN made SQLite run the whole MATCH once per listed entry.
        cursor.execute(
            f"SELECT rowid FROM {fts} WHERE {fts} MATCH %s "
            f"AND +rowid IN (SELECT value FROM json_each(%s)) "
            f"ORDER BY bm25({fts}, 0.0, 1.0, {TITLE_WEIGHT}), rowid",
            [_sqlite_match(words), json.dumps(entries)],
        )
        return catalogue().case_pks_of_entries([entry for (entry,) in cursor.fetchall()])


def _postgres_select(words, title_only=False, whole_words=False):
    expression, params = _postgres_expression(words, whole_words)
    vector = "e.title" if title_only else "(e.title || e.body)"
    select = (
        f"SELECT CAST(e.object_id AS INTEGER) FROM {IndexEntry._meta.db_table} e, "
        f"(SELECT {expression} AS q) query WHERE {vector} @@ query.q AND e.content_type_id = %s"
    )
    return select, [*params, _case_content_type()], vector


def _postgres_ids(words, title_only, whole_words):
    select, params, _ = _postgres_select(words, title_only, whole_words)
    with connection.cursor() as cursor:
        cursor.execute(select, params)
        return CaseSet.of(object_id for (object_id,) in cursor.fetchall())


def _postgres_indexed():
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM {IndexEntry._meta.db_table} WHERE content_type_id = %s", [_case_content_type()]
        )
        return cursor.fetchone()[0]


def _postgres_ranked(words, among):
    select, params, vector = _postgres_select(words)
    with connection.cursor() as cursor:
        cursor.execute(
            f"{select} AND CAST(e.object_id AS INTEGER) = ANY(%s) "
            f"ORDER BY ts_rank({vector}, query.q) DESC, e.object_id",
            [*params, list(among)],
        )
        return [object_id for (object_id,) in cursor.fetchall()]


def merge_index():
    """Merge SQLite's full-text index into one segment (FTS5 'optimize'), after a rebuild.

    Rewriting every entry leaves the index in many segments, each of which every MATCH reads:
    at ten thousand cases, matching took 2.4 times as long as in the merged index.
    """
    # settings.base: Wagtail's page index is in the database unless Elasticsearch is configured.
    if not settings.ELASTICSEARCH_URL and connection.vendor == "sqlite":
        fts = _fts_table()
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {fts}({fts}) VALUES ('optimize')")


def matching_cases(words, *, title_only=False, whole_words=False):
    """The cases holding every word (a CaseSet); unpublished cases included (the index holds
    drafts too): callers keep the ones they may show.

    A word with smaller indexed parts (a compound) also matches where all its parts occur,
    unless `whole_words`; `title_only` looks in the index's title slot only.
    """
    if not words:
        return CaseSet()
    if connection.vendor == "sqlite":
        return _sqlite_ids(words, title_only, whole_words)
    return _postgres_ids(words, title_only, whole_words)


def worth_ranking(matches):
    """Whether `matches` matching cases tell apart by relevance: not when they are half the
    index or more (callers list those newest first).

    Every word the query requires then occurs in at least half of the index, where bm25's idf
    is 0 or less (FTS5 sets it to 1e-6): how often such a word occurs says nothing of which
    case is about it, and scoring each of ten thousand matches costs four times finding them.
    """
    if matches < 2:
        return False
    indexed = _sqlite_indexed() if connection.vendor == "sqlite" else _postgres_indexed()
    return matches * 2 < indexed


def relevance_ranking(words):
    """The rank function for RankedIds: a tier's case pks, best first by relevance, scored once
    a page reaches the tier."""
    return lambda tier: relevance_order(words, tier)


def relevance_order(words, among):
    """The case pks in `among` (a CaseSet) that match `words`, best first by the index's relevance
    (bm25, ts_rank). Only those are scored: a page's tier, not every match."""
    if not words or not among:
        return []
    if connection.vendor == "sqlite":
        return _sqlite_ranked(words, among)
    return _postgres_ranked(words, among)
