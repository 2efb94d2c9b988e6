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
    page_id: int | None = None  # None: a link elsewhere


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
    """What is promoted for this search, in the order reviewers set: live, public pages, and
    links elsewhere. One query, and one more for the pages when there are any."""
    keys = promotion_keys(query, case_filter)
    if not keys:
        return []
    picks = list(
        SearchPromotion.objects.filter(query__query_string__in=keys)
        .order_by("sort_order", "pk")
        .values_list("query__query_string", "page_id", "external_link_url", "external_link_text", "description")
    )
    if not picks:
        return []
    picks.sort(key=lambda pick: keys.index(pick[0]))  # stable: the query's own picks first
    page_ids = {pick[1] for pick in picks if pick[1]}
    pages = Page.objects.live().public().in_bulk(page_ids) if page_ids else {}
    shown, found = set(), []
    for _, page_id, link, link_text, description in picks:
        page = pages.get(page_id)
        title, url = (page.title, page.url) if page else (link_text, link)
        if title and url and url not in shown:
            shown.add(url)
            found.append(Promoted(title, url, description, page.pk if page else None))
    return found
