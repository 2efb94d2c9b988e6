"""Facet counts over a set of cases: province, theme, problem, domain, tag, year.

Each facet's parameter is the listing filter of the same name (cases.browse.CaseFilter), so a
facet link narrows the results exactly as the count promised.
"""

from collections import Counter

from django.db.models import Count

from cases.models import CasePageTag
from cases.taxonomy import Domain, Problem, Region, Theme

FACET_LABELS = {
    "region": "省份", "theme": "主题", "problem": "针对难题", "domain": "领域", "tag": "标签", "year": "年份",
}
MAX_VALUES = 20


def _terms(model, cases):
    terms = model.objects.filter(cases__in=cases).annotate(count=Count("cases")).order_by("-count", "pk")
    return [{"value": term.slug, "label": term.name, "count": term.count} for term in terms[:MAX_VALUES]]


def _provinces(cases):
    # Regions are at most three levels deep: a case's province is the topmost of its region,
    # the region's parent and grandparent.
    rows = cases.values_list("region_id", "region__parent_id", "region__parent__parent_id")
    counts = Counter(next(pk for pk in reversed(row) if pk) for row in rows if row[0])
    provinces = Region.objects.in_bulk(counts)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], provinces[item[0]].full_name))
    return [{"value": provinces[pk].slug, "label": provinces[pk].name, "count": count} for pk, count in ranked]


def _tags(cases):
    rows = (
        CasePageTag.objects.filter(content_object__in=cases)
        .values("tag__slug", "tag__name").annotate(count=Count("id")).order_by("-count", "tag__name")
    )
    return [{"value": row["tag__slug"], "label": row["tag__name"], "count": row["count"]} for row in rows[:MAX_VALUES]]


def case_years(start, end):
    """Every year from start to report: a case counts in each, as the year filter matches."""
    first, last = start or end, end or start
    return list(range(first, min(last, first + 50) + 1)) if first else []


def _years(cases):
    counts = Counter()
    for start, end in cases.values_list("year_started", "year_reported"):
        counts.update(case_years(start, end))
    return [{"value": str(year), "label": f"{year}年", "count": count}
            for year, count in sorted(counts.items(), reverse=True)]


def facet_counts(cases):
    """{facet name: [{"value", "label", "count"}]} for the cases of the queryset `cases`."""
    cases = cases.order_by()
    return {
        "region": _provinces(cases),
        "theme": _terms(Theme, cases.values("pk")),
        "problem": _terms(Problem, cases.values("pk")),
        "domain": _terms(Domain, cases.values("pk")),
        "tag": _tags(cases.values("pk")),
        "year": _years(cases),
    }
