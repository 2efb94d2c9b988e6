"""What another process changes (it journals it; no signal reaches this one) is known here at
this process's next request, whichever engine answers: terms and aliases, places, published
model names."""

from contextlib import contextmanager

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from django.test.utils import CaptureQueriesContext

from cases import changes
from cases.importer.structure.vocabulary import vocabulary as suggested
from cases.models import CasePage
from cases.taxonomy import Problem, Region
from search import known_words
from search.engines.database.catalogue import catalogue
from search.known_words import forget, up_to_date
from search.query import parse_query
from search.text import query_words, reset_segmenter, segmenter, vocabulary

pytestmark = pytest.mark.django_db

JOURNAL = changes.ContentChange._meta.db_table


@pytest.fixture(autouse=True)
def words_read_afresh_after():
    """The terms and the lexicon these tests teach the process are forgotten after them (read
    again from the rolled-back rows when next needed). The segmenter is loaded again at once, as
    a test without the database could not: it keeps the two made-up names taught here (青蓝帮带,
    荷塘县), which no other test uses."""
    yield
    vocabulary.reset()
    reset_segmenter()
    segmenter()


@contextmanager
def a_request():
    """What a request's start and end tell the process, without closing the test's database
    connection at its end (as Django's test client does)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    request_started.send(sender=None)
    try:
        yield
    finally:
        request_finished.send(sender=None)
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def journal_reads(queries):
    return [query for query in queries.captured_queries if JOURNAL in query["sql"]]


def recognised(text):
    return [concept.name for concept in parse_query(text).concepts]


def test_an_alias_saved_elsewhere_is_recognised_at_the_next_request_without_the_catalogue():
    problem = Problem.objects.get(name="党员发展难")
    with a_request():
        assert recognised("青年不想入党咋办") == []
        # Another process saves an alias: its row and its journal entry, no signal here.
        Problem.objects.filter(pk=problem.pk).update(aliases=f"{problem.aliases}\n青年不想入党")
        changes.record(changes.ContentChange.VOCABULARY, [])
        assert recognised("青年不想入党咋办") == []  # this request has read the journal already
    with a_request():
        assert recognised("青年不想入党咋办") == ["党员发展难"]


def test_the_importer_suggests_a_term_by_an_alias_saved_elsewhere():
    problem = Problem.objects.get(name="党员发展难")
    text = "村里的年轻人普遍青年不想入党，支部多年没有新人。"
    with a_request():
        before = [problem.name for problem in suggested(text, "")[2]]
    Problem.objects.filter(pk=problem.pk).update(aliases=f"{problem.aliases}\n青年不想入党")
    changes.record(changes.ContentChange.VOCABULARY, [])
    with a_request():
        after = [problem.name for problem in suggested(text, "")[2]]
    assert "党员发展难" not in before and "党员发展难" in after


def test_a_place_added_elsewhere_is_read_in_pinyin_at_the_next_request():
    city = Region.objects.get(name="宜昌市")
    with a_request():
        assert vocabulary.lexicon().from_pinyin("hetangxian") is None
        Region.objects.bulk_create([Region(name="荷塘县", parent=city, level=Region.COUNTY)])  # sends no signal
        changes.record(changes.ContentChange.VOCABULARY, [])
    with a_request():
        assert vocabulary.lexicon().from_pinyin("hetangxian") == "荷塘县"


def test_a_model_name_published_elsewhere_is_kept_whole_and_read_in_pinyin():
    case = CasePage.objects.get(slug="wengyuan-dangyuan-chuangye")
    with a_request():
        assert vocabulary.lexicon().from_pinyin("qinglanbangdai") is None
        assert query_words("青蓝帮带") != ["青蓝帮带"]
        CasePage.objects.filter(pk=case.pk).update(model_name="青蓝帮带")
        changes.record(changes.ContentChange.CASES, [case.pk])
    with a_request():  # one that only cuts text (indexing a case, say) follows the journal too
        assert query_words("青蓝帮带") == ["青蓝帮带"]
    with a_request():
        assert vocabulary.lexicon().from_pinyin("qinglanbangdai") == "青蓝帮带"


def test_what_changes_while_the_terms_are_first_read_is_applied_next():
    """The journal's place is noted when the terms are read, not at a later first look."""
    forget()
    vocabulary.reset_terms()
    problem = Problem.objects.get(name="党员发展难")
    assert recognised("青年不想入党") == []  # read outside a request: the place is noted
    Problem.objects.filter(pk=problem.pk).update(aliases=f"{problem.aliases}\n青年不想入党")
    changes.record(changes.ContentChange.VOCABULARY, [])
    with a_request():
        assert recognised("青年不想入党") == ["党员发展难"]


def test_a_process_that_has_not_looked_for_long_reads_everything_afresh(monkeypatch):
    up_to_date()
    loaded = vocabulary.matcher()
    monkeypatch.setattr(known_words, "STALE_AFTER", -1)  # entries it missed may have been pruned
    up_to_date()
    assert vocabulary.matcher() is not loaded


def test_a_library_of_cases_published_at_once_is_read_afresh_not_case_by_case(monkeypatch):
    up_to_date()
    loaded = vocabulary.lexicon()
    monkeypatch.setattr(known_words, "LEARN_AT_MOST", 2)
    changes.record(changes.ContentChange.CASES, list(CasePage.objects.values_list("pk", flat=True)))
    up_to_date()
    assert vocabulary.lexicon() is not loaded


def test_the_catalogue_looking_first_applies_an_entry_once():
    """The catalogue finds the entry and brings the words up to date, which loads the segmenter,
    which asks again within the same request: asked once, applied once."""
    city = Region.objects.get(name="宜昌市")
    catalogue()
    up_to_date()
    Region.objects.bulk_create([Region(name="荷塘县", parent=city, level=Region.COUNTY)])
    changes.record(changes.ContentChange.VOCABULARY, [])
    vocabulary.lexicon()
    with a_request(), CaptureQueriesContext(connection) as queries:
        catalogue()
        query_words("荷塘县")
    # The entries, once for both; the catalogue's reload then notes where the journal stands.
    assert len(journal_reads(queries)) == 2
    assert vocabulary.lexicon().weights["荷塘县"] == 1


def test_a_request_reads_the_journal_once_and_a_command_not_at_all():
    catalogue()
    up_to_date()  # both have looked once: they follow from the same entry
    with a_request():
        with CaptureQueriesContext(connection) as queries:
            parse_query("集体经济薄弱")
            parse_query("dangjian 党员老龄化")
            catalogue()  # the database engine's catalogue asks the same question: read once
        assert len(journal_reads(queries)) == 1
    with CaptureQueriesContext(connection) as queries:
        parse_query("集体经济薄弱")
    assert journal_reads(queries) == []


def test_the_first_look_notes_where_the_journal_stands_and_applies_nothing_before():
    vocabulary.matcher()
    loaded = vocabulary.matcher()
    up_to_date()
    assert vocabulary.matcher() is loaded  # nothing read again
