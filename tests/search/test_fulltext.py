"""The database engine's case index (index.py, written as cases change) and its full-text queries
(fulltext.py: which matches are ranked by relevance, and which by date)."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction
from wagtail.search.models import IndexEntry

from cases.models import CaseIndexPage, CasePage
from cases.taxonomy import Theme
from search.case_search import search_cases
from search.engines.database import index
from search.engines.database.case_sets import CaseSet
from search.engines.database.fulltext import matching_cases, relevance_order, worth_ranking
from search.engines.database.index import FTS_TABLE, PG_TABLE
from search.text import word_parts
from tests.search.test_search_page import publish_case

pytestmark = pytest.mark.django_db


def body_mentions(word, times):
    # The same length whatever `times`, so that bm25 tells the cases apart by the word alone.
    return "".join(f"{word}。" if number < times else "村里修了路。" for number in range(8))


def test_a_word_in_few_cases_is_ranked_by_relevance_not_date():
    older = publish_case("甲村案例", body_mentions("网格员", 6), year_reported=2001)
    newer = publish_case("乙村案例", body_mentions("网格员", 1), year_reported=2020)
    assert worth_ranking(len(matching_cases(["网格员"])))
    assert relevance_order(["网格员"], CaseSet.of([older.pk, newer.pk])) == [older.pk, newer.pk]
    assert relevance_order(["网格员"], CaseSet.of([newer.pk])) == [newer.pk]  # only the cases asked about
    assert [hit.case.pk for hit in search_cases({"q": "网格员"}).hits] == [older.pk, newer.pk]


def test_a_word_in_half_the_index_or_more_lists_its_cases_newest_first():
    """bm25 gives such a word no weight (FTS5: idf 1e-6); ranking the matches would sort noise."""
    # As many as the cases already published, and two pages' worth at least.
    entries = max(len(published_ids()), 20)
    # The newest mentions the word least: ranked by how often it occurs, the order would reverse.
    cases = [
        publish_case(f"测试{number}号案例", body_mentions("网格员", 1 + number % 7), year_reported=1990 + number)
        for number in range(entries)
    ]
    matches = len(matching_cases(["网格员"]))
    assert matches * 2 >= len(published_ids()) and not worth_ranking(matches)
    newest_first = [case.pk for case in sorted(cases, key=lambda case: -case.year_reported)]
    results = search_cases({"q": "网格员"})
    assert results.total == len(cases)
    assert [hit.case.pk for hit in results.hits] == newest_first[: len(results.hits)]
    assert [hit.case.pk for hit in search_cases({"q": "网格员", "page": "2"}).hits] == newest_first[10:20]


def indexed_case_ids():
    table = FTS_TABLE if connection.vendor == "sqlite" else PG_TABLE
    column = "rowid" if connection.vendor == "sqlite" else "case_id"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} ORDER BY 1")
        return [pk for (pk,) in cursor.fetchall()]


def published_ids():
    return sorted(CasePage.objects.published().values_list("pk", flat=True))


@pytest.mark.skipif(connection.vendor != "sqlite", reason="FTS5 segments: SQLite's full-text index only")
def test_a_rebuild_leaves_the_full_text_index_in_one_segment():
    cases = [
        publish_case(f"分段测试{number}", body_mentions("网格员", number + 1))  # a segment each
        for number in range(3)
    ]
    call_command("search_index", "--rebuild", stdout=io.StringIO())
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(DISTINCT segid) FROM {FTS_TABLE}_idx")
        assert cursor.fetchone()[0] == 1
    assert sorted(matching_cases(["网格员"])) == sorted(case.pk for case in cases)  # still answers


def test_a_rebuild_reads_its_chunks_by_key_not_by_offset(monkeypatch):
    monkeypatch.setattr(index, "CHUNK_SIZE", 2)
    with CaptureQueriesContext(connection) as captured:
        call_command("search_index", "--rebuild", stdout=io.StringIO())
    chunks = [
        query["sql"]
        for query in captured.captured_queries
        if query["sql"].startswith("SELECT") and '"cases_casepage"' in query["sql"] and "LIMIT 2" in query["sql"]
    ]
    assert len(chunks) == 4  # six seed cases: 2 + 2 + 2, and an empty read that ends the loop
    assert not any("OFFSET" in sql for sql in chunks)
    assert indexed_case_ids() == published_ids()  # each once


def test_the_index_holds_the_published_cases_as_they_change():
    case = publish_case("网格员测试案例", "村里有了网格员。")
    assert case.pk in indexed_case_ids() and list(matching_cases(["网格员"])) == [case.pk]
    draft = CasePage.objects.get(pk=case.pk)
    draft.title = "草稿里的新标题"
    draft.save_revision()  # a draft: not for the public index
    assert list(matching_cases(["网格员"], title_only=True)) == [case.pk]
    assert not matching_cases(["草稿"])
    draft.save_revision().publish()
    assert list(matching_cases(["草稿"], title_only=True)) == [case.pk]
    case.unpublish()
    assert case.pk not in indexed_case_ids() and not matching_cases(["网格员"])
    CasePage.objects.get(pk=case.pk).save_revision().publish()
    assert case.pk in indexed_case_ids()
    CasePage.objects.get(pk=case.pk).delete()
    assert case.pk not in indexed_case_ids()
    assert indexed_case_ids() == published_ids()


def test_a_private_case_library_takes_its_cases_out_of_the_index():
    library = CaseIndexPage.objects.get()
    restriction = PageViewRestriction.objects.create(page=library, restriction_type=PageViewRestriction.LOGIN)
    assert indexed_case_ids() == [] == published_ids()
    restriction.delete()
    assert indexed_case_ids() == published_ids() and len(published_ids()) == 6


def test_a_renamed_theme_reaches_the_index_of_its_cases():
    theme = Theme.objects.get(slug="服务群众")
    filed = sorted(theme.cases.values_list("pk", flat=True))
    assert filed
    theme.name = "网格员服务"
    theme.save()
    assert sorted(matching_cases(["网格员服务"], title_only=True)) == filed


def test_wagtails_own_index_holds_no_case_bodies():
    """Readers' search has the project's index; Wagtail's holds what the admin's page search needs."""
    case = CasePage.objects.get(slug="xingshan-lianghui-liangping")
    case.save_revision().publish()  # through Wagtail's indexing too
    entry = IndexEntry.objects.get(object_id=str(case.pk), content_type__model="casepage")
    assert "关怀" in case.body_text() and "关怀" not in entry.body + entry.title
    assert "两会两评" in entry.title.replace(" ", "") or "两会两评" in entry.body.replace(" ", "")


def test_a_deleted_theme_leaves_the_index_of_its_cases():
    theme = Theme.objects.create(name="即将删除的主题")
    case = CasePage.objects.get(slug="wuchang-1-3")
    case.themes.add(theme)
    case.save_revision().publish()
    assert list(matching_cases(["即将删除的主题"], title_only=True)) == [case.pk]
    theme.delete()
    assert not matching_cases(["即将删除的主题"])


def test_an_any_word_ranking_leaves_out_a_word_bm25_gives_no_weight():
    """A word in half the cases or more weighs nothing in bm25 (FTS5: idf 1e-6): left out of an
    any-word ranking, it no longer costs a read of its posting list and changes no order but
    that of the cases holding nothing else, which go last."""
    more = publish_case("甲村案例", body_mentions("网格员", 5))
    fewer = publish_case("乙村案例", body_mentions("网格员", 2))
    everyone = len(matching_cases(["党员"]))
    assert everyone * 2 >= len(published_ids())
    among = matching_cases(["网格员"]) | matching_cases(["党员"])
    counts = {"党员": everyone, "网格员": len(matching_cases(["网格员"]))}  # a rare word's count is known too
    with CaptureQueriesContext(connection) as captured:
        ranked = relevance_order(["网格员", "党员"], among, any_word=True, counts=counts)
    in_full = relevance_order(["网格员", "党员"], among, any_word=True)
    if connection.vendor == "sqlite":
        assert in_full[:2] == [more.pk, fewer.pk]
        assert ranked == [more.pk, fewer.pk]  # the rest RankedIds puts last, newest first
        assert '"党员"' not in captured[-1]["sql"]
    else:  # ts_rank has no idf: every word counts
        assert ranked == in_full


@pytest.mark.skipif(connection.vendor != "sqlite", reason="bm25's idf: SQLite's full-text index only")
def test_a_compound_in_half_the_cases_is_ranked_as_written_not_through_its_parts():
    # Its parts are in every case holding it, so they are as common and weigh nothing either.
    assert word_parts("户联理事会") == ["户联", "理事会"]
    for number in range(len(published_ids()) + 1):
        publish_case(f"测试{number}号案例", body_mentions("户联理事会", 1))
    publish_case("甲村案例", body_mentions("网格员", 3))
    written = matching_cases(["户联理事会"], whole_words=True)
    assert not written - matching_cases(word_parts("户联理事会"))  # what the index writes: its parts too
    common = len(matching_cases(["户联理事会"]))
    assert common * 2 >= len(published_ids())
    among = matching_cases(["网格员"]) | matching_cases(["户联理事会"])
    with CaptureQueriesContext(connection) as captured:
        ranked = relevance_order(["网格员", "户联理事会"], among, any_word=True, counts={"户联理事会": common})
    assert '"户联理事会"' in captured[-1]["sql"] and '"理事会"' not in captured[-1]["sql"]
    assert ranked[0] == matching_cases(["网格员"]).pks()[0]  # the rare word weighs most
    # Not common, it is scored through its parts as well.
    with CaptureQueriesContext(connection) as captured:
        relevance_order(["网格员", "户联理事会"], among, any_word=True, counts={"户联理事会": 1})
    assert '"理事会"' in captured[-1]["sql"]
