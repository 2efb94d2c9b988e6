"""search.catalogue: the in-memory view of the published cases agrees with the database."""

import pytest
from wagtail.models import PageViewRestriction

from cases.browse import CaseFilter, published_cases
from cases.models import CasePage
from search.case_search import search_cases
from search.catalogue import catalogue
from search.facets import facet_counts

pytestmark = pytest.mark.django_db


def database_ids(params):
    return set(CaseFilter.from_params(params).apply(published_cases()).values_list("pk", flat=True))


def test_every_facet_value_filters_and_counts_as_the_database_does():
    facets = facet_counts(catalogue().shown, limit=None)
    assert sum(len(values) for values in facets.values()) > 20
    for facet, values in facets.items():
        for value in values:
            params = {facet: value["value"]}
            expected = database_ids(params)
            assert catalogue().allowed(CaseFilter.from_params(params)) == expected, params
            assert value["count"] == len(expected), params


def test_combined_filters_as_the_database():
    for params in ({"region": "黑龙江省", "theme": "服务群众"}, {"year": "2009", "domain": "农村"},
                   {"region": "兴山县"}, {"problem": "集体经济薄弱", "year": "2030"}):
        assert catalogue().allowed(CaseFilter.from_params(params)) == database_ids(params), params


def test_unpublishing_and_restricting_leave_the_catalogue():
    case = CasePage.objects.get(slug="wuchang-1-3")
    assert case.pk in catalogue().shown
    case.unpublish()
    assert case.pk not in catalogue().shown
    other = CasePage.objects.get(slug="xingshan-lianghui-liangping")
    PageViewRestriction.objects.create(page=other, restriction_type=PageViewRestriction.LOGIN)
    assert other.pk not in catalogue().shown


def test_a_catalogue_behind_the_database_still_shows_no_unpublished_case():
    """Rows changed without signals (no new generation): counts may lag, the hits may not."""
    catalogue()
    CasePage.objects.filter(slug="xingshan-lianghui-liangping").update(live=False)
    assert CasePage.objects.get(slug="xingshan-lianghui-liangping").pk in catalogue().shown  # behind
    results = search_cases({"q": "两会两评"})
    assert [hit.case.slug for hit in results.hits] == []
