"""Issue 23: the 统计 page, its admin twin and its open data (JSON, CSV): numbers that match the
database's own aggregates, charts with a text alternative, counted once per content change."""

import csv
import io
import json
import re
from collections import Counter
from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.db.models import Count, Q
from django.test.utils import CaptureQueriesContext

from cases.models import CasePage
from cases.taxonomy import Domain, Problem, Theme
from portal.editorial import EDITORS
from search.statistics import figures

pytestmark = pytest.mark.django_db


def _published_counts(model, relation):
    published = CasePage.objects.published().values("pk")
    counted = model.objects.annotate(n=Count(relation, filter=Q(**{f"{relation}__in": published}), distinct=True))
    return {term.name: term.n for term in counted if term.n}


def test_figures_match_the_database():
    found = figures()
    published = CasePage.objects.published()
    assert found.total == published.count() == 6
    assert {row.name: row.count for row in found.by_theme} == _published_counts(Theme, "cases")
    assert {row.name: row.count for row in found.by_problem} == _published_counts(Problem, "cases")
    assert {row.name: row.count for row in found.by_domain} == _published_counts(Domain, "cases")
    years = published.exclude(year_started=None).order_by().values("year_started").annotate(n=Count("pk"))
    assert {row.name: row.count for row in found.by_year_started} == {str(y["year_started"]): y["n"] for y in years}
    provinces = Counter(case.region.province.name for case in published)
    assert {row.name: row.count for row in found.by_province} == provinces
    assert found.problems_total == Problem.objects.count()
    assert found.problems_covered == len(_published_counts(Problem, "cases"))
    assert [case["title"] for case in found.newest][:1] and len(found.newest) == 6


def test_a_problem_without_cases_is_a_gap_and_figures_follow_content_changes(client):
    before = figures()
    assert before.problem_gaps == [] and before.coverage == 100
    Problem.objects.create(name="村级账务不公开")
    case = CasePage.objects.get(slug="wuchang-1-3")
    case.unpublish()
    after = figures()
    filed = set(_published_counts(Problem, "cases"))
    gaps = sorted(Problem.objects.exclude(name__in=filed).values_list("name", flat=True))
    assert "村级账务不公开" in after.problem_gaps and sorted(after.problem_gaps) == gaps
    assert after.coverage == round(100 * len(filed) / Problem.objects.count()) < 100
    assert after.total == 5 and case.title not in [item["title"] for item in after.newest]


def test_figures_are_counted_once_until_content_changes():
    figures()
    with CaptureQueriesContext(connection) as queries:
        figures()
    assert len(queries) == 1  # the change journal's head


def test_the_page_draws_each_chart_with_a_text_alternative_and_a_table(client):
    page = client.get("/stats/").content.decode()
    assert "<h1>统计</h1>" in page
    charts = re.findall(r"<svg [^>]*role=\"img\"[^>]*>(.*?)</svg>", page, re.S)
    assert len(charts) == 4
    for chart in charts:
        assert re.search(r"<title id=\"[^\"]+\">[^<]+</title>", chart) and "<desc id=" in chart
    found = figures()
    for row in found.by_theme:
        assert f"{row.name} {row.count} 个" in page  # in the chart's description
        assert f'?{urlencode({"theme": row.slug})}">{row.name}</a></th><td>{row.count}</td>' in page
    assert "各省已发布案例数" in page  # the tile map's table


def test_open_data_gives_the_same_figures_as_json_and_csv(client):
    found = figures()
    data = json.loads(client.get("/stats.json").content)
    assert data["total"] == found.total and data["problem_coverage_percent"] == found.coverage
    assert data["by_theme"] == [{"name": r.name, "slug": r.slug, "count": r.count} for r in found.by_theme]
    response = client.get("/stats.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["分类", "名称", "标识", "案例数"] and rows[1] == ["合计", "已发布案例", "", str(found.total)]
    assert [row[1:] for row in rows if row[0] == "主题"] == [[r.name, r.slug, str(r.count)] for r in found.by_theme]


def test_the_admin_page_is_for_everyone_in_the_admin(client):
    assert client.get("/admin/stats/").status_code == 302  # signed out: to the login page
    editor = get_user_model().objects.create_user("stats-editor", "stats-editor@example.com", "x")
    editor.groups.add(Group.objects.get(name=EDITORS))
    client.force_login(editor)
    page = client.get("/admin/stats/").content.decode()
    assert "统计" in page and 'role="img"' in page and "/stats/" in page
