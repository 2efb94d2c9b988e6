"""What cadres searched for and which results they opened, with nothing about who: no user,
session, address, cookie or time of day."""

from django.db import models


class SearchedFor(models.Model):
    """What names a search in the log: the day, the query as searched and the filters in force
    (as the search page's own link parameters: problem=…&region=…)."""

    day = models.DateField("日期", db_index=True)
    query = models.CharField("搜索词", max_length=100, blank=True)
    filters = models.TextField("筛选条件", blank=True)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.day} {self.query or self.filters}"


class SearchLog(SearchedFor):
    # The vocabulary terms the query named: [[kind, slug, name], …] (kind: problem, theme, domain).
    terms = models.JSONField("识别出的词条", default=list, blank=True)
    correction = models.CharField("纠正为", max_length=100, blank=True)
    results = models.PositiveIntegerField("结果数")

    class Meta:
        verbose_name = "搜索记录"
        verbose_name_plural = "搜索记录"
        indexes = [models.Index(fields=["query", "day"], name="search_log_query_day")]


class OpenedResult(SearchedFor):
    """A result opened from a search's result list: a row of its own, so that whichever server
    process answers the click, the search it came from is credited (by query and filters)."""

    class Meta:
        verbose_name = "点开的搜索结果"
        verbose_name_plural = "点开的搜索结果"
        indexes = [models.Index(fields=["query", "day"], name="search_log_opened_query_day")]
