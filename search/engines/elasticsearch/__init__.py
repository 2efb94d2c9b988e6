"""The Elasticsearch engine (engine.py), used when settings.ELASTICSEARCH_URL is set.

analysis: the Chinese analysers (no Django: the settings import it); connection: the client;
documents: the case index; indexing: rebuild and updates of single cases; query: the requests.
"""
