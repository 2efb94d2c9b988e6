"""Wagtail's update_index, read in chunks by key, then a merged index and a new content generation.

The index is rewritten without saving any page, so no signal tells the page cache that search
results may have changed, nor the processes' search catalogues (search.engines.database.catalogue) that entry
ids did: this does.
"""

from wagtail.search.management.commands.update_index import DEFAULT_CHUNK_SIZE
from wagtail.search.management.commands.update_index import Command as WagtailUpdateIndex

from portal.page_cache import content_changed
from search.engines.database.fulltext import merge_index


class Command(WagtailUpdateIndex):
    def handle(self, *args, **options):
        super().handle(*args, **options)
        merge_index()
        content_changed()

    def queryset_chunks(self, qs, chunk_size=DEFAULT_CHUNK_SIZE):
        """`qs` (ordered by pk) in lists of `chunk_size`, each read after the last one's pk.

        Wagtail reads chunk n with OFFSET n × chunk_size, which the database answers by walking
        past every earlier row: at 100,000 cases, reading the chunks took longer than indexing.
        (Wagtail's version is wrapped in transaction.atomic, which around a generator function
        ends before the first chunk is read; on SQLite the rebuild is one transaction anyway.)
        """
        last = None
        while items := list((qs if last is None else qs.filter(pk__gt=last))[:chunk_size]):
            yield items
            last = items[-1].pk
