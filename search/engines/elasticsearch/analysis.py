"""Elasticsearch / OpenSearch analysis for Chinese, shared by Wagtail's page index and the case index.

Both indexes receive text already segmented by search.text (terms joined by spaces), so the
words analyser only splits on spaces and folds width and case: Elasticsearch sees the same
words as the database backend, cut with the same domain dictionary. Text as written gets a
second analyser, for phrase matching and highlights: Elasticsearch's built-in CJK bigrams, or
a segmenter plugin that SEARCH_ENGINE_CHINESE_ANALYZER names.

Plain dictionaries and no Django imports, because the settings import this module.
"""

# SEARCH_ENGINE_KIND → Wagtail's search backend for its own page index on that cluster. The
# opensearch backends are named after opensearch-py's major version (3), not the server's:
# opensearch3 is the one that speaks to OpenSearch 2 and 3 servers through opensearch-py 3.
WAGTAIL_BACKENDS = {
    "elasticsearch": "wagtail.search.backends.elasticsearch8",
    "opensearch": "wagtail.search.backends.opensearch3",
}

WORDS_ANALYZER = {"type": "custom", "tokenizer": "whitespace", "filter": ["cjk_width", "lowercase"]}

# SEARCH_ENGINE_CHINESE_ANALYZER → the analyser for text as written. "" needs no plugin;
# "smartcn" needs Elastic's analysis-smartcn plugin, "ik" the community analysis-ik plugin.
# ik_smart rather than ik_max_word: its tokens do not overlap, so phrase queries line up.
TEXT_ANALYZERS = {
    "": {"type": "custom", "tokenizer": "standard", "filter": ["cjk_width", "lowercase", "cjk_bigram"]},
    "smartcn": {"type": "custom", "tokenizer": "smartcn_tokenizer", "filter": ["cjk_width", "lowercase"]},
    "ik": {"type": "custom", "tokenizer": "ik_smart", "filter": ["cjk_width", "lowercase"]},
}


def wagtail_index_settings():
    """INDEX_SETTINGS for Wagtail's elasticsearch8 / opensearch3 backend (deep-merged into its defaults)."""
    return {
        "settings": {
            "analysis": {
                "analyzer": {
                    # Wagtail's mappings name no analyser for search fields, so the index default applies.
                    "default": WORDS_ANALYZER,
                    # Autocomplete fields (search.text.fields.SegmentedAutocompleteField) complete the same words.
                    "edgengram_analyzer": {**WORDS_ANALYZER, "filter": [*WORDS_ANALYZER["filter"], "edgengram"]},
                }
            }
        }
    }
