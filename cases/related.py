"""A case page's related cases: those its editor picked, else the most similar published ones."""

from django.db import connection
from wagtail.models import Page

from search.text import search_terms

CANDIDATES = 12


def _terms(case):
    return set(search_terms(" ".join((case.title, case.model_name, case.summary))))


def _picked_and_sharing(case, shown, theme_ids, problem_ids, tag_ids):
    """[(case id, picked position or None, shared problems, themes, tags)] of `shown` (a
    queryset): the cases the editor picked, in their order, then the CANDIDATES sharing most.

    One grouped query over the picks and the three link tables, touching only the links of the
    case's own terms: joining every case to all its terms cost a full scan per case page.
    """
    from .models import RelatedCase, vocabulary_links

    links = vocabulary_links()
    branches = [f"SELECT case_id, COALESCE(sort_order, 0) AS picked, 0 AS problems, 0 AS themes, 0 AS tags "
                f"FROM {RelatedCase._meta.db_table} WHERE page_id = %s"]
    params = [case.pk]
    for column, (table, case_column, term_column), ids in (
        ("problems", links["problem"], problem_ids), ("themes", links["theme"], theme_ids),
        ("tags", links["tag"], tag_ids),
    ):
        if ids:
            flags = ", ".join(f"{int(name == column)} AS {name}" for name in ("problems", "themes", "tags"))
            branches.append(f"SELECT {case_column} AS case_id, NULL AS picked, {flags} FROM {table} "
                            f"WHERE {term_column} IN ({', '.join(['%s'] * len(ids))})")
            params += list(ids)
    shown_sql, shown_params = shown.order_by().values("pk").query.sql_with_params()
    sql = (
        f"SELECT shared.case_id, MIN(shared.picked), SUM(shared.problems), SUM(shared.themes), "
        f"SUM(shared.tags) FROM ({' UNION ALL '.join(branches)}) shared "
        f"JOIN {Page._meta.db_table} page ON page.id = shared.case_id "
        f"WHERE shared.case_id IN ({shown_sql}) AND shared.case_id <> %s "
        f"GROUP BY shared.case_id, page.first_published_at "
        f"ORDER BY COUNT(shared.picked) DESC, MIN(shared.picked), SUM(shared.problems) DESC, "
        f"SUM(shared.themes) DESC, SUM(shared.tags) DESC, page.first_published_at DESC, shared.case_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *shown_params, case.pk])
        rows = cursor.fetchall()
    picked = [row for row in rows if row[1] is not None]
    return picked or rows[:CANDIDATES]


def related_cases(case, theme_ids, problem_ids, tag_ids, limit=4):
    """(cases, automatic): the published cases the editor picked, in order; or, when none
    were picked (automatic), those sharing the most problems, then themes, then tags, then
    words of the title, model name and summary. Never `case` itself."""
    from .browse import published_cases

    shown = published_cases()
    rows = _picked_and_sharing(case, shown, theme_ids, problem_ids, tag_ids)
    found = shown.prefetch_related(None).in_bulk([row[0] for row in rows])
    cases = [found[row[0]] for row in rows if row[0] in found]
    if rows and rows[0][1] is not None:
        return cases, False
    counts = {row[0]: row[2:] for row in rows}
    own = _terms(case)

    def closeness(other):
        words = _terms(other)
        return (*counts[other.pk], len(own & words) / (len(own | words) or 1))

    return sorted(cases, key=closeness, reverse=True)[:limit], True
