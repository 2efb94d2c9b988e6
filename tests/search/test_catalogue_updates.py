"""The catalogue follows the change journal case by case: after each change it answers as a
catalogue loaded afresh would, without loading afresh (but for a vocabulary change)."""

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from wagtail.models import PageViewRestriction

from cases import changes
from cases.filters import CaseFilter
from cases.models import CaseIndexPage, CasePage
from cases.taxonomy import Problem, Region, Theme
from search.engines.database import catalogue as catalogue_module
from search.engines.database.catalogue import catalogue
from search.engines.database.engine import DatabaseEngine
from search.engines.interface import SimilarRequest
from tests.search.test_search_page import publish_case

pytestmark = pytest.mark.django_db

WORDS = [["党建"], ["两会两评"], ["城乡联建"], ["网格"], ["新案例"]]


@pytest.fixture
def loads(monkeypatch):
    """How many times the catalogue was loaded afresh."""
    counted = []
    real = catalogue_module._load

    def counting():
        counted.append(1)
        return real()

    monkeypatch.setattr(catalogue_module, "_load", counting)
    return counted


@pytest.fixture(autouse=True)
def requests_keep_the_connection():
    """As Django's test client does: the test's transaction must outlive the request signals
    sent below (on PostgreSQL, close_old_connections closed it)."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    request_finished.send(sender=None)
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


def fresh():
    """The catalogue as the next request sees it (the journal is checked again)."""
    request_finished.send(sender=None)
    request_started.send(sender=None)
    return catalogue()


def answers(listed):
    """Everything callers read of a catalogue, in comparable form."""
    shown = listed.shown
    by_filter = {}
    for name, facet in listed.facet_counts(shown, None).items():
        for value in facet:
            params = {name: value["value"]}
            by_filter[name, value["value"]] = sorted(listed.allowed(CaseFilter.from_params(params)))
    for region in Region.objects.all():  # cities and counties too, not only the provinces a facet lists
        by_filter["region", region.slug] = sorted(listed.allowed(CaseFilter.from_params({"region": region.slug})))
    engine = DatabaseEngine()
    similar = {}
    for case in CasePage.objects.published():
        themes, problems, tags = case.vocabulary_terms()
        found = engine.similar(SimilarRequest(case.pk, tuple(themes), tuple(problems), tuple(tags)))
        similar[case.pk] = (found.ids, found.shared)
    return {
        "listing": listed.listing.tolist(),
        "shown": sorted(shown),
        "newest": list(listed.newest),
        "featured": sorted(listed.featured_cases),
        "facets": listed.facet_counts(shown, None),
        "filters": by_filter,
        "titles": {" ".join(words): sorted(listed.in_title(words)) for words in WORDS},
        "below": sorted(listed.allowed(CaseFilter(), under=CaseIndexPage.objects.get().path)),
        "similar": similar,
    }


def assert_as_if_loaded_afresh(listed):
    incremental = answers(listed)
    catalogue_module.forget()
    assert answers(fresh()) == incremental


def test_publishing_editing_unpublishing_and_deleting_update_the_catalogue_case_by_case(loads):
    fresh()
    assert len(loads) == 1
    case = publish_case("新案例：网格化管理", "村里推行网格化管理。", year_reported=2009, year_started=2007)
    case.themes.add(Theme.objects.order_by("pk")[0])
    case.problems.add(Problem.objects.order_by("pk")[1])
    case.tags.add("农民专业合作社")
    case.save_revision().publish()
    listed = fresh()
    assert case.pk in listed.shown and len(loads) == 1
    assert_as_if_loaded_afresh(listed)

    edited = CasePage.objects.get(pk=case.pk)
    edited.region = Region.objects.get(name="兴山县")
    edited.featured = True
    edited.title = "改过的新案例标题"
    edited.themes.set([Theme.objects.order_by("pk")[2]])
    loads.clear()  # from here on, the catalogue loaded afresh by the comparison follows the journal
    edited.save_revision().publish()
    edited.year_reported = 2011
    edited.save_revision().publish()
    listed = fresh()
    assert not loads and case.pk in listed.featured_cases
    assert_as_if_loaded_afresh(listed)

    loads.clear()
    CasePage.objects.get(slug="wuchang-1-3").unpublish()
    CasePage.objects.get(pk=case.pk).delete()
    listed = fresh()
    assert not loads and case.pk not in listed.shown
    assert_as_if_loaded_afresh(listed)

    loads.clear()
    CasePage.objects.get(slug="wuchang-1-3").save_revision().publish()  # back, in its old place
    listed = fresh()
    assert not loads
    assert_as_if_loaded_afresh(listed)


def test_a_private_case_library_empties_the_catalogue_and_public_again_restores_it(loads):
    fresh()
    restriction = PageViewRestriction.objects.create(
        page=CaseIndexPage.objects.get(), restriction_type=PageViewRestriction.LOGIN
    )
    assert not fresh().shown
    restriction.delete()
    listed = fresh()
    assert len(listed.shown) == 6 and len(loads) == 1  # the first load only
    assert_as_if_loaded_afresh(listed)


def test_an_entry_from_another_process_is_applied_at_the_next_request(loads):
    """Another server changed a case: its journal entry reaches this process's catalogue."""
    listed = fresh()
    case = CasePage.objects.get(slug="xingshan-lianghui-liangping")
    CasePage.objects.filter(pk=case.pk).update(live=False)  # as that server's publish did
    assert case.pk in fresh().shown  # nothing journalled yet: behind, as any other process
    changes.record(changes.ContentChange.CASES, [case.pk])
    listed = fresh()
    assert case.pk not in listed.shown and len(loads) == 1


def test_a_vocabulary_change_or_a_restore_loads_afresh_a_terms_first_case_does_not(loads):
    fresh()
    theme = Theme.objects.get(slug="服务群众")
    theme.name = "服务群众（新名）"
    theme.save()
    listed = fresh()
    assert len(loads) == 2
    assert any(value["label"] == "服务群众（新名）" for value in listed.facet_counts(listed.shown, None)["theme"])

    new_theme = Theme.objects.create(name="从未用过的主题")
    fresh()
    loads.clear()
    case = CasePage.objects.get(slug="wuchang-1-3")
    case.themes.add(new_theme)  # a facet value no case had: the facets grow a row
    case.save_revision().publish()
    listed = fresh()
    assert not loads and listed.allowed(CaseFilter.from_params({"theme": new_theme.slug})) == {case.pk}
    assert {"value": new_theme.slug, "label": new_theme.name, "count": 1} in listed.facet_counts(listed.shown, None)[
        "theme"
    ]
    assert_as_if_loaded_afresh(listed)

    loads.clear()
    changes.record(changes.ContentChange.EVERYTHING)
    fresh()
    assert len(loads) == 1


def test_a_site_change_costs_the_catalogue_nothing(loads, django_assert_num_queries):
    listed = fresh()
    changes.record(changes.ContentChange.SITE)
    request_finished.send(sender=None)
    request_started.send(sender=None)
    with django_assert_num_queries(1):  # the journal, read once
        assert catalogue() is listed
    assert len(loads) == 1


def test_an_entry_naming_many_cases_or_failing_to_apply_loads_afresh(loads, monkeypatch):
    fresh()
    monkeypatch.setattr(catalogue_module, "APPLY_AT_MOST", 2)
    PageViewRestriction.objects.create(page=CaseIndexPage.objects.get(), restriction_type=PageViewRestriction.LOGIN)
    assert not fresh().shown and len(loads) == 2  # six cases at once: loaded afresh

    def broken(listed, case_ids):
        raise RuntimeError("a bug half way through")

    monkeypatch.setattr(catalogue_module, "_apply", broken)
    PageViewRestriction.objects.all().delete()
    listed = fresh()
    assert len(listed.shown) == 6 and len(loads) == 3  # not kept half updated, nor failing every request


def test_a_change_is_applied_to_a_copy_and_the_catalogue_read_before_stays_whole(loads):
    """Another thread may be reading the catalogue while a change is applied: it keeps its own."""
    before = fresh()
    as_it_was = {key: value for key, value in answers(before).items() if key != "similar"}
    case = publish_case("新案例：网格化管理", "村里推行网格化管理。", year_reported=2009, year_started=2007)
    case.themes.add(Theme.objects.order_by("pk")[0])
    case.save_revision().publish()
    CasePage.objects.get(slug="wuchang-1-3").unpublish()
    after = fresh()
    assert after is not before and len(loads) == 1  # applied, not loaded afresh
    assert case.pk in after.shown and case.pk not in before.shown
    assert {key: value for key, value in answers(before).items() if key != "similar"} == as_it_was
    # what the change did not touch is shared, not copied
    assert any(after.filters[key] is packed for key, packed in before.filters.items())


def test_a_request_keeps_the_catalogue_it_first_read(loads):
    first = fresh()
    # another thread applies a change meanwhile: a new catalogue takes the old one's place
    catalogue_module._state["catalogue"] = first.copy()
    assert catalogue() is first
    assert fresh() is catalogue_module._state["catalogue"] is not first  # the next request reads it
