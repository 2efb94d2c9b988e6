"""What the case library and the home page list, asked of the engine like any search: the case
library's filtered cases page by page, the home page's featured and latest cases, and the
counts of cases to browse by (provinces, themes, problems)."""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from cases.filters import CaseFilter
from cases.models import CaseIndexPage, CasePage
from cases.province_map import MAP_HEIGHT, MAP_WIDTH, province_tiles

from .engines.interface import SearchRequest, run
from .filter_links import facet_links, link_parameters, removal_links
from .paging import paginate

PAGE_SIZE = 12
HOME_CASES = 6


def case_listing_context(request, index_page):
    """The case library page's context: its published cases the filters let through, newest
    first, a page at a time, with ways to remove each filter and to browse (counts that narrow
    with the filters, links that add or take away one)."""
    case_filter = CaseFilter.from_params(request.GET)
    listing = SearchRequest(case_filter=case_filter, sort="newest", under=index_page.path, facet_limit=None)
    page, results = paginate(run, listing, request.GET.get("page"), PAGE_SIZE)
    found = CasePage.objects.published().defer("body").in_bulk(page.object_list)  # cards show no body
    page.object_list = [found[pk] for pk in page.object_list if pk in found]
    params = link_parameters(case_filter)
    return {
        "cases": page,
        "case_filter": case_filter,
        "active_filters": removal_links(params, case_filter),
        "filter_query": params.urlencode(),
        "browse": {
            **_browse(results.facets, lambda name, values: facet_links(params, name, values)),
            "filtered": bool(case_filter.values),
        },
    }


@dataclass
class BrowseTerm:
    name: str
    slug: str
    case_count: int
    query: str = field(default="", compare=False)  # its link's query string, from "?"
    active: bool = field(default=False, compare=False)  # a filter in force: the link takes it away


def browse_vocabularies():
    """Provinces, themes and problems with their numbers of published (live, public) cases."""
    facets = run(SearchRequest(limit=0, facet_limit=None)).facets
    return _browse(
        facets, lambda name, values: [{**value, "url": "?" + urlencode({name: value["value"]})} for value in values]
    )


def _browse(facets, linked):
    """The browse lists of `facets`, each value's link made by linked(facet name, values)."""

    def terms(facet):
        return [
            BrowseTerm(
                name=value["label"],
                slug=value["value"],
                case_count=value["count"],
                query=value["url"],
                active=value.get("active", False),
            )
            for value in linked(facet, facets[facet])
        ]

    provinces, themes, problems = terms("region"), terms("theme"), terms("problem")
    return {
        "provinces": provinces,
        "map_tiles": province_tiles(provinces),
        "map_size": (MAP_WIDTH, MAP_HEIGHT),
        "themes": themes,
        "problems": problems,
        # (heading, facet, terms) of each list the browse section shows
        "groups": [("按地区", "region", provinces), ("按主题", "theme", themes), ("按针对难题", "problem", problems)],
    }


def newest_case_ids(limit):
    """The ids of the `limit` published cases reported last (the case library's order)."""
    return run(SearchRequest(sort="newest", limit=limit, facets=False)).ids


def home_page_context():
    featured = run(SearchRequest(featured=True, sort="newest", limit=HOME_CASES, facets=False)).ids
    # 最新 shows what 推荐 does not: the newest of the rest.
    newest = run(SearchRequest(sort="recently_published", limit=2 * HOME_CASES, facets=False)).ids
    shown = set(featured)
    latest = [pk for pk in newest if pk not in shown][:HOME_CASES]
    found = CasePage.objects.published().defer("body").in_bulk(featured + latest)  # cards without their body
    return {
        "case_index": CaseIndexPage.objects.live().first(),
        "featured_cases": [found[pk] for pk in featured if pk in found],
        "latest_cases": [found[pk] for pk in latest if pk in found],
        "browse": browse_vocabularies(),
    }
