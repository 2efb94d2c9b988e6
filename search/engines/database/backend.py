"""Wagtail's database search backend, with sqlite_backend's rebuild on SQLite.

PostgreSQL (and SQLite without FTS5) get the stock backend unchanged.
"""

from django.db import connection
from modelsearch.backends import database


def SearchBackend(params):  # noqa: N802 (Wagtail looks up this name in the module)
    backend = database.SearchBackend(params)
    if connection.vendor != "sqlite":
        return backend
    from . import sqlite_backend

    if isinstance(backend, sqlite_backend.sqlite.SQLiteSearchBackend):
        return sqlite_backend.SQLiteSearchBackend(params)
    return backend
