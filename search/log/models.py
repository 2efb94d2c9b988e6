"""What cadres searched for, with nothing about who searched: no user, session, address,
cookie or time of day."""

from django.db import models


class SearchLog(models.Model):
    day = models.DateField("日期", db_index=True)
    query = models.CharField("搜索词", max_length=100, blank=True, db_index=True)
    # The vocabulary terms the query named: [[kind, slug, name], …] (kind: problem, theme, domain).
    terms = models.JSONField("识别出的词条", default=list, blank=True)
    correction = models.CharField("纠正为", max_length=100, blank=True)
    # The filters in force, as the search page's own link parameters (problem=…&region=…).
    filters = models.CharField("筛选条件", max_length=500, blank=True)
    results = models.PositiveIntegerField("结果数")
    opened = models.BooleanField("点开了结果", default=False)

    class Meta:
        verbose_name = "搜索记录"
        verbose_name_plural = "搜索记录"
        indexes = [models.Index(fields=["query", "filters", "day"], name="search_log_same_search")]

    def __str__(self):
        return f"{self.day} {self.query or self.filters}"
