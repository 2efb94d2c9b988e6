"""Finding cases: one interface (interface.py) and the engines behind it.

- database/: SQLite FTS5 / PostgreSQL tsvector and the in-memory catalogue (the default);
- elasticsearch/: the case index on Elasticsearch 8 or OpenSearch 2 / 3, when
  settings.SEARCH_ENGINE_URL is set (SEARCH_ENGINE_KIND says which).

Package modules stay free of model imports: the settings import elasticsearch.analysis.
"""
