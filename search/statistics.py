"""The portal's figures (the 统计 page, its admin twin and its open data): published cases by
province, theme, problem, domain and year started, the newest cases, and how much of the problem
vocabulary has a case. Counted by the engine (one request for the facets, one for the newest)
and three small queries (years started in one aggregate, the problem names, the newest cases),
whatever the number of cases; kept until the content changes (the change journal moves on)."""

from dataclasses import asdict, dataclass, field
from urllib.parse import urlencode

from django.core.cache import cache
from django.db.models import Count

from cases import changes
from cases.models import CaseIndexPage, CasePage
from cases.province_map import MAP_HEIGHT, MAP_WIDTH, province_tiles
from cases.taxonomy import Problem

from .engines.interface import SearchRequest, run
from .listing import BrowseTerm, newest_case_ids

NEWEST = 10
# The bar charts' geometry (SVG user units): a label column, then the bar and its number; the
# whole fits a 375 px phone.
LABEL_WIDTH, BAR_WIDTH, NUMBER_WIDTH, ROW_HEIGHT = 150, 150, 40, 28


@dataclass
class Row:
    name: str
    slug: str
    count: int


@dataclass
class Figures:
    total: int
    by_province: list
    by_theme: list
    by_problem: list
    by_domain: list
    by_year_started: list
    newest: list  # {"title", "url", "place", "year_reported"}
    problems_covered: int
    problems_total: int
    problem_gaps: list = field(default_factory=list)  # problem names no published case is filed under

    @property
    def coverage(self):
        """The share of the problem vocabulary with at least one case, in per cent."""
        return round(100 * self.problems_covered / self.problems_total) if self.problems_total else 0

    def as_data(self):
        """The figures as plain data (the JSON of /stats.json)."""
        data = asdict(self)
        data["problem_coverage_percent"] = self.coverage
        return data


def figures():
    """The figures now: computed once after each change of content, then read from the cache."""
    key = f"statistics:{changes.head()}"
    found = cache.get(key)
    if found is None:
        found = _count()
        cache.set(key, found, None)
    return found


def _count():
    counted = run(SearchRequest(limit=0, facet_limit=None))
    facets = counted.facets

    def rows(name):
        return [Row(value["label"], str(value["value"]), value["count"]) for value in facets.get(name, [])]

    years = (
        CasePage.objects.published()
        .exclude(year_started=None)
        .values("year_started")
        .annotate(count=Count("pk"))
        .order_by("year_started")
    )
    problems = dict(Problem.objects.values_list("slug", "name"))
    covered = {row.slug for row in rows("problem") if row.count}
    newest_ids = newest_case_ids(NEWEST)
    newest = CasePage.objects.published().defer("body").in_bulk(newest_ids)
    return Figures(
        total=counted.total,
        by_province=rows("region"),
        by_theme=rows("theme"),
        by_problem=rows("problem"),
        by_domain=rows("domain"),
        by_year_started=[Row(str(year["year_started"]), str(year["year_started"]), year["count"]) for year in years],
        newest=[
            {"title": case.title, "url": case.url, "place": case.place, "year_reported": case.year_reported}
            for case in (newest[pk] for pk in newest_ids if pk in newest)
        ],
        problems_covered=len(covered & set(problems)),
        problems_total=len(problems),
        problem_gaps=[name for slug, name in sorted(problems.items(), key=lambda item: item[1]) if slug not in covered],
    )


def bar_chart(key, title, rows, parameter=None, index_url=""):
    """A horizontal bar chart of `rows` for an SVG template (`key` names it in the page's ids):
    each bar's geometry, and its link to the case library filtered by `parameter` (None: none)."""
    most = max((row.count for row in rows), default=0)
    bars = []
    for position, row in enumerate(rows):
        width = round(BAR_WIDTH * row.count / most) if most else 0
        bars.append(
            {
                "name": row.name,
                "count": row.count,
                "url": f"{index_url}?{urlencode({parameter: row.slug})}" if parameter else "",
                "y": position * ROW_HEIGHT,
                "text_y": position * ROW_HEIGHT + ROW_HEIGHT // 2 + 5,
                "width": max(width, 1) if row.count else 0,
                "number_x": LABEL_WIDTH + max(width, 1) + 6,
            }
        )
    return {
        "id": f"chart-{key}",
        "title": title,
        "bars": bars,
        "width": LABEL_WIDTH + BAR_WIDTH + NUMBER_WIDTH,
        "height": max(len(rows), 1) * ROW_HEIGHT,
        "label_width": LABEL_WIDTH,
        "bar_height": ROW_HEIGHT - 8,
    }


def page_context():
    """What the 统计 pages (public and admin) show."""
    found = figures()
    index = CaseIndexPage.objects.live().first()
    index_url = index.url if index else ""
    provinces = [
        BrowseTerm(row.name, row.slug, row.count, "?" + urlencode({"region": row.slug})) for row in found.by_province
    ]
    return {
        "figures": found,
        "index_url": index_url,
        "browse": {"map_tiles": province_tiles(provinces), "map_size": (MAP_WIDTH, MAP_HEIGHT), "provinces": provinces},
        "charts": [
            bar_chart("theme", "按主题", found.by_theme, "theme", index_url),
            bar_chart("problem", "按针对难题", found.by_problem, "problem", index_url),
            bar_chart("domain", "按领域", found.by_domain, "domain", index_url),
            bar_chart("year-started", "按开始年份", found.by_year_started),
        ],
    }


CSV_HEADINGS = ["分类", "名称", "标识", "案例数"]
CSV_KINDS = [
    ("by_province", "省份"),
    ("by_theme", "主题"),
    ("by_problem", "针对难题"),
    ("by_domain", "领域"),
    ("by_year_started", "开始年份"),
]


def csv_rows():
    """The figures as CSV rows (/stats.csv): a heading, then one row per counted value."""
    found = figures()
    yield CSV_HEADINGS
    yield ["合计", "已发布案例", "", found.total]
    for attribute, kind in CSV_KINDS:
        for row in getattr(found, attribute):
            yield [kind, row.name, row.slug, row.count]
    yield ["针对难题覆盖", "有案例的难题", "", found.problems_covered]
    yield ["针对难题覆盖", "难题总数", "", found.problems_total]
