"""Facet counts over a set of cases: province, theme, problem, domain, tag, year.

Each facet's parameter is the listing filter of the same name (cases.browse.CaseFilter), so a
facet link narrows the results exactly as the count promised. Counted on the in-memory
catalogue of published cases (search.catalogue), in bitsets: a search matching every case
costs no more than one matching a few.
"""

from .case_sets import CaseSet
from .catalogue import catalogue

FACET_LABELS = {
    "region": "省份",
    "theme": "主题",
    "problem": "针对难题",
    "domain": "领域",
    "tag": "标签",
    "year": "年份",
}
MAX_VALUES = 20


def facet_counts(cases, limit=MAX_VALUES):
    """{facet name: [{"value", "label", "count"}]} for the published cases among `cases` (a
    CaseSet, or pks); at most `limit` values a facet (None: all), provinces and years always all."""
    if not isinstance(cases, CaseSet):
        cases = CaseSet.of(cases)
    return catalogue().facet_counts(cases, limit)
