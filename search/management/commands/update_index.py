"""Wagtail's update_index, then a new content generation.

The index is rewritten without saving any page, so no signal tells the page cache that search
results may have changed, nor the processes' search catalogues (search.catalogue) that entry
ids did: this does.
"""

from wagtail.search.management.commands.update_index import Command as WagtailUpdateIndex

from portal.page_cache import content_changed


class Command(WagtailUpdateIndex):
    def handle(self, *args, **options):
        super().handle(*args, **options)
        content_changed()
