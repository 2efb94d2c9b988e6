"""Wagtail's update_index, then a merged index and a new content generation.

The index is rewritten without saving any page, so no signal tells the page cache that search
results may have changed, nor the processes' search catalogues (search.catalogue) that entry
ids did: this does.
"""

from wagtail.search.management.commands.update_index import Command as WagtailUpdateIndex

from portal.page_cache import content_changed
from search.fulltext import merge_index


class Command(WagtailUpdateIndex):
    def handle(self, *args, **options):
        super().handle(*args, **options)
        merge_index()
        content_changed()
