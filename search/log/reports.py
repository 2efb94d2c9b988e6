"""The admin's search reports (审核人 and administrators): what cadres search for, what finds
nothing or little, what nobody opens, and the problems they name by month; each over a chosen
period, exportable as CSV or Excel by Wagtail's report views."""

import re
from collections import Counter
from datetime import timedelta
from urllib.parse import urlencode

import django_filters
from django.db.models import Count, Exists, Max, OuterRef
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column, NumberColumn, TitleColumn
from wagtail.admin.views.reports import ReportView
from wagtail.contrib.search_promotions.views import CreateView
from wagtail.permission_policies import ModelPermissionPolicy

from cases.filters import BY_NAME

from .aliases import editable_models
from .links import public_search_url
from .models import OpenedResult, SearchLog

# A search with at most this many results found little.
FEW_RESULTS = 2
PERIODS = [("7", "最近 7 天"), ("30", "最近 30 天"), ("365", "最近一年")]
# What a spreadsheet would run as a formula (=HYPERLINK(…) typed into the search box).
FORMULA = re.compile(r"^[=+\-@\t\r]")


class SearchLogFilterSet(WagtailFilterSet):
    period = django_filters.ChoiceFilter(label="时间", choices=PERIODS, method="within", empty_label="全部")
    day = django_filters.DateFromToRangeFilter(label="自定义日期范围", widget=DateRangePickerWidget)

    class Meta:
        model = SearchLog
        fields = ["period", "day"]

    def within(self, queryset, name, value):
        return queryset.filter(day__gt=timezone.localdate() - timedelta(days=int(value)))


def filters_label(filters):
    """A logged search's filters in words: 针对难题：… (values as the page's parameters name them)."""
    return "；".join(
        f"{BY_NAME[name].label if name in BY_NAME else name}：{'、'.join(values)}"
        for name, values in QueryDict(filters).lists()
    )


def as_text(value):
    """A cell of a CSV export, never a formula."""
    text = str(value)
    return f"'{text}" if FORMULA.match(text) else text


class NextStepsColumn(Column):
    """What a reviewer can do about a search that found little: promote an answer to it, teach
    search its words as an alias of a term whose cases answer it, or import a case that answers it."""

    cell_template_name = "search_log/next_steps_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["import_url"] = reverse("cases_import")
        if instance["query"]:
            context["promote_url"] = f"{reverse('search_log_promote')}?{urlencode({'query_string': instance['query']})}"
            if editable_models(parent_context["request"].user):
                context["alias_url"] = f"{reverse('search_log_alias')}?{urlencode({'query': instance['query']})}"
        return context


class PromoteView(CreateView):
    """Wagtail's page for a new promoted result, its query filled in from the report's row."""

    def get_initial(self):
        return {**super().get_initial(), "query_string": self.request.GET.get("query_string", "")[:255]}


QUERY_COLUMN = TitleColumn("query_label", label="搜索词", get_url=public_search_url)
FILTERS_COLUMN = Column("filters_label", label="筛选条件")
SEARCHES_COLUMN = NumberColumn("searches", label="搜索次数")
RESULTS_COLUMN = NumberColumn("most_results", label="最多结果数")


class SearchReport(ReportView):
    permission_policy = ModelPermissionPolicy(SearchLog)
    any_permission_required = ["view"]
    filterset_class = SearchLogFilterSet
    header_icon = "search"
    paginate_by = 50
    no_results_message = "这段时间没有这样的搜索。"
    export_headings = {
        "query": "搜索词",
        "filters_label": "筛选条件",
        "searches": "搜索次数",
        "opened": "点开结果的次数",
        "most_results": "最多结果数",
        "month": "月份",
        "problem": "针对难题",
    }
    custom_field_preprocess = {
        field: {ReportView.FORMAT_CSV: as_text} for field in ("query", "filters_label", "problem")
    }

    def get_filtered_queryset(self):
        return self.rows(self.filter_queryset(SearchLog.objects.all()))

    def rows(self, logged):
        """The report's rows (dicts, or a values() queryset of them) over the `logged` searches."""
        raise NotImplementedError

    def opened_in_period(self):
        """The opened results of the period chosen (the same filters as the searches)."""
        return self.filter_queryset(OpenedResult.objects.all())

    def decorated(self, rows):
        """`rows` with what the table and the export show beside the counts."""
        return [
            {
                **row,
                "query_label": row.get("query") or "（只用了筛选）",
                "filters_label": filters_label(row.get("filters", "")),
            }
            for row in rows
        ]

    def paginate_queryset(self, queryset, page_size):
        # The page's rows are decorated before its table is drawn (ReportView decorates after).
        paginator, page, rows, is_paginated = super().paginate_queryset(queryset, page_size)
        page.object_list = self.decorated(rows)
        return paginator, page, page.object_list, is_paginated

    def decorate_paginated_queryset(self, object_list):
        # An export is not paginated: its rows, all of them, are decorated here.
        return self.decorated(object_list) if self.is_export else object_list

    def stream_csv(self, queryset):
        yield "\ufeff"  # so that Excel reads the Chinese as UTF-8
        yield from super().stream_csv(queryset)


class PopularSearches(SearchReport):
    page_title = "热门搜索"
    export_filename = "popular-searches"
    index_url_name = "search_log_popular"
    index_results_url_name = "search_log_popular_results"
    columns = [QUERY_COLUMN, SEARCHES_COLUMN, NumberColumn("opened", label="点开结果的次数"), RESULTS_COLUMN]
    list_export = ["query", "searches", "opened", "most_results"]

    def rows(self, logged):
        return (
            logged.exclude(query="")
            .values("query")
            .annotate(searches=Count("pk"), most_results=Max("results"))
            .order_by("-searches", "query")
        )

    def decorated(self, rows):
        rows = super().decorated(rows)
        opened = dict(
            self.opened_in_period()
            .filter(query__in=[row["query"] for row in rows])
            .values("query")
            .annotate(opened=Count("pk"))
            .values_list("query", "opened")
        )
        return [{**row, "opened": opened.get(row["query"], 0)} for row in rows]


class FewResultSearches(SearchReport):
    page_title = "无结果或结果很少的搜索"
    export_filename = "few-result-searches"
    index_url_name = "search_log_few_results"
    index_results_url_name = "search_log_few_results_results"
    columns = [
        QUERY_COLUMN,
        FILTERS_COLUMN,
        SEARCHES_COLUMN,
        RESULTS_COLUMN,
        NextStepsColumn("next_steps", label="下一步"),
    ]
    list_export = ["query", "filters_label", "searches", "most_results"]

    def rows(self, logged):
        return (
            logged.filter(results__lte=FEW_RESULTS)
            .values("query", "filters")
            .annotate(searches=Count("pk"), most_results=Max("results"))
            .order_by("most_results", "-searches", "query")
        )


class UnopenedSearches(SearchReport):
    page_title = "有结果但无人点开的搜索"
    export_filename = "unopened-searches"
    index_url_name = "search_log_unopened"
    index_results_url_name = "search_log_unopened_results"
    columns = [QUERY_COLUMN, FILTERS_COLUMN, SEARCHES_COLUMN, RESULTS_COLUMN]
    list_export = ["query", "filters_label", "searches", "most_results"]

    def rows(self, logged):
        opened = self.opened_in_period().filter(query=OuterRef("query"), filters=OuterRef("filters"))
        return (
            logged.filter(results__gt=0)
            .exclude(Exists(opened))
            .values("query", "filters")
            .annotate(searches=Count("pk"), most_results=Max("results"))
            .order_by("-searches", "query")
        )


class ProblemsByMonth(SearchReport):
    page_title = "搜索中识别出的难题（按月）"
    export_filename = "problems-by-month"
    index_url_name = "search_log_problems"
    index_results_url_name = "search_log_problems_results"
    columns = [Column("month", label="月份"), Column("problem", label="针对难题"), SEARCHES_COLUMN]
    list_export = ["month", "problem", "searches"]

    def rows(self, logged):
        # Terms are JSON lists, which no aggregate both databases share can open: counted here,
        # over the searches that named any term.
        counted = Counter()
        for day, terms in logged.exclude(terms=[]).values_list("day", "terms").iterator():
            for kind, _slug, name in terms:
                if kind == "problem":
                    counted[(day.strftime("%Y-%m"), name)] += 1
        rows = [
            {"month": month, "problem": problem, "searches": searches} for (month, problem), searches in counted.items()
        ]
        rows.sort(key=lambda row: (-row["searches"], row["problem"]))
        rows.sort(key=lambda row: row["month"], reverse=True)  # stable: newest month first, most searched first
        return rows

    def decorated(self, rows):
        return list(rows)


REPORTS = (
    ("popular", PopularSearches),
    ("few-results", FewResultSearches),
    ("unopened", UnopenedSearches),
    ("problems", ProblemsByMonth),
)
