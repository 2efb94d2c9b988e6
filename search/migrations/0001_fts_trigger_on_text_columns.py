"""SQLite: the full-text index follows the index entries' text columns only.

Wagtail's trigger copies an entry into the FTS5 table after any UPDATE of the entry, so that
refreshing every entry's title_norm at the end of a rebuild (a column FTS5 never sees) wrote
every document into the full-text index a second time: at 100,000 cases, longer than the
indexing itself. Fired only by the columns it copies, the trigger does the same work otherwise.
"""

from django.db import migrations

TABLE = "wagtailsearch_indexentry"
TRIGGER = "update_wagtailsearch_indexentry_fts"
COPY = (
    f"BEGIN UPDATE {TABLE}_fts SET title=NEW.title, body=NEW.body, autocomplete=NEW.autocomplete "
    "WHERE rowid=NEW.id; END"
)


def _replace_trigger(schema_editor, event):
    connection = schema_editor.connection
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = %s", [TRIGGER])
        if cursor.fetchone() is None:  # no FTS5 here: Wagtail's fallback backend, nothing to follow
            return
        cursor.execute(f"DROP TRIGGER {TRIGGER}")
        cursor.execute(f"CREATE TRIGGER {TRIGGER} AFTER {event} ON {TABLE} {COPY}")


def on_text_columns(apps, schema_editor):
    _replace_trigger(schema_editor, "UPDATE OF title, body, autocomplete")


def on_any_column(apps, schema_editor):
    _replace_trigger(schema_editor, "UPDATE")


class Migration(migrations.Migration):
    dependencies = [("wagtailsearch", "0010_add_text_fields")]

    operations = [migrations.RunPython(on_text_columns, on_any_column)]
