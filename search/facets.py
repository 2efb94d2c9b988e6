"""Facet counts over a set of cases: province, theme, problem, domain, tag, year.

Each facet's parameter is the listing filter of the same name (cases.browse.CaseFilter), so a
facet link narrows the results exactly as the count promised.

All six are counted in one query over the set, computed once (a CTE): counted facet by facet,
the full-text match behind the set ran six times, the larger part of a search's time.
"""

from collections import Counter

from django.core.exceptions import EmptyResultSet
from django.db import connection
from taggit.models import Tag

from cases.models import CasePage, vocabulary_links
from cases.taxonomy import Domain, Problem, Region, Theme

FACET_LABELS = {
    "region": "省份", "theme": "主题", "problem": "针对难题", "domain": "领域", "tag": "标签", "year": "年份",
}
MAX_VALUES = 20


def case_years(start, end):
    """Every year from start to report: a case counts in each, as the year filter matches."""
    first, last = start or end, end or start
    return list(range(first, min(last, first + 50) + 1)) if first else []


# PostgreSQL types a UNION's columns from its first branch: untyped NULLs would be text.
NO_YEAR = "CAST(NULL AS INTEGER)"


def _sql(cases_sql):
    case_table, case_pk = CasePage._meta.db_table, CasePage._meta.pk.column
    region, links = Region._meta.db_table, vocabulary_links()
    in_set = "IN (SELECT pk FROM facet_cases)"
    branches = []
    for facet, model in (("theme", Theme), ("problem", Problem), ("tag", Tag)):
        table, (link, case_column, term_column) = model._meta.db_table, links[facet]
        branches.append(
            f"SELECT '{facet}', t.id, t.slug, t.name, t.name, {NO_YEAR}, {NO_YEAR}, COUNT(*) FROM {link} l "
            f"JOIN {table} t ON t.id = l.{term_column} WHERE l.{case_column} {in_set} GROUP BY t.id, t.slug, t.name")
    branches.append(
        f"SELECT 'domain', d.id, d.slug, d.name, d.name, {NO_YEAR}, {NO_YEAR}, COUNT(*) FROM {case_table} c "
        f"JOIN {Domain._meta.db_table} d ON d.id = c.domain_id WHERE c.{case_pk} {in_set} "
        f"GROUP BY d.id, d.slug, d.name")
    # Regions are at most three levels deep (省 → 市 → 县): the province is the topmost.
    branches.append(
        f"SELECT 'region', p.id, p.slug, p.name, p.full_name, {NO_YEAR}, {NO_YEAR}, COUNT(*) FROM {case_table} c "
        f"JOIN {region} r ON r.id = c.region_id LEFT JOIN {region} r1 ON r1.id = r.parent_id "
        f"LEFT JOIN {region} r2 ON r2.id = r1.parent_id JOIN {region} p ON p.id = COALESCE(r2.id, r1.id, r.id) "
        f"WHERE c.{case_pk} {in_set} GROUP BY p.id, p.slug, p.name, p.full_name")
    branches.append(
        f"SELECT 'year', CAST(NULL AS INTEGER), '', '', '', c.year_started, c.year_reported, COUNT(*) FROM {case_table} c "
        f"WHERE c.{case_pk} {in_set} GROUP BY c.year_started, c.year_reported")
    return f"WITH facet_cases AS ({cases_sql}) " + " UNION ALL ".join(branches)


def facet_counts(cases, limit=MAX_VALUES):
    """{facet name: [{"value", "label", "count"}]} for the cases of the queryset `cases`; at
    most `limit` values a facet (None: all), provinces and years always all."""
    rows = {facet: [] for facet in FACET_LABELS}
    try:
        cases_sql, params = cases.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:  # a queryset Django knows to be empty (pk__in=[]) has no SQL
        return rows
    years = Counter()
    with connection.cursor() as cursor:
        cursor.execute(_sql(cases_sql), params)
        for facet, pk, slug, name, sort_name, start, end, count in cursor.fetchall():
            if facet == "year":
                for year in case_years(start, end):
                    years[year] += count
            else:
                rows[facet].append((pk, slug, name, sort_name, count))
    order = {
        "region": lambda row: (-row[4], row[3]), "tag": lambda row: (-row[4], row[2]),
        "theme": lambda row: (-row[4], row[0]), "problem": lambda row: (-row[4], row[0]),
        "domain": lambda row: (-row[4], row[0]),
    }
    facets = {}
    for facet, key in order.items():
        ranked = sorted(rows[facet], key=key)
        if facet != "region" and limit:
            ranked = ranked[:limit]
        facets[facet] = [{"value": slug, "label": name, "count": count} for _, slug, name, _, count in ranked]
    facets["year"] = [{"value": str(year), "label": f"{year}年", "count": count}
                      for year, count in sorted(years.items(), reverse=True)]
    return {facet: facets[facet] for facet in FACET_LABELS}
