"""Elasticsearch for the case search (issue 4), used only when settings.ELASTICSEARCH_URL is set.

analysis: the Chinese analysers (no Django: the settings import it); connection: the client;
documents: the case index; indexing: rebuild and updates; search: the faceted search page;
signals: publish, unpublish, edit and delete keep the index current.
"""
