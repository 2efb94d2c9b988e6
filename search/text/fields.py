"""How pages give Wagtail's search backends segmented text.

The backends (SQLite FTS5, PostgreSQL tsvector, Elasticsearch with a whitespace analyser) see
a run of Chinese characters as one token, so indexed fields carry the pipeline's terms joined
by spaces; the page itself keeps its original text.
"""

from wagtail.search import index

from .pipeline import index_text


class SegmentedField(index.SearchField):
    """A SearchField whose value is indexed as segmented terms."""

    def get_value(self, obj):
        value = super().get_value(obj)
        return index_text(value if isinstance(value, str) else " ".join(map(str, value or [])))


class SegmentedAutocompleteField(index.AutocompleteField):
    """An AutocompleteField indexed as segmented terms, so prefixes of Chinese words complete."""

    def get_value(self, obj):
        return index_text(super().get_value(obj) or "")
