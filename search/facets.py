"""Facets of search results and listings: one a filter of cases.filters.FILTERS.

Each facet's parameter is the filter of the same name, so a facet link narrows the results
exactly as the count promised; every engine counts them over the whole filtered result.
"""

from cases.filters import FILTERS

FACET_LABELS = {each.name: each.facet_label for each in FILTERS}
# Values listed a facet (the most frequent); provinces and years are always listed in full.
MAX_VALUES = 20
