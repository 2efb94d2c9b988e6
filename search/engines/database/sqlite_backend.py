"""SQLite's full-text backend, with title norms refreshed once a rebuild.

The stock SQLite index averages the title length of every entry and rewrites the new ones'
norms after each chunk it adds: a full table scan per thousand cases, so that a 100,000-case
`update_index` spent most of its time averaging. The rebuild refreshes every entry's norm at
its end anyway (finish), so within a rebuild the per-chunk refresh is skipped. Saving one page
still refreshes as before.

Importable only on SQLite: Wagtail defines the FTS5 entry model for that database alone.
"""

from modelsearch.backends.database.sqlite import sqlite


class SQLiteIndex(sqlite.SQLiteIndex):
    rebuilding = False

    def _refresh_title_norms(self, full=False):
        if full or not self.rebuilding:
            super()._refresh_title_norms(full=full)


class SQLiteRebuilder(sqlite.SQLiteSearchAtomicRebuilder):
    def start(self):
        index = super().start()
        index.rebuilding = True
        return index

    def finish(self):
        self.index.rebuilding = False
        super().finish()


class SQLiteSearchBackend(sqlite.SQLiteSearchBackend):
    index_class = SQLiteIndex
    atomic_rebuilder_class = SQLiteRebuilder
