"""Elasticsearch analysis for Chinese, shared by Wagtail's page index and the case index.

Both indexes receive text already segmented by search.text (terms joined by spaces), so the
words analyser only splits on spaces and folds width and case: Elasticsearch sees the same
words as the database backend, cut with the same domain dictionary. Text as written gets a
second analyser, for phrase matching and highlights: Elasticsearch's built-in CJK bigrams, or
a segmenter plugin that ELASTICSEARCH_CHINESE_ANALYZER names.

Plain dictionaries and no Django imports, because the settings import this module.
"""

WORDS_ANALYZER = {"type": "custom", "tokenizer": "whitespace", "filter": ["cjk_width", "lowercase"]}

# ELASTICSEARCH_CHINESE_ANALYZER → the analyser for text as written. "" needs no plugin;
# "smartcn" needs Elastic's analysis-smartcn plugin, "ik" the community analysis-ik plugin.
# ik_smart rather than ik_max_word: its tokens do not overlap, so phrase queries line up.
TEXT_ANALYZERS = {
    "": {"type": "custom", "tokenizer": "standard", "filter": ["cjk_width", "lowercase", "cjk_bigram"]},
    "smartcn": {"type": "custom", "tokenizer": "smartcn_tokenizer", "filter": ["cjk_width", "lowercase"]},
    "ik": {"type": "custom", "tokenizer": "ik_smart", "filter": ["cjk_width", "lowercase"]},
}


def wagtail_index_settings():
    """INDEX_SETTINGS for Wagtail's elasticsearch8 backend (deep-merged into its defaults)."""
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
