"""The filters and facets of case listings, each declared once in FILTERS.

A filter is a URL and API parameter (?region=山东省&year=2009), a facet of search results and a
condition on cases. The SQL condition is derived here; search derives its in-memory and
Elasticsearch conditions, its facet labels and its links from the same declarations, so a
facet narrows the results exactly as its count promised on every surface.

A multiple filter takes several values (?problem=A&problem=B): a case passes with any of them.
Different filters all apply. A facet's counts leave out its own filter's choice, so they say
how many cases each further value would add.
"""

from dataclasses import dataclass, field

from django.db.models import Q
from taggit.models import Tag

from search.text import drop_controls

from .taxonomy import Domain, Problem, Region, Theme

# A case counts in every year from its start to its report, at most this many.
MAX_YEARS = 50
FIRST_YEAR, LAST_YEAR = 1900, 2100
MAX_VALUE_LENGTH = 100
MAX_CHOSEN = 10  # values of one multiple filter in force at once


@dataclass(frozen=True)
class Filter:
    name: str  # the URL / API parameter, and the facet's key
    label: str  # what the value is, in messages and "remove this filter" links
    facet_label: str  # the facet's heading
    field: str  # the CasePage field or relation it reads
    model: type | None = None  # the vocabulary whose slug the parameter names (None: a year)
    many: bool = False  # a case has several (themes): a many-to-many relation
    tree: bool = False  # the region tree: a value takes in what lies below it; its facet counts the top level
    facet_order: str = "pk"  # equal counts: the terms in this attribute's order
    year_range: bool = False  # a year: matches each year from year_started to year_reported
    multiple: bool = True  # several values at once, any of them; else a new value replaces the last
    open_vocabulary: bool = False  # editors add values freely (tags): no bound on how many there are

    def condition(self, value):
        """The Q of cases this filter lets through for `value` (a term, or a year)."""
        if self.tree:
            return Region.within_q(value, field=self.field)
        if self.year_range:
            return Q(year_started__lte=value, year_reported__gte=value) | Q(year_started=value) | Q(year_reported=value)
        return Q(**{self.field: value})

    def any_condition(self, values):
        """The Q of cases this filter lets through with any of `values` (terms or a queryset of
        them, or years). On a many-to-many relation it joins: a case may come once a value."""
        if self.tree:
            return Region.within_q(values, field=self.field)
        if self.model is not None:
            return Q(**{f"{self.field}__in": values})
        found = Q()
        for value in values:
            found |= self.condition(value)
        return found

    @property
    def lists_all(self):
        """Whether its facet lists every value, whatever the facet limit (provinces, years)."""
        return self.tree or self.year_range

    def tie_order(self, value):
        """What a facet's values of equal counts are ordered by: years newest first, terms by
        their facet_order attribute. `value`: a year, or a term."""
        return -value if self.year_range else getattr(value, self.facet_order)

    def parse(self, raw):
        """(value, error message) of a parameter as sent; (None, None) when it is empty."""
        text = drop_controls(raw or "").strip()
        if not text:
            return None, None
        if self.year_range:
            if text.isascii() and text.isdigit() and FIRST_YEAR <= int(text) <= LAST_YEAR:
                return int(text), None
            return None, f"{self.label}“{text[:20]}”无效，应为 {FIRST_YEAR}—{LAST_YEAR} 之间的年份，如 2009。"
        term = self.model.objects.filter(slug=text[:MAX_VALUE_LENGTH]).first()
        if term is None:
            return None, f"没有名为“{text[:50]}”的{self.label}，已忽略此筛选条件。"
        return term, None


FILTERS = (
    Filter("region", "地区", "省份", "region", Region, tree=True, facet_order="full_name"),
    Filter("theme", "主题", "主题", "themes", Theme, many=True),
    Filter("problem", "针对难题", "针对难题", "problems", Problem, many=True),
    Filter("domain", "领域", "领域", "domain", Domain),
    Filter("tag", "标签", "标签", "tags", Tag, many=True, facet_order="name", open_vocabulary=True),
    Filter("year", "年份", "年份", "years", year_range=True, multiple=False),
)
BY_NAME = {each.name: each for each in FILTERS}
PARAMETERS = tuple(BY_NAME)


def case_years(start, end):
    """Every year from start to report: a case counts in each, as the year filter matches."""
    first, last = start or end, end or start
    return list(range(first, min(last, first + MAX_YEARS) + 1)) if first else []


def year_label(year):
    """How a year is shown as a filter value and a facet value."""
    return f"{year}年"


def in_year(start, end, year):
    """Whether a case of these years matches the year filter (as its SQL condition says)."""
    return (start is not None and end is not None and start <= year <= end) or year in (start, end)


def sent_values(params, name):
    """The values of parameter `name` as sent: every one of a QueryDict's, a dict's one."""
    if hasattr(params, "getlist"):
        return params.getlist(name)
    value = params.get(name)
    return list(value) if isinstance(value, (list, tuple)) else [value]


@dataclass
class CaseFilter:
    """The filters a request asks for, validated; unknown values become messages, not errors."""

    values: dict = field(default_factory=dict)  # filter name → a tuple of its terms or years
    errors: list = field(default_factory=list)

    @classmethod
    def from_params(cls, params):
        found = cls()
        for each in FILTERS:
            sent = [raw for raw in sent_values(params, each.name) if raw]
            # A single filter keeps the value sent last, as a QueryDict's get() does; a multiple
            # one reads at most MAX_CHOSEN (each is a query), whatever was sent.
            if not each.multiple:
                sent = sent[-1:]
            elif len(sent) > MAX_CHOSEN:
                found.errors.append(f"{each.label}最多同时选 {MAX_CHOSEN} 个，已只按前 {MAX_CHOSEN} 个筛选。")
                sent = sent[:MAX_CHOSEN]
            kept = []
            for raw in sent:
                value, error = each.parse(raw)
                if error:
                    found.errors.append(error)
                elif value is not None and value not in kept:
                    kept.append(value)
            if kept:
                found.values[each.name] = tuple(kept)
        return found

    def chosen(self):
        """(Filter, its values) of each filter in force, in FILTERS' order."""
        return [(BY_NAME[name], values) for name, values in self.values.items()]

    def apply(self, cases):
        """`cases` (a queryset) narrowed to what the filters let through."""
        for each, values in self.chosen():
            condition = each.any_condition(values)
            if each.many:  # a case with two of the values must come once
                condition = Q(pk__in=cases.model.objects.filter(condition).values("pk"))
            cases = cases.filter(condition)
        return cases

    @property
    def active(self):
        """(parameter, label, value) of each value in force, for 'remove this filter' links."""
        return [(each.name, each.label, value) for each, values in self.chosen() for value in values]


def key(value):
    """A filter value as its parameter spells it: a term's slug, or a year's digits."""
    return str(getattr(value, "slug", value))
