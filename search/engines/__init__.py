"""Finding cases: one interface (interface.py) and the engines behind it.

- database/: SQLite FTS5 / PostgreSQL tsvector and the in-memory catalogue (the default);
- elasticsearch/: the case index, when settings.ELASTICSEARCH_URL is set.

Package modules stay free of model imports: the settings import elasticsearch.analysis.
"""
