"""Promoted answers: cases or collections reviewers pin to a query or to a problem, with
Wagtail's search promotions (a promotion for a problem is one whose query is the problem's
name). Shown first on a search's first page, whichever engine answers it."""

from dataclasses import dataclass

from wagtail.contrib.search_promotions.models import SearchPromotion
from wagtail.models import Page
from wagtail.search.utils import normalise_query_string

from cases.taxonomy import Problem

from .text import fold


@dataclass(frozen=True)
class Promoted:
    title: str
    url: str
    description: str


def promotion_keys(query, case_filter):
    """The query strings whose promotions answer this search (each folded, with and without its
    spaces): the query as typed and as understood, and the name of each problem it names or is
    filtered by."""
    problems = [concept.name for concept in query.concepts if concept.kind == "problem"]
    for each, values in case_filter.chosen():
        if each.model is Problem:
            problems += [value.name for value in values]
    keys = []
    # What was typed, and its meaningful words alone (电商直播怎么搞 → 电商 直播).
    for text in (query.text, " ".join(query.text_words), *problems):
        normalised = normalise_query_string(fold(text))
        keys += [normalised, normalised.replace(" ", "")]  # Chinese is written with or without spaces
    return list(dict.fromkeys(key for key in keys if key))


def promoted(query, case_filter):
    """The live, public pages promoted for this search, in the order reviewers set: one query,
    and one more for the pages when there are any."""
    keys = promotion_keys(query, case_filter)
    if not keys:
        return []
    picks = list(
        SearchPromotion.objects.filter(query__query_string__in=keys, page__isnull=False)
        .order_by("sort_order", "pk")
        .values_list("query__query_string", "page_id", "description")
    )
    if not picks:
        return []
    picks.sort(key=lambda pick: keys.index(pick[0]))  # stable: the query's own picks first
    pages = Page.objects.live().public().in_bulk({page_id for _, page_id, _ in picks})
    shown, found = set(), []
    for _, page_id, description in picks:
        page = pages.get(page_id)
        if page is not None and page_id not in shown:
            shown.add(page_id)
            found.append(Promoted(page.title, page.url, description))
    return found
