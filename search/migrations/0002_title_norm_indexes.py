"""SQLite: indexes for the title-norm refresh that follows every page save.

Wagtail's SQLite backend averages the title length of every index entry and then rewrites the
entries whose norm is still the default 1.0. The title column lies after the long body in each
row, so at 100,000 cases the average read the whole table (2.4 s a save with the file cached,
31 s without) and the rewrite scanned it again. An index on the length answers the average
from the index alone; a partial index finds the new entries.
"""

from django.db import migrations

TABLE = "wagtailsearch_indexentry"
INDEXES = {
    "search_indexentry_title_length": f"ON {TABLE} (length(title))",
    "search_indexentry_new_norm": f"ON {TABLE} (title_norm) WHERE title_norm = 1.0",
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":  # the other backends keep no title norms
        for name, definition in INDEXES.items():
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} {definition}")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for name in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("search", "0001_fts_trigger_on_text_columns")]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
