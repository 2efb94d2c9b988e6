"""Filters combined: several values of one filter mean any of them, different filters all of
them; a facet's counts leave out its own filter's choice. Alike on the search page, its JSON,
the case library and the API."""

import re
from html import unescape
from itertools import combinations
from urllib.parse import parse_qs, urlsplit

import pytest

from cases.filters import MAX_CHOSEN, CaseFilter
from cases.models import CasePage
from cases.taxonomy import Problem, Theme
from tests.search.search_client import search_json

pytestmark = pytest.mark.django_db


def published(**params):
    """The slugs of the published cases the filters `params` ({name: [values]}) let through, by SQL."""
    return set(CaseFilter.from_params(params).apply(CasePage.objects.published()).values_list("slug", flat=True))


def two_problems_apart():
    """Two problems, each with a published case the other lacks (so any-of differs from all-of)."""
    used = [problem for problem in Problem.objects.all() if published(problem=[problem.slug])]
    for first, second in combinations(used, 2):
        one, other = published(problem=[first.slug]), published(problem=[second.slug])
        if one - other and other - one:
            return first, second
    pytest.fail("the seed cases have no two problems with cases apart")


def test_two_values_of_a_filter_list_the_cases_of_either(client):
    first, second = two_problems_apart()
    data = search_json(client, problem=[first.slug, second.slug])
    expected = published(problem=[first.slug]) | published(problem=[second.slug])
    assert {result["slug"] for result in data["results"]} == expected and data["total"] == len(expected)
    assert not data["errors"]


def test_a_facet_counts_what_each_further_value_of_its_own_would_add(client):
    first, second = two_problems_apart()
    chosen = search_json(client, problem=[first.slug])
    # its own facet: as if no problem were chosen
    assert chosen["facets"]["problem"] == search_json(client)["facets"]["problem"]
    # the other facets: the chosen cases only
    cases = CasePage.objects.filter(slug__in=published(problem=[first.slug]))
    for value in chosen["facets"]["theme"]:
        assert value["count"] == cases.filter(themes__slug=value["value"]).count(), value
    assert sum(value["count"] for value in chosen["facets"]["domain"]) == cases.count()


def test_a_facet_counts_the_cases_the_other_filters_let_through(client):
    first, _ = two_problems_apart()
    theme = Theme.objects.filter(cases__slug__in=published(problem=[first.slug])).first()
    data = search_json(client, problem=[first.slug], theme=[theme.slug])
    for value in data["facets"]["problem"]:
        assert value["count"] == len(published(problem=[value["value"]], theme=[theme.slug])), value
    for value in data["facets"]["theme"]:
        assert value["count"] == len(published(problem=[first.slug], theme=[value["value"]])), value


def test_a_year_is_one_value_a_new_one_replaces(client):
    years = [value["value"] for value in search_json(client)["facets"]["year"]][:2]
    data = search_json(client, year=years)
    assert data["total"] == search_json(client, year=years[-1])["total"]


def facet_links(html):
    """{label: the query its facet or chip link sends, as parsed}."""
    links = re.findall(r'<a href="([^"]*\?[^"]*)"[^>]*>(?:[^<：]+：)?([^<]+?) <span', html)
    return {label: parse_qs(urlsplit(unescape(url)).query) for url, label in links}


@pytest.mark.parametrize("page", ["/search/", "/cases/"])
def test_a_value_link_adds_it_to_its_filter_and_a_chosen_one_takes_just_it_away(client, page):
    first, second = two_problems_apart()
    year = search_json(client)["facets"]["year"][0]["value"]
    html = client.get(page, {"problem": first.slug, "year": year}).content.decode()
    links = facet_links(html)
    assert links[second.name] == {"problem": [first.slug, second.slug], "year": [year]}
    both = client.get(page, {"problem": [first.slug, second.slug]}).content.decode()
    assert facet_links(both)[first.name] == {"problem": [second.slug]}
    chips = re.findall(r'<div class="active-filters">.*?</div>', both, re.S)[0]
    assert f"针对难题：{first.name}" in chips and f"针对难题：{second.name}" in chips


def test_the_case_library_lists_either_and_its_counts_narrow(client):
    first, second = two_problems_apart()
    response = client.get("/cases/", {"problem": [first.slug, second.slug]})
    listed = {case.slug for case in response.context["cases"]}
    assert listed == published(problem=[first.slug]) | published(problem=[second.slug])
    themes = {term.slug: term.case_count for term in response.context["browse"]["themes"]}
    cases = CasePage.objects.filter(slug__in=listed)
    assert themes == {
        theme.slug: cases.filter(themes=theme).count() for theme in Theme.objects.filter(cases__in=cases).distinct()
    }
    active = [term.name for term in response.context["browse"]["problems"] if term.active]
    assert sorted(active) == sorted([first.name, second.name])
    assert "各省已发布案例数（当前筛选条件下）" in response.content.decode()
    assert "当前筛选条件下" not in client.get("/cases/").content.decode()


def test_the_api_takes_several_values_of_a_filter(client):
    first, second = two_problems_apart()
    response = client.get("/api/v2/pages/", {"type": "cases.CasePage", "problem": [first.slug, second.slug]})
    assert response.status_code == 200
    found = [item["meta"]["slug"] for item in response.json()["items"]]
    assert set(found) == published(problem=[first.slug]) | published(problem=[second.slug])
    assert len(found) == len(set(found)) == response.json()["meta"]["total_count"]  # each case once


def test_a_case_with_several_of_the_values_comes_once():
    case = next(case for case in CasePage.objects.published() if case.problems.count() >= 2)
    both = [problem.slug for problem in case.problems.all()[:2]]
    found = list(CaseFilter.from_params({"problem": both}).apply(CasePage.objects.published()))
    assert found.count(case) == 1


def test_too_many_values_of_a_filter_are_cut_with_a_message(client):
    sent = [problem.slug for problem in Problem.objects.all()[: MAX_CHOSEN + 1]]
    assert len(sent) == MAX_CHOSEN + 1, "the seed vocabulary has enough problems"
    data = search_json(client, problem=sent)
    assert any(f"最多同时选 {MAX_CHOSEN} 个" in error for error in data["errors"])
    assert data["total"] == len(published(problem=sent[:MAX_CHOSEN]))


def test_a_facet_counts_best_matches_when_the_search_falls_back_to_them(client):
    """Two names no one case holds both of: the search lists best matches, and a facet whose
    filter is chosen counts best matches too (what each further value would add)."""
    names = [case.model_name for case in CasePage.objects.published().order_by("pk") if case.model_name]
    for first, second in combinations(names, 2):
        query = f"{first} {second}"
        everything = search_json(client, q=query)
        if everything["total"] and any("匹配程度" in note for note in everything["errors"]):
            break
    else:
        pytest.fail("no two model names make a search that falls back to best matches")
    problem = everything["facets"]["problem"][0]["value"]
    chosen = search_json(client, q=query, problem=[problem])
    assert chosen["total"] and chosen["facets"]["problem"] == everything["facets"]["problem"]
