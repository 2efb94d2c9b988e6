"""search.engines.database.fulltext: which matches are ranked by the index's relevance, and which by date."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.search.models import IndexEntry

from cases.models import CasePage
from search.case_search import search_cases
from search.engines.database.case_sets import CaseSet
from search.engines.database.fulltext import matching_cases, relevance_order, worth_ranking
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
    entries = IndexEntry.objects.count()
    # The newest mentions the word least: ranked by how often it occurs, the order would reverse.
    cases = [
        publish_case(f"测试{number}号案例", body_mentions("网格员", 1 + number % 7), year_reported=1990 + number)
        for number in range(entries)
    ]
    matches = len(matching_cases(["网格员"]))
    assert matches * 2 >= IndexEntry.objects.count() and not worth_ranking(matches)
    newest_first = [case.pk for case in sorted(cases, key=lambda case: -case.year_reported)]
    results = search_cases({"q": "网格员"})
    assert results.total == len(cases)
    assert [hit.case.pk for hit in results.hits] == newest_first[: len(results.hits)]
    assert [hit.case.pk for hit in search_cases({"q": "网格员", "page": "2"}).hits] == newest_first[10:20]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="FTS5 segments: SQLite's full-text index only")
def test_update_index_leaves_the_full_text_index_in_one_segment():
    cases = [
        publish_case(f"分段测试{number}", body_mentions("网格员", number + 1))  # a segment each
        for number in range(3)
    ]
    call_command("update_index", stdout=io.StringIO())
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(DISTINCT segid) FROM {IndexEntry._meta.db_table}_fts_idx")
        assert cursor.fetchone()[0] == 1
    assert sorted(matching_cases(["网格员"])) == sorted(case.pk for case in cases)  # still answers


@pytest.mark.skipif(connection.vendor != "sqlite", reason="FTS5 segments: SQLite's full-text index only")
def test_refreshing_title_norms_leaves_the_full_text_index_alone_but_new_text_reaches_it():
    call_command("update_index", stdout=io.StringIO())  # one segment

    def segments():
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(DISTINCT segid) FROM {IndexEntry._meta.db_table}_fts_idx")
            return cursor.fetchone()[0]

    IndexEntry.objects.update(title_norm=0.5)  # a column the full-text index does not hold
    assert segments() == 1  # nothing written to it (the stock trigger rewrote every document)
    entry = IndexEntry.objects.get(
        object_id=str(CasePage.objects.get(slug="xingshan-lianghui-liangping").pk), content_type__model="casepage"
    )
    IndexEntry.objects.filter(pk=entry.pk).update(title="网格员")
    assert list(matching_cases(["网格员"], title_only=True)) == [int(entry.object_id)]


def test_a_rebuild_averages_the_title_lengths_once_not_once_a_chunk():
    with CaptureQueriesContext(connection) as captured:
        call_command("update_index", chunk_size=2, stdout=io.StringIO())
    averages = [query for query in captured.captured_queries if "AVG(" in query["sql"].upper()]
    if connection.vendor == "sqlite":
        assert len(averages) == 1  # at the end of the rebuild (each of ~8 chunks averaged before)
    assert sorted(matching_cases(["两会两评"])) == [CasePage.objects.get(slug="xingshan-lianghui-liangping").pk]


def test_a_rebuild_reads_its_chunks_by_key_not_by_offset():
    with CaptureQueriesContext(connection) as captured:
        call_command("update_index", chunk_size=2, stdout=io.StringIO())
    chunks = [
        query["sql"]
        for query in captured.captured_queries
        if query["sql"].startswith("SELECT") and '"cases_casepage"' in query["sql"] and "LIMIT 2" in query["sql"]
    ]
    assert len(chunks) == 4  # six seed cases: 2 + 2 + 2, and an empty read that ends the loop
    assert not any("OFFSET" in sql for sql in chunks)
    indexed = IndexEntry.objects.filter(content_type__model="casepage").values_list("object_id", flat=True)
    assert sorted(map(int, indexed)) == sorted(CasePage.objects.values_list("pk", flat=True))  # each once


def test_saving_a_page_still_sets_its_title_norm():
    case = publish_case("标题规范测试", "村里修了路。")
    entry = IndexEntry.objects.get(object_id=str(case.pk), content_type__model="casepage")
    assert entry.title_norm != 1.0  # the default a new entry gets, until the norms are refreshed


@pytest.mark.skipif(connection.vendor != "sqlite", reason="title norms: kept by Wagtail's SQLite backend only")
def test_the_title_norm_refresh_after_a_save_reads_indexes_not_every_entry():
    with CaptureQueriesContext(connection) as captured:
        case = publish_case("标题规范索引测试", "村里修了路。")
    refresh = [
        query["sql"]
        for query in captured.captured_queries
        if "AVG(LENGTH(" in query["sql"].upper() or 'SET "title_norm"' in query["sql"]
    ]
    assert len(refresh) >= 2
    with connection.cursor() as cursor:
        for sql in refresh:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
            plan = " ".join(row[-1] for row in cursor.fetchall())
            assert "SCAN wagtailsearch_indexentry" not in plan and "USING INDEX search_indexentry_" in plan, (sql, plan)
    entry = IndexEntry.objects.get(object_id=str(case.pk), content_type__model="casepage")
    assert entry.title_norm != 1.0
