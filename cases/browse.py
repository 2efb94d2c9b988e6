"""Browsing published cases: the listing's filters and the home page's selections."""

from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import F, Q
from taggit.models import Tag

from search.catalogue import catalogue
from search.facets import facet_counts
from search.text import drop_controls

from .models import CaseIndexPage, CasePage
from .province_map import MAP_HEIGHT, MAP_WIDTH, province_tiles
from .taxonomy import Domain, Problem, Region, Theme

PAGE_SIZE = 12


def published_cases():
    """Live, public cases with what a listing card shows, newest first."""
    return (
        CasePage.objects.live()
        .public()
        .defer("source_text")  # the imported document, often the largest column; no listing shows it
        .select_related("region", "domain")
        .prefetch_related("themes")
        .order_by(F("year_reported").desc(nulls_last=True), "-first_published_at", "pk")
    )


@dataclass
class CaseFilter:
    """The listing's query parameters, validated; unknown values become messages, not errors."""

    region: Region | None = None
    theme: Theme | None = None
    problem: Problem | None = None
    domain: Domain | None = None
    tag: Tag | None = None
    year: int | None = None
    errors: list = field(default_factory=list)

    VOCABULARIES = {
        "region": (Region, "地区"),
        "theme": (Theme, "主题"),
        "problem": (Problem, "针对难题"),
        "domain": (Domain, "领域"),
        "tag": (Tag, "标签"),
    }

    @classmethod
    def from_params(cls, params):
        found = cls()
        for name, (model, label) in cls.VOCABULARIES.items():
            slug = drop_controls(params.get(name, "")).strip()
            if not slug:
                continue
            term = model.objects.filter(slug=slug[:100]).first()
            if term is None:
                found.errors.append(f"没有名为“{slug[:50]}”的{label}，已忽略此筛选条件。")
            setattr(found, name, term)
        year = drop_controls(params.get("year", "")).strip()
        if year:
            if year.isascii() and year.isdigit() and 1900 <= int(year) <= 2100:
                found.year = int(year)
            else:
                found.errors.append(f"年份“{year[:20]}”无效，应为四位数字，如 2009。")
        return found

    def apply(self, cases):
        if self.region:
            cases = cases.filter(Region.within_q(self.region))
        if self.theme:
            cases = cases.filter(themes=self.theme)
        if self.problem:
            cases = cases.filter(problems=self.problem)
        if self.domain:
            cases = cases.filter(domain=self.domain)
        if self.tag:
            cases = cases.filter(tags=self.tag)
        if self.year:
            cases = cases.filter(
                Q(year_started__lte=self.year, year_reported__gte=self.year)
                | Q(year_started=self.year)
                | Q(year_reported=self.year)
            )
        return cases

    @property
    def active(self):
        """(parameter, label, value) of each filter in force, for 'remove this filter' links."""
        chosen = [(name, label, getattr(self, name)) for name, (_, label) in self.VOCABULARIES.items()]
        chosen.append(("year", "年份", self.year))
        return [(name, label, value) for name, label, value in chosen if value]


def case_listing_context(request, index_page):
    case_filter = CaseFilter.from_params(request.GET)
    # Filtered and ordered in the search catalogue: sorting every case row in SQL for one page
    # of twelve cost ~85 ms at 10,000 cases. The page's cases are read through published_cases().
    listed = catalogue()
    ids = listed.in_listing_order(listed.allowed(case_filter, under=index_page))
    page = Paginator(ids, PAGE_SIZE).get_page(request.GET.get("page"))
    found = published_cases().defer("body").in_bulk(page.object_list)  # cards show no body
    page.object_list = [found[pk] for pk in page.object_list if pk in found]
    query = request.GET.copy()
    query.pop("page", None)
    active_filters = []
    for name, label, value in case_filter.active:
        rest = query.copy()
        rest.pop(name, None)
        active_filters.append({"label": label, "value": value, "remove_query": rest.urlencode()})
    return {
        "cases": page,
        "case_filter": case_filter,
        "active_filters": active_filters,
        "filter_query": query.urlencode(),
        "browse": browse_vocabularies(),
    }


@dataclass
class BrowseTerm:
    name: str
    slug: str
    case_count: int


def browse_vocabularies():
    """Provinces, themes and problems with their numbers of published (live, public) cases."""
    facets = facet_counts(catalogue().shown, limit=None)

    def terms(facet):
        return [
            BrowseTerm(name=value["label"], slug=value["value"], case_count=value["count"]) for value in facets[facet]
        ]

    provinces = terms("region")
    return {
        "provinces": provinces,
        "map_tiles": province_tiles(provinces),
        "map_size": (MAP_WIDTH, MAP_HEIGHT),
        "themes": terms("theme"),
        "problems": terms("problem"),
    }


HOME_CASES = 6


def home_page_context():
    # The selections come from the catalogue (sorting every case by date cost ~25 ms at
    # 10,000); both are fetched in one query, cards without their body.
    listed = catalogue()
    featured, latest = listed.featured[:HOME_CASES], listed.newest[:HOME_CASES]
    found = published_cases().defer("body").in_bulk(featured + latest)
    return {
        "case_index": CaseIndexPage.objects.live().first(),
        "featured_cases": [found[pk] for pk in featured if pk in found],
        "latest_cases": [found[pk] for pk in latest if pk in found],
        "browse": browse_vocabularies(),
    }
