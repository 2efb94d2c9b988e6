"""The project's own case search index (search.engines.database.index), and Wagtail's index
left as Wagtail makes it.

SQLite: the FTS5 table search_case_fts (rowid = case pk; headline, body). PostgreSQL: the table
search_case_index (case_id, headline and body tsvectors) with GIN indexes. Wagtail's index now
holds only what the admin's page search needs, so the changes 0001 and 0002 made to its SQLite
trigger and indexes (for the bodies it no longer holds) are undone. Fill the new index with
`manage.py search_index --rebuild` (`make setup` does).
"""

from django.db import migrations

WAGTAIL_TABLE = "wagtailsearch_indexentry"
WAGTAIL_TRIGGER = "update_wagtailsearch_indexentry_fts"
WAGTAIL_COPY = (
    f"BEGIN UPDATE {WAGTAIL_TABLE}_fts SET title=NEW.title, body=NEW.body, autocomplete=NEW.autocomplete "
    "WHERE rowid=NEW.id; END"
)
OLD_INDEXES = ("search_indexentry_title_length", "search_indexentry_new_norm")

SQLITE_CREATE = ["CREATE VIRTUAL TABLE IF NOT EXISTS search_case_fts USING fts5(headline, body)"]
SQLITE_DROP = ["DROP TABLE IF EXISTS search_case_fts"]
POSTGRES_CREATE = [
    "CREATE TABLE IF NOT EXISTS search_case_index ("
    # No foreign key: the indexer removes a deleted case's row, and restore empties the pages freely.
    " case_id bigint PRIMARY KEY,"
    " headline tsvector NOT NULL, body tsvector NOT NULL)",
    "CREATE INDEX IF NOT EXISTS search_case_index_document ON search_case_index USING gin ((headline || body))",
    "CREATE INDEX IF NOT EXISTS search_case_index_headline ON search_case_index USING gin (headline)",
]
POSTGRES_DROP = ["DROP TABLE IF EXISTS search_case_index"]


def _wagtail_trigger(cursor, event):
    cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = %s", [WAGTAIL_TRIGGER])
    if cursor.fetchone() is not None:  # absent without FTS5: Wagtail's fallback backend
        cursor.execute(f"DROP TRIGGER {WAGTAIL_TRIGGER}")
        cursor.execute(f"CREATE TRIGGER {WAGTAIL_TRIGGER} AFTER {event} ON {WAGTAIL_TABLE} {WAGTAIL_COPY}")


def create(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            _wagtail_trigger(cursor, "UPDATE")
            for name in OLD_INDEXES:
                cursor.execute(f"DROP INDEX IF EXISTS {name}")
            statements = SQLITE_CREATE
        else:
            statements = POSTGRES_CREATE
        for sql in statements:
            cursor.execute(sql)


def drop(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            _wagtail_trigger(cursor, "UPDATE OF title, body, autocomplete")
            cursor.execute(f"CREATE INDEX IF NOT EXISTS {OLD_INDEXES[0]} ON {WAGTAIL_TABLE} (length(title))")
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {OLD_INDEXES[1]} ON {WAGTAIL_TABLE} (title_norm) WHERE title_norm = 1.0"
            )
        for sql in SQLITE_DROP if connection.vendor == "sqlite" else POSTGRES_DROP:
            cursor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("search", "0002_title_norm_indexes")]

    operations = [migrations.RunPython(create, drop)]
