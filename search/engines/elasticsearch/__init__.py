"""The engine on an Elasticsearch 8 or OpenSearch 2 / 3 cluster (engine.py), used when
settings.SEARCH_ENGINE_URL is set; connection.py picks the client for SEARCH_ENGINE_KIND.

analysis: the Chinese analysers (no Django: the settings import it); connection: the client;
documents: the case index; indexing: rebuild and catching up with the change journal; query:
the requests.
"""
