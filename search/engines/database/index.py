"""The case search index in the database: the project's own tables, one row per published case.

Each row holds the case's text as the pipeline segments it (search.text), in two slots: the
headline (title, model name, summary, place, vocabulary terms, tags: what a match ranks highest
on) and the body. SQLite: the FTS5 table search_case_fts, its rowid the case's pk. PostgreSQL:
search_case_index, a tsvector per slot with GIN indexes. Created by migration search/0003;
written here for the cases that change (search.signals) and rebuilt by `manage.py search_index
--rebuild`. It is derived data: backups leave it out, restore rebuilds it.
"""

from django.db import connection, transaction

from cases.models import CasePage
from search.text import index_text

FTS_TABLE = "search_case_fts"
PG_TABLE = "search_case_index"
CHUNK_SIZE = 500


def cases_to_index():
    """Published cases with what their headline reads, in a fixed number of queries a chunk."""
    return (
        CasePage.objects.published()
        .select_related("region", "domain")
        .prefetch_related("themes", "problems", "tags")
        .order_by("pk")
    )


def _rows(cases):
    return [(case.pk, index_text(case.search_headline()), index_text(case.body_text())) for case in cases]


def _delete(cursor, pks):
    if connection.vendor == "sqlite":
        cursor.executemany(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [(pk,) for pk in pks])
    else:
        cursor.execute(f"DELETE FROM {PG_TABLE} WHERE case_id = ANY(%s)", [list(pks)])


def _insert(cursor, rows):
    if not rows:
        return
    if connection.vendor == "sqlite":
        cursor.executemany(f"INSERT INTO {FTS_TABLE} (rowid, headline, body) VALUES (%s, %s, %s)", rows)
    else:
        # The headline weighs A, the body D: search.engines.database.fulltext ranks with them.
        # An upsert: two transactions writing the same case must not collide on its key.
        cursor.executemany(
            f"INSERT INTO {PG_TABLE} (case_id, headline, body) VALUES "
            "(%s, setweight(to_tsvector('simple', %s), 'A'), setweight(to_tsvector('simple', %s), 'D')) "
            "ON CONFLICT (case_id) DO UPDATE SET headline = EXCLUDED.headline, body = EXCLUDED.body",
            rows,
        )


def update(pks):
    """Make the index agree with the database for the cases `pks`: the published ones written
    afresh, the others (unpublished, private, deleted) removed. Runs in the caller's transaction,
    so a change and its index rows commit together."""
    pks = sorted(set(pks))
    with transaction.atomic(), connection.cursor() as cursor:
        # In chunks: a library moved or made private names all its cases, and SQLite takes at
        # most 32,766 parameters a query.
        for start in range(0, len(pks), CHUNK_SIZE):
            chunk = pks[start : start + CHUNK_SIZE]
            rows = _rows(cases_to_index().filter(pk__in=chunk))
            published = {row[0] for row in rows}
            _delete(cursor, [pk for pk in chunk if pk not in published or connection.vendor == "sqlite"])
            _insert(cursor, rows)


def rebuild(progress=None):
    """Every published case indexed afresh, in one transaction: readers see the old index until it
    commits. `progress(done, total)` is called after each chunk. Returns the number indexed."""
    cases = cases_to_index()
    total, done, last = cases.count(), 0, 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {FTS_TABLE if connection.vendor == 'sqlite' else PG_TABLE}")
        # Chunks read by key: OFFSET would walk past every earlier row again.
        while chunk := list(cases.filter(pk__gt=last)[:CHUNK_SIZE]):
            _insert(cursor, _rows(chunk))
            done, last = done + len(chunk), chunk[-1].pk
            if progress:
                progress(done, total)
    merge()
    return done


def merge():
    """Merge SQLite's full-text index into one segment (FTS5 'optimize'), after a rebuild.

    Writing every row leaves the index in many segments, each of which every MATCH reads: at ten
    thousand cases, matching took 2.4 times as long as in the merged index.
    """
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('optimize')")


def indexed_count():
    """How many cases the index holds."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {FTS_TABLE if connection.vendor == 'sqlite' else PG_TABLE}")
        return cursor.fetchone()[0]
