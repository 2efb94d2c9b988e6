"""Search by meaning: when the words find nothing, the cases that say what the query means."""

import io

import numpy as np
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases import changes
from cases.models import CasePage
from search import known_words, meanings
from search.case_search import search_cases
from search.engines.database.engine import DatabaseEngine
from search.log.models import SearchLog
from search.meanings import BY_MEANING_NOTE, MAYBE_CASES, MAYBE_CLOSE
from search.models import CaseSentence, SentenceMeaning
from search.text import meaning
from tests.portal.test_query_budget import BUDGET as QUERY_BUDGET
from tests.search.test_search_log import BROWSER
from tests.search.test_search_page import publish_case

pytestmark = pytest.mark.django_db

# Test cases of this module's own (not the seeds'): a village road, said in other words below.
ROAD = "村西头那条土路年久失修，一下雨就坑坑洼洼，群众出行十分困难。"
# The search by words finds nothing for these (asserted): only a search by meaning can answer them.
ROAD_IN_OTHER_WORDS = "路烂得没法走，下雨天老乡出门难"
NOTHING_LIKE_IT = "钢琴弹奏技巧怎么练习"


def _found_by_words(query):
    meaning.use("")
    try:
        return search_cases({"q": query}).total
    finally:
        meaning.use(settings.SEARCH_MEANING_MODEL)


@pytest.fixture
def road_case(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return publish_case("意思测试案例", ROAD)


def test_sentences_are_cut_at_their_ends_and_short_ones_left_out():
    text = "一、背景\n村里的路年久失修，雨天泥泞难行。群众出行很不方便！好\n村里的路年久失修，雨天泥泞难行。"
    assert meaning.sentences(text) == ["村里的路年久失修，雨天泥泞难行。", "群众出行很不方便！"]


def test_sentences_alike_in_meaning_lie_closer_than_sentences_alike_in_nothing():
    model = meaning.model()
    assert model is not None, f"the model's files belong in {settings.SEARCH_MEANING_MODEL} (make install)"
    road, other_words, dues = model.vectors(
        ["村里的路年久失修，下雨天没法走", "村道破损严重，雨后泥泞难行", "党员要按时交纳党费"]
    )
    assert np.allclose([np.linalg.norm(road), np.linalg.norm(dues)], 1, atol=1e-5)
    assert road @ other_words > road @ dues + 0.2


def test_a_case_saying_it_in_other_words_is_found_with_its_sentence_marked(client, road_case):
    assert not _found_by_words(ROAD_IN_OTHER_WORDS)
    results = search_cases({"q": ROAD_IN_OTHER_WORDS})
    assert results.by_meaning and results.total == len(results.hits) >= 1
    assert results.hits[0].case == road_case
    assert str(results.hits[0].snippet) == f'<mark class="hit__sense">{ROAD}</mark>'
    html = client.get("/search/", {"q": ROAD_IN_OTHER_WORDS}).content.decode()
    assert BY_MEANING_NOTE in html and ROAD in html and "没有找到符合条件的案例" not in html
    assert "排序：" not in html and "filter-panel" not in html  # ordered by meaning, no facets to narrow


def test_a_question_no_case_speaks_of_gets_no_answer_by_meaning(road_case):
    assert not _found_by_words(NOTHING_LIKE_IT)
    results = search_cases({"q": NOTHING_LIKE_IT})
    assert results.total == 0 and not results.by_meaning and not results.hits
    assert results.maybe == []  # nothing near it either


@pytest.fixture
def not_close_enough(monkeypatch):
    """The road's sentence no longer close enough to answer ROAD_IN_OTHER_WORDS: only near it."""
    monkeypatch.setattr(meanings, "CLOSE_ENOUGH", 0.99)


def test_a_question_near_a_sentence_but_not_close_enough_offers_its_case_as_possibly_related(
    client, road_case, not_close_enough
):
    results = search_cases({"q": ROAD_IN_OTHER_WORDS})
    assert results.total == 0 and not results.by_meaning and not results.hits
    assert results.maybe[0].case == road_case and results.maybe[0].sentence == ROAD
    assert len(results.maybe) <= MAYBE_CASES
    assert all(MAYBE_CLOSE <= found.similarity < meanings.CLOSE_ENOUGH for found in results.maybe)
    html = client.get("/search/", {"q": ROAD_IN_OTHER_WORDS}).content.decode()
    assert "共找到 0 个案例" in html and "没有找到符合条件的案例" in html
    assert "也许有关的案例" in html and f'<mark class="hit__sense">{ROAD}</mark>' in html
    assert f'href="/search/open/{road_case.pk}/?' in html  # an opened one is logged as a result's
    answer = client.get("/search/", {"q": ROAD_IN_OTHER_WORDS, "format": "json"}).json()
    assert answer["total"] == 0 and answer["results"] == []
    assert answer["maybe"][0]["sentence"] == ROAD and answer["maybe"][0]["url"].endswith(road_case.url)


def test_the_filters_hold_for_the_cases_possibly_related(road_case, not_close_enough):
    offered = search_cases({"q": ROAD_IN_OTHER_WORDS, "region": "黑龙江省"}).maybe  # the road is in 五常市
    assert offered[0].case == road_case
    offered = search_cases({"q": ROAD_IN_OTHER_WORDS, "region": "山东省"}).maybe
    assert {found.case.slug for found in offered} <= {"zhucheng-chengxiang-lianjian"}  # 山东's only case


def test_a_question_no_seed_case_answers_in_its_words_offers_the_one_saying_something_near(client):
    # 兴山's 邪教、宗教势力乘虚而入,进村入户… is near; no sentence of the seeds is close enough.
    results = search_cases({"q": "村里的老人都信教了怎么办"})
    assert results.total == 0 and "xingshan-lianghui-liangping" in [found.case.slug for found in results.maybe]
    assert "也许有关的案例" in client.get("/search/", {"q": "村里的老人都信教了怎么办"}).content.decode()


def test_an_answer_by_meaning_or_letters_meaning_nothing_offer_nothing_possibly_related(client, road_case):
    answered = client.get("/search/", {"q": ROAD_IN_OTHER_WORDS, "format": "json"}).json()
    assert answered["by_meaning"] and answered["maybe"] == []
    for typed in ("zzz", "asdfgh", "钢琴弹奏技巧怎么练习"):
        results = search_cases({"q": typed})
        assert results.total == 0 and results.maybe == [], typed  # found nothing, and nothing near


def test_the_cases_close_enough_are_those_a_reading_at_close_enough_finds(road_case, monkeypatch):
    published = CasePage.objects.published()
    # As if each sentence were said by enough cases, so that the first reading is cut short.
    monkeypatch.setattr(meanings, "ROWS_ENOUGH", 1)
    for cases in (published, published.filter(region__name="五常市")):
        close, maybe = meanings.answer_or_maybe(ROAD_IN_OTHER_WORDS, cases)
        assert close == meanings.closest(ROAD_IN_OTHER_WORDS, cases) and close and maybe == []


def test_words_a_case_holds_are_answered_by_words_first(road_case):
    results = search_cases({"q": "土路"})
    assert not results.by_meaning and road_case in [hit.case for hit in results.hits]


def test_the_filters_hold_for_a_search_by_meaning(road_case):
    others = CasePage.objects.published().exclude(pk=road_case.pk)
    assert road_case.pk not in [close.case.pk for close in meanings.closest(ROAD_IN_OTHER_WORDS, others)]
    elsewhere = search_cases({"q": ROAD_IN_OTHER_WORDS, "region": "江苏省"})  # the test case is in 五常市
    assert road_case not in [hit.case for hit in elsewhere.hits]
    there = search_cases({"q": ROAD_IN_OTHER_WORDS, "region": road_case.region.slug})
    assert there.by_meaning and road_case in [hit.case for hit in there.hits]


def test_an_unpublished_case_is_forgotten_with_what_only_it_said(road_case, django_capture_on_commit_callbacks):
    said = set(CaseSentence.objects.filter(case=road_case).values_list("meaning__digest", flat=True))
    assert meaning.model().digest(ROAD) in said
    with django_capture_on_commit_callbacks(execute=True):
        road_case.unpublish()
    assert not CaseSentence.objects.filter(case=road_case).exists()
    assert not SentenceMeaning.objects.filter(digest=meaning.model().digest(ROAD)).exists()
    assert road_case.pk not in [
        close.case.pk for close in meanings.closest(ROAD_IN_OTHER_WORDS, CasePage.objects.all())
    ]


def test_a_sentence_another_learning_dropped_meanwhile_is_learnt_anew(road_case, monkeypatch):
    """Two processes learning at once (PostgreSQL): one drops a sentence no case says as it
    looks, while the other's uncommitted rows name it; the commit's check of those rows fails,
    and the chunk is learnt again, the sentence's vector kept anew."""
    write = meanings._write
    dropped = []

    def drop(ids):
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {SentenceMeaning._meta.db_table} WHERE id IN ({', '.join(map(str, ids))})")

    def write_while_another_drops(model, said):
        if dropped:
            drop(dropped)  # that process's delete, committed: gone whatever this one rolled back
            return write(model, said)
        write(model, said)
        dropped.extend(CaseSentence.objects.filter(case=road_case).values_list("meaning_id", flat=True))
        drop(dropped)
        connection.check_constraints(table_names=[CaseSentence._meta.db_table])  # as at commit

    monkeypatch.setattr(meanings, "_write", write_while_another_drops)
    meanings.learn([road_case.pk])
    assert dropped
    learnt = CaseSentence.objects.filter(case=road_case)
    assert learnt.exists() and not learnt.filter(meaning_id__in=dropped).exists()
    assert SentenceMeaning.objects.filter(digest=meaning.model().digest(ROAD)).exists()
    assert search_cases({"q": ROAD_IN_OTHER_WORDS}).hits[0].case == road_case


def test_a_sentence_two_cases_say_is_read_once_and_a_rebuild_reads_every_case_afresh(
    road_case, django_capture_on_commit_callbacks, monkeypatch
):
    runs = _counting_model_runs(monkeypatch)
    with django_capture_on_commit_callbacks(execute=True):
        twin = publish_case("意思测试案例二", ROAD)
    assert ROAD not in [sentence for run in runs for sentence in run]  # read for the first case
    monkeypatch.undo()
    assert SentenceMeaning.objects.get(digest=meaning.model().digest(ROAD)).cases == 2
    assert CaseSentence.objects.filter(meaning__digest=meaning.model().digest(ROAD)).count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        twin.unpublish()
    assert SentenceMeaning.objects.get(digest=meaning.model().digest(ROAD)).cases == 1
    with django_capture_on_commit_callbacks(execute=True):
        twin.save_revision().publish()
    runs = _counting_model_runs(monkeypatch)
    counted = meanings.rebuild()
    assert runs == []  # every sentence still said keeps its vector
    expected = sum(
        len(meaning.sentences("\n".join([case.title, case.summary, case.body_text()])))
        for case in CasePage.objects.live().public()
    )
    assert counted == expected == CaseSentence.objects.count()
    assert {close.case.pk for close in meanings.closest(ROAD_IN_OTHER_WORDS, CasePage.objects.published())} >= {
        road_case.pk,
        twin.pk,
    }


def _counting_model_runs(monkeypatch):
    runs = []
    model = meaning.model()
    original = model.vectors

    def counted(texts):
        runs.append(list(texts))
        return original(texts)

    monkeypatch.setattr(model, "vectors", counted)
    return runs


def test_without_the_model_search_goes_by_words_alone(road_case):
    meaning.use("")
    try:
        results = search_cases({"q": ROAD_IN_OTHER_WORDS})
        assert results.total == 0 and not results.by_meaning
        assert meanings.rebuild() is None
    finally:
        meaning.use(settings.SEARCH_MEANING_MODEL)


def test_a_page_answered_by_meaning_asks_no_more_queries_than_any_page(client, road_case):
    client.get("/search/", {"q": ROAD_IN_OTHER_WORDS})  # the sentences' vectors read once, as in a running process
    with CaptureQueriesContext(connection) as captured:
        assert BY_MEANING_NOTE in client.get("/search/", {"q": ROAD_IN_OTHER_WORDS}).content.decode()
    # Less the savepoint a test's transaction makes it take (a request runs in none).
    asked = [query["sql"] for query in captured if "SAVEPOINT" not in query["sql"]]
    assert len(asked) <= QUERY_BUDGET, asked


def test_a_page_offering_possibly_related_cases_asks_no_more_queries_than_any_page(client, road_case, not_close_enough):
    client.get("/search/", {"q": ROAD_IN_OTHER_WORDS})
    with CaptureQueriesContext(connection) as captured:
        assert "也许有关的案例" in client.get("/search/", {"q": ROAD_IN_OTHER_WORDS}).content.decode()
    asked = [query["sql"] for query in captured if "SAVEPOINT" not in query["sql"]]
    assert len(asked) <= QUERY_BUDGET, asked


def test_a_search_answered_by_meaning_is_logged_as_finding_no_case_by_its_words(client, road_case, settings):
    settings.SEARCH_LOG_BATCH = 1
    client.get("/search/", {"q": ROAD_IN_OTHER_WORDS}, **BROWSER)
    assert search_cases({"q": ROAD_IN_OTHER_WORDS}).by_meaning
    assert list(SearchLog.objects.values_list("results", flat=True)) == [0]


def test_a_search_offering_possibly_related_cases_is_logged_as_finding_none(client, road_case, settings, monkeypatch):
    settings.SEARCH_LOG_BATCH = 1
    monkeypatch.setattr(meanings, "CLOSE_ENOUGH", 0.99)
    assert "也许有关的案例" in client.get("/search/", {"q": ROAD_IN_OTHER_WORDS}, **BROWSER).content.decode()
    assert list(SearchLog.objects.values_list("results", flat=True)) == [0]


def test_the_alias_form_says_a_search_answered_by_meaning_still_finds_nothing_by_its_words(client, reviewer, road_case):
    page = client.get("/admin/reports/searches/alias/", {"query": ROAD_IN_OTHER_WORDS}).content.decode()
    assert "现在按词语仍找不到案例（按意思找到 1 个）" in page


def test_once_its_sentences_are_learnt_the_other_processes_are_told(django_capture_on_commit_callbacks):
    last = changes.latest()
    with django_capture_on_commit_callbacks(execute=True):
        case = publish_case("意思测试案例", ROAD)
    # The publish's entry, then the one written with the sentences, after it was committed.
    assert [(kind, ids) for _, kind, ids in changes.since(last)] == [("cases", [case.pk]), ("site", [])]


def test_a_rebuild_tells_the_other_processes_once_all_is_rebuilt(road_case, monkeypatch):
    journal = []
    rebuild = meanings.rebuild

    def watched():
        journal.append(changes.latest())
        counted = rebuild()
        journal.append(changes.latest())
        return counted

    monkeypatch.setattr(meanings, "rebuild", watched)
    last = changes.latest()
    call_command("search_index", "--rebuild", stdout=io.StringIO())
    assert journal == [last, last]  # nothing journalled before the sentences were read, nor by them
    assert [kind for _, kind, _ in changes.since(last)] == ["site"]


def test_a_catch_up_learns_the_cases_whose_learning_failed(monkeypatch, django_capture_on_commit_callbacks):
    assert meanings.catch_up() == (0, 0)  # every seed case read from its live revision
    learn = meanings.learn
    monkeypatch.setattr(meanings, "learn", lambda case_ids: 1 / 0)
    with django_capture_on_commit_callbacks(execute=True):
        case = publish_case("意思测试案例", ROAD)  # published all the same (the failure is logged)
    assert not CaseSentence.objects.filter(case=case).exists()
    monkeypatch.setattr(meanings, "learn", learn)
    out = io.StringIO()
    call_command("search_index", "--catch-up", stdout=out)
    assert "已重新读出 1 个案例句子的语义" in out.getvalue()
    assert set(CaseSentence.objects.filter(case=case).values_list("revision", flat=True)) == {case.live_revision_id}
    assert search_cases({"q": ROAD_IN_OTHER_WORDS}).hits[0].case == case
    monkeypatch.setattr(meanings, "learn", lambda case_ids: 1 / 0)
    with django_capture_on_commit_callbacks(execute=True):
        case.unpublish()
    monkeypatch.setattr(meanings, "learn", learn)
    assert meanings.catch_up() == (1, 0)
    assert not CaseSentence.objects.filter(case=case).exists()
    assert meanings.catch_up() == (0, 0)


def test_a_case_live_without_a_revision_is_read_once():
    wuchang = CasePage.objects.get(slug="wuchang-1-3")
    CasePage.objects.filter(pk=wuchang.pk).update(live_revision=None)  # as pages written in bulk are
    assert meanings.catch_up() == (0, 0)
    CaseSentence.objects.filter(case=wuchang).delete()
    assert meanings.catch_up() == (1, 0)
    assert CaseSentence.objects.filter(case=wuchang, revision=None).exists()
    assert meanings.catch_up() == (0, 0)


def test_a_case_the_model_cannot_read_leaves_the_catch_up_of_the_index_to_run(monkeypatch):
    CaseSentence.objects.filter(case__slug="wuchang-1-3").update(revision=None)  # as if its learning failed
    monkeypatch.setattr(meanings, "learn", lambda case_ids: 1 / 0)
    index_caught_up = []
    monkeypatch.setattr(DatabaseEngine, "catch_up", lambda self: index_caught_up.append(True) or 0)
    with pytest.raises(CommandError, match="1 个案例的句子语义仍未能读出"):
        call_command("search_index", "--catch-up", stdout=io.StringIO())
    assert index_caught_up == [True]


def test_a_case_too_short_to_say_a_sentence_is_read_again_without_a_journal_entry(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        publish_case("短", "好。")  # title, summary and body all under six characters
    last = changes.latest()
    assert meanings.catch_up() == (1, 0)
    assert meanings.catch_up() == (1, 0)
    assert changes.since(last) == []


def test_once_told_a_process_reads_the_vectors_of_new_sentences_only(
    road_case, monkeypatch, django_capture_on_commit_callbacks
):
    held = meanings.all_vectors(meaning.model())
    with django_capture_on_commit_callbacks(execute=True):
        publish_case("意思测试案例二", "村里组织党员义务修路，把坑洼的土路铺成了水泥路。")
    read = _spying(monkeypatch, "_vectors_of")
    read_all = _spying(monkeypatch, "_read_all")
    again = meanings.all_vectors(meaning.model())
    new = set(again.ids.tolist()) - set(held.ids.tolist())
    assert new and [set(ids) for _, ids in read] == [new] and read_all == []
    meanings.forget(keep=False)
    everything = meanings.all_vectors(meaning.model())
    for field in ("ids", "digests", "vectors", "cases"):
        assert np.array_equal(getattr(again, field), getattr(everything, field)), field


def test_a_process_reads_all_again_when_most_sentences_are_new_or_some_went_meanwhile(road_case, monkeypatch):
    model = meaning.model()
    held = meanings.all_vectors(model)
    read_all = _spying(monkeypatch, "_read_all")
    # Most of those held named other sentences (a rebuild under another model, say).
    forged = meanings.Sentences(held.ids, np.array([b"0" * 40] * len(held.ids)), held.vectors, held.cases)
    assert meanings._read_again(model, forged) is not False and len(read_all) == 1
    # A new sentence deleted between the read of the ids and the read of its vector.
    fewer = meanings.Sentences(held.ids[:-1], held.digests[:-1], held.vectors[:-1], held.cases[:-1])
    monkeypatch.setattr(meanings, "_vectors_of", lambda model, ids: {})
    again = meanings._read_again(model, fewer)
    assert len(read_all) == 2 and np.array_equal(again.ids, held.ids)


def _spying(monkeypatch, name):
    calls = []
    original = getattr(meanings, name)

    def spied(*args):
        calls.append(args)
        return original(*args)

    monkeypatch.setattr(meanings, name, spied)
    return calls


def test_an_id_now_naming_another_sentence_is_read_again(road_case):
    model = meaning.model()
    held = meanings.all_vectors(model)
    # As a rolled-back write can leave it: the same id, another sentence.
    last = int(held.ids[-1])
    SentenceMeaning.objects.filter(pk=last).delete()
    other = "集体经济收入连续三年翻番。"
    SentenceMeaning.objects.create(
        pk=last, digest=model.digest(other), model=model.identity, vector=model.vectors([other])[0].tobytes()
    )
    meanings.forget()
    again = meanings.all_vectors(model)
    assert again.ids[-1] == last and np.allclose(again.vectors[-1], model.vectors([other])[0])


def test_what_another_process_learnt_is_read_once_the_journal_says_so(road_case):
    meanings.all_vectors(meaning.model())  # this process has read the sentences
    known_words.up_to_date()  # and noted where the journal stands
    # Another process learns a sentence of the case, and journals it.
    said = "村里组织党员义务修路，把坑洼的土路铺成了水泥路。"
    vector = meaning.model().vectors([said])[0]
    learnt = SentenceMeaning.objects.create(
        digest=meaning.model().digest(said), model=meaning.model().identity, vector=vector.tobytes(), cases=1
    )
    CaseSentence.objects.create(case=road_case, position=99, text=said, meaning=learnt)
    changes.record(changes.ContentChange.SITE)
    known_words.up_to_date()  # this process's next request
    found = meanings.closest("党员带头把烂泥路修成了水泥路", CasePage.objects.published())
    assert [(close.case, close.sentence) for close in found][:1] == [(road_case, said)]


def test_reading_only_the_closest_sentences_finds_what_reading_all_finds(
    road_case, monkeypatch, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        other = publish_case("意思测试案例三", "村里的路一到雨天就泥泞难行，老人孩子出门都不方便。")
    published = CasePage.objects.published()
    every = meanings.closest(ROAD_IN_OTHER_WORDS, published)
    assert {road_case, other} <= {close.case for close in every}
    asked = []
    original = meanings._cases_saying
    monkeypatch.setattr(
        meanings, "_cases_saying", lambda order, *rest: asked.append(len(order)) or original(order, *rest)
    )
    # As if each sentence were said by enough cases: the closest alone are read, find too few,
    # and all are read after all.
    monkeypatch.setattr(meanings, "ROWS_ENOUGH", 1)
    assert meanings.closest(ROAD_IN_OTHER_WORDS, published) == every
    assert len(asked) == 2 and asked[0] < asked[1]
    # Where the closest alone find enough cases, they are all that is read.
    asked.clear()
    monkeypatch.setattr(meanings, "MAX_CASES", 1)
    assert meanings.closest(ROAD_IN_OTHER_WORDS, published) == every[:1]
    assert asked == [1]


def test_filters_that_leave_out_the_closest_sentences_cases_read_further_ones(
    road_case, monkeypatch, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        other = publish_case("意思测试案例三", "村里的路一到雨天就泥泞难行，老人孩子出门都不方便。")
    found = [close.case for close in meanings.closest(ROAD_IN_OTHER_WORDS, CasePage.objects.published())]
    assert {road_case, other} <= set(found)
    # As if only the closest sentence were read at first: the case the filter lets through says
    # one further off.
    further = max(road_case, other, key=found.index)
    monkeypatch.setattr(meanings, "SENTENCES_READ", 1)
    asked = []
    original = meanings._cases_saying
    monkeypatch.setattr(
        meanings, "_cases_saying", lambda order, *rest: asked.append(len(order)) or original(order, *rest)
    )
    only_further = CasePage.objects.published().filter(pk=further.pk)
    assert [close.case for close in meanings.closest(ROAD_IN_OTHER_WORDS, only_further)] == [further]
    assert asked[0] == 1 and asked == sorted(asked) and len(asked) > 1


def test_the_open_data_api_answers_by_meaning_too(client, road_case):
    data = client.get("/api/v2/pages/", {"search": ROAD_IN_OTHER_WORDS}).json()
    assert data["items"][0]["meta"]["slug"] == road_case.slug
    assert data["meta"]["total_count"] == len(data["items"]) and BY_MEANING_NOTE in data["meta"]["messages"]
    beyond = client.get("/api/v2/pages/", {"search": ROAD_IN_OTHER_WORDS, "offset": 10}).json()
    assert beyond["items"] == [] and beyond["meta"]["total_count"] == data["meta"]["total_count"]
    nothing = client.get("/api/v2/pages/", {"search": NOTHING_LIKE_IT}).json()
    assert nothing["items"] == [] and BY_MEANING_NOTE not in nothing["meta"]["messages"]


def test_a_sentence_taken_out_of_a_case_is_no_longer_quoted(road_case, django_capture_on_commit_callbacks):
    road_case.body = [
        {"type": "section", "value": {"kind": "其他", "heading": "正文", "text": "<p>村里建起了图书室。</p>"}}
    ]
    with django_capture_on_commit_callbacks(execute=True):
        road_case.save_revision().publish()
    assert not SentenceMeaning.objects.filter(digest=meaning.model().digest(ROAD)).exists()
    assert road_case not in [close.case for close in meanings.closest(ROAD_IN_OTHER_WORDS, CasePage.objects.all())]


def test_a_deleted_case_takes_the_sentences_only_it_said_along(road_case, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        twin = publish_case("意思测试案例二", ROAD)
    assert SentenceMeaning.objects.get(digest=meaning.model().digest(ROAD)).cases == 2
    with django_capture_on_commit_callbacks(execute=True):
        twin.delete()
    assert SentenceMeaning.objects.get(digest=meaning.model().digest(ROAD)).cases == 1
    with django_capture_on_commit_callbacks(execute=True):
        road_case.delete()
    assert not SentenceMeaning.objects.filter(digest=meaning.model().digest(ROAD)).exists()


def test_a_model_that_cannot_be_read_leaves_search_by_words(tmp_path, road_case):
    (tmp_path / "model.onnx").write_bytes(b"not a model")
    (tmp_path / "tokenizer.json").write_text("{}")
    meaning.use(tmp_path)
    try:
        assert meaning.model() is None
        results = search_cases({"q": ROAD_IN_OTHER_WORDS})
        assert results.total == 0 and not results.by_meaning
    finally:
        meaning.use(settings.SEARCH_MEANING_MODEL)


def test_traditional_characters_mean_what_simplified_ones_do(road_case, monkeypatch):
    asked = []
    model = meaning.model()
    query_vector = model.query_vector
    monkeypatch.setattr(model, "query_vector", lambda text: asked.append(text) or query_vector(text))
    results = search_cases({"q": "路爛得沒法走，下雨天老鄉出門難"})
    assert results.by_meaning and results.hits[0].case == road_case
    assert asked == [ROAD_IN_OTHER_WORDS]  # the model reads it in Simplified characters
