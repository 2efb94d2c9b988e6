"""Against a real Elasticsearch 8, whenever ELASTICSEARCH_URL is set; skipped otherwise.

Run only this file, with a throw-away index prefix (the README shows a local cluster):
ELASTICSEARCH_URL=http://localhost:9200 ELASTICSEARCH_INDEX_PREFIX=test_portal_ \
    .venv/bin/pytest tests/search/test_elasticsearch_integration.py
"""

import io
import os

import pytest
from django.conf import settings
from django.core.management import call_command

from cases.models import CasePage
from search.engines.database.engine import facet_counts
from tests.search.search_client import search_json, slugs
from tests.search.test_relevance import JUDGEMENTS, reciprocal_rank

pytestmark = [
    pytest.mark.skipif(
        not os.environ.get("ELASTICSEARCH_URL"),
        reason="ELASTICSEARCH_URL is not set: these tests need a running Elasticsearch 8 (see README)",
    ),
    pytest.mark.django_db,
]


@pytest.fixture(scope="module", autouse=True)
def built_indexes(django_db_setup, django_db_blocker):
    """Wagtail's page index and the case index, built from the seed cases; every index under
    the (test) prefix is dropped afterwards."""
    prefix = settings.ELASTICSEARCH_INDEX_PREFIX
    if not prefix.startswith("test"):
        pytest.skip("set ELASTICSEARCH_INDEX_PREFIX=test_portal_ so that the tests cannot touch a real index")
    from search.engines.elasticsearch import connection, indexing

    with django_db_blocker.unblock():
        call_command("update_index", stdout=io.StringIO())
        indexing.rebuild()
    yield
    es = connection.client()
    for name in es.indices.get(index=f"{prefix}*"):  # by name: wildcard deletes are refused by default
        es.indices.delete(index=name)


@pytest.fixture
def es():
    from search.engines.elasticsearch import connection

    return connection.client()


def tokens(es, analyzer, text):
    from search.engines.elasticsearch import connection

    found = es.indices.analyze(index=connection.case_alias(), analyzer=analyzer, text=text)
    return [token["token"] for token in found["tokens"]]


def test_analysers_see_the_pipelines_words_and_bigrams_of_text_as_written(es):
    assert tokens(es, "case_words", "城乡 联建 ＡＢ") == ["城乡", "联建", "ab"]
    if not settings.ELASTICSEARCH_CHINESE_ANALYZER:
        assert tokens(es, "case_text", "城乡联建") == ["城乡", "乡联", "联建"]
    assert "着力" in "".join(tokens(es, "case_text", "著力"))


def test_relevance_on_the_seed_cases_as_with_the_database(client):
    rankings = [(slugs(client, q=item["query"]), item["relevant"]) for item in JUDGEMENTS]
    mrr = sum(reciprocal_rank(ranking, relevant) for ranking, relevant in rankings) / len(rankings)
    assert mrr >= 0.9


def test_facets_count_what_search_facets_counts(client, monkeypatch):
    monkeypatch.setattr("search.case_search.PAGE_SIZE", 100)
    for params in ({"q": "党建"}, {"q": "合作社", "region": "黑龙江省"}, {}):
        data = search_json(client, **params)
        matched = CasePage.objects.filter(slug__in=[result["slug"] for result in data["results"]])
        assert data["facets"] == facet_counts(matched.values_list("pk", flat=True))


def test_year_facet_agrees_with_the_year_filter(client):
    for item in search_json(client)["facets"]["year"]:
        assert search_json(client, year=item["value"])["total"] == item["count"]


def test_highlights_mark_whole_words_in_the_original_text(client):
    (result,) = search_json(client, q="关怀理事会")["results"]
    assert result["slug"] == "xingshan-lianghui-liangping" and "<mark>关怀理事会</mark>" in result["snippet"]


def test_quoted_phrases_and_traditional_script(client):
    for slug in slugs(client, q='"党员创业"'):
        case = CasePage.objects.get(slug=slug)
        assert "党员创业" in case.search_headline() + case.body_text()
    assert slugs(client, q="黨建 城鄉") == slugs(client, q="党建 城乡")
    assert slugs(client, q="城乡联建") == ["zhucheng-chengxiang-lianjian"]


def test_publish_and_unpublish_reach_the_index(client, es, django_capture_on_commit_callbacks):
    from search.engines.elasticsearch import connection
    from tests.search.test_search_page import publish_case

    with django_capture_on_commit_callbacks(execute=True):
        case = publish_case("集成测试案例", "这里记载了红色物业的做法。")
    es.indices.refresh(index=connection.case_alias())
    assert case.slug in slugs(client, q="红色物业")
    with django_capture_on_commit_callbacks(execute=True):
        case.unpublish()
        CasePage.objects.get(pk=case.pk).delete()  # the database rolls back; the index must not keep it
    es.indices.refresh(index=connection.case_alias())
    assert case.slug not in slugs(client, q="红色物业")


def test_a_rebuild_moves_the_alias_to_one_new_index(es):
    from search.engines.elasticsearch import connection, indexing

    before = set(es.indices.get_alias(name=connection.case_alias()))
    name = indexing.rebuild()
    assert set(es.indices.get_alias(name=connection.case_alias())) == {name} and name not in before
    assert not any(es.indices.exists(index=old) for old in before)
    assert es.count(index=connection.case_alias())["count"] == CasePage.objects.live().count()


def test_wagtails_page_search_uses_the_segmented_words():
    from wagtail.search.backends import get_search_backend

    found = get_search_backend().search("两会两评", CasePage.objects.live())
    assert [case.slug for case in found][:1] == ["xingshan-lianghui-liangping"]


def test_the_apis_search_ranks_through_elasticsearch_too(client):
    data = client.get("/api/v2/pages/", {"search": "两会两评"}).json()
    assert [item["meta"]["slug"] for item in data["items"]][:1] == ["xingshan-lianghui-liangping"]
