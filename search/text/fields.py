"""How pages give Wagtail's search backends segmented text.

The backends (SQLite FTS5, PostgreSQL tsvector, Elasticsearch with a whitespace analyser) see
a run of Chinese characters as one token, so indexed fields carry the pipeline's terms joined
by spaces; the page itself keeps its original text.
"""

from wagtail.search import index

from .pipeline import index_text


class SegmentedField(index.SearchField):
    """A SearchField whose value is indexed as segmented terms.

    `source` names the attribute or method that gives the original text when it is not the
    field itself: SegmentedField("title", source="search_headline") fills the backends' title
    slot (weighted above the body) with the title plus the other short, telling fields.
    """

    def __init__(self, field_name, source=None, **kwargs):
        super().__init__(field_name, **kwargs)
        self.source = source

    def get_value(self, obj):
        if self.source:
            value = getattr(obj, self.source)
            value = value() if callable(value) else value
        else:
            value = super().get_value(obj)
        return index_text(value if isinstance(value, str) else " ".join(map(str, value or [])))


class SegmentedAutocompleteField(index.AutocompleteField):
    """An AutocompleteField indexed as segmented terms, so prefixes of Chinese words complete."""

    def get_value(self, obj):
        return index_text(super().get_value(obj) or "")
