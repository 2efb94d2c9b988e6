"""search.engines.database.catalogue: the in-memory view of the published cases agrees with the database."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given, settings
from hypothesis import strategies as st
from wagtail.models import PageViewRestriction

from cases.filters import CaseFilter
from cases.models import CasePage
from search.case_search import search_cases
from search.engines.database.case_sets import CaseSet
from search.engines.database.catalogue import RankedIds, TextColumn, catalogue, forget
from search.engines.database.engine import facet_counts
from search.text import word_parts

pytestmark = pytest.mark.django_db


def database_ids(params):
    return set(CaseFilter.from_params(params).apply(CasePage.objects.published()).values_list("pk", flat=True))


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
    for params in (
        {"region": "黑龙江省", "theme": "服务群众"},
        {"year": "2009", "domain": "农村"},
        {"region": "兴山县"},
        {"problem": "集体经济薄弱", "year": "2030"},
    ):
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


def test_the_title_tier_is_every_case_whose_title_or_model_name_holds_the_words():
    cases = {case.pk: (case.title.lower(), case.model_name.lower()) for case in CasePage.objects.published()}
    for words in (["党建"], ["两会两评"], ["城乡联建"], ["党员", "创业"], ["13模式"], ["不存在的词"]):
        expected = set()
        for pk, fields in cases.items():

            def holds(word):
                parts = word_parts(word)
                return any(word in text or (parts and all(part in text for part in parts)) for text in fields)  # noqa: B023

            if all(holds(word) for word in words):
                expected.add(pk)
        assert catalogue().in_title(words) == expected, words
    assert catalogue().in_title(["党建"])  # the seeds' titles do hold it


def test_a_text_column_finds_each_case_once_and_never_across_two_texts():
    column = TextColumn({1: "农村党建", 2: "党建引领党建", 3: "", 4: "城乡\n统筹", 5: "党建", 9: "党党党"})
    assert column.holding("党建") == {1, 2, 5}
    assert column.holding("村党") == {1}
    assert column.holding("建城") == set()  # the end of one text and the start of the next
    assert column.holding("乡 统") == {4}  # a line break inside a text is a space
    assert column.holding("党党") == {9}  # overlapping occurrences
    assert column.holding("建党") == set()  # "党建\n党党党": not across texts either
    assert column.holding_all(["引领", "党建"]) == {2}


@settings(max_examples=300, deadline=None)
@given(
    texts=st.lists(st.text(alphabet="党建村民 ", max_size=8), max_size=12),
    word=st.text(alphabet="党建村民 ", min_size=1, max_size=3),
)
def test_a_text_column_holds_what_substring_search_finds(texts, word):
    column = TextColumn({pk * 3: text for pk, text in enumerate(texts)})
    assert column.holding(word) == {pk * 3 for pk, text in enumerate(texts) if word in text}


@settings(max_examples=300, deadline=None)
@given(first=st.sets(st.integers(0, 200)), second=st.sets(st.integers(0, 300)))
def test_case_sets_behave_as_sets_of_their_pks(first, second):
    a, b = CaseSet.of(first), CaseSet.of(second)
    assert a & b == first & second and a | b == first | second and a - b == first - second
    assert len(a) == len(first) and bool(a) == bool(first) and list(a) == sorted(first)
    assert all(pk in a for pk in first) and not any(pk in a for pk in second - first)
    assert CaseSet.unpacked(a.packed(301), 301) == first
    assert list(a.holds(CaseSet.of(second).pks())) == [pk in first for pk in sorted(second)]


@settings(max_examples=200, deadline=None)
@given(
    order=st.permutations(range(30)),
    tier_of=st.lists(st.integers(-1, 3), min_size=30, max_size=30),
    slices=st.lists(st.tuples(st.integers(0, 35), st.integers(0, 35)), max_size=5),
)
def test_ranked_ids_read_lazily_equal_ranking_everything_first(order, tier_of, slices):
    tiers = [{pk for pk in range(30) if tier_of[pk] == tier} for tier in range(4)]  # -1: in no tier
    expected = [pk for tier in tiers for pk in order if pk in tier]
    ranked = RankedIds([CaseSet.of(tier) for tier in tiers], order)
    for start, stop in slices:  # any sequence of pages, then the whole
        assert ranked[start:stop] == expected[start:stop]
    assert len(ranked) == len(expected) and list(ranked) == expected


def test_ranked_ids_put_what_the_order_leaves_out_last_by_id():
    ranked = RankedIds([CaseSet.of([5, 9, 7]), CaseSet.of([1, 3])], order=[9, 3])
    assert list(ranked) == [9, 5, 7, 3, 1] and len(ranked) == 5


def test_ranked_ids_put_what_the_rank_leaves_out_in_the_order_given():
    # What a ranking leaves out (cases holding only words of no weight in bm25, or filed under a
    # term the query names without its words) follows newest first, the listing's order, which
    # breaks every tie of relevance (the search cluster's too).
    ranked = RankedIds([CaseSet.of([5, 9, 7, 2]), CaseSet.of([1, 3])], order=[2, 7, 3, 5], rank=lambda tier: [9])
    assert list(ranked) == [9, 2, 7, 5, 3, 1] and len(ranked) == 6


@settings(max_examples=200, deadline=None)
@given(
    order=st.permutations(range(30)),
    tier_of=st.lists(st.integers(-1, 3), min_size=30, max_size=30),
    slices=st.lists(st.tuples(st.integers(0, 35), st.integers(0, 35)), max_size=5),
)
def test_ranked_ids_ranking_a_tier_at_a_time_equal_ranking_everything_first(order, tier_of, slices):
    tiers = [{pk for pk in range(30) if tier_of[pk] == tier} for tier in range(4)]
    expected = [pk for tier in tiers for pk in order if pk in tier]
    ranked = RankedIds([CaseSet.of(tier) for tier in tiers], rank=lambda tier: [pk for pk in order if pk in tier])
    for start, stop in slices:
        assert ranked[start:stop] == expected[start:stop]
    assert list(ranked) == expected


def test_ranked_ids_rank_only_the_tiers_a_page_reaches():
    asked = []

    def rank(tier):
        asked.append(set(tier))
        return sorted(tier, reverse=True)[:-1]  # leaves one out: it still comes, last

    ranked = RankedIds([CaseSet.of(range(20)), CaseSet.of(range(20, 1000))], rank=rank)
    assert ranked[:10] == list(range(19, 9, -1))
    assert ranked[10:21] == [9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 999]
    assert asked == [set(range(20)), set(range(20, 1000))]
    assert ranked[:5] == [19, 18, 17, 16, 15] and len(asked) == 2  # each tier ranked once


def test_year_filters_agree_with_the_database_for_odd_years():
    from tests.search.test_search_page import publish_case

    publish_case("年份颠倒的案例", "正文。", year_started=2015, year_reported=2009)
    publish_case("年份跨度很长的案例", "正文。", year_started=1921, year_reported=2021)
    publish_case("只有起始年份的案例", "正文。", year_started=1999)
    for year in ("1921", "1950", "1999", "2009", "2012", "2015", "2021"):
        assert catalogue().allowed(CaseFilter.from_params({"year": year})) == database_ids({"year": year}), year


def test_within_a_request_the_catalogue_is_checked_once_and_again_after_a_change(django_assert_num_queries):
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from tests.search.test_search_page import publish_case

    # As Django's test client does: the test's transaction must outlive the request's signals.
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    request_started.send(sender=None)
    try:
        first = catalogue()
        with django_assert_num_queries(0):
            assert catalogue() is first
        case = publish_case("请求中发布的案例", "正文。")
        assert case.pk in catalogue().shown  # the save reset the check: the catalogue reloaded
    finally:
        request_finished.send(sender=None)
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the overflow pages it avoids are SQLite's")
def test_the_catalogue_reads_the_cases_through_its_covering_index():
    """A column added to the catalogue's read but not to casepage_catalogue_idx sends SQLite
    back to the case rows, behind their long body (at 100,000 cases, twice the time)."""
    from search.engines.database.catalogue import _load

    with CaptureQueriesContext(connection) as captured:
        _load()
    (read,) = [
        query["sql"]
        for query in captured.captured_queries
        if 'FROM "cases_casepage" INNER JOIN "wagtailcore_page"' in query["sql"]
    ]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {read}")
        plan = " ".join(row[-1] for row in cursor.fetchall())
    assert "SCAN cases_casepage USING COVERING INDEX casepage_catalogue_idx" in plan, plan


@pytest.mark.parametrize("kept", ["title", "model_name"])
def test_a_title_in_traditional_characters_is_in_a_simplified_querys_title_tier(
    kept, django_capture_on_commit_callbacks
):
    case = CasePage.objects.get(slug="xingshan-lianghui-liangping")
    catalogue()  # loaded before the change: the publish is applied to it in place
    setattr(case, kept, "興山縣農村黨建“兩會兩評”模式" if kept == "title" else "兩會兩評")
    if kept == "title":
        case.model_name = ""
    else:
        case.title = "兴山县农村党建新模式"  # the words only in the model name
    with django_capture_on_commit_callbacks(execute=True):
        case.save_revision().publish()
    assert case.pk in catalogue().in_title(["两会两评"])
    forget()
    assert case.pk in catalogue().in_title(["两会两评"])  # and when loaded afresh
