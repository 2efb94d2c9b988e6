"""Against a live search cluster: OpenSearch 2.19 or 3.3 (the node `make test-engine` starts
from Maven Central artifacts, ENGINE_LINE choosing) or Elasticsearch 8, whichever
SEARCH_ENGINE_URL / SEARCH_ENGINE_KIND name.

Not part of `make test` (marker `engine`); run them with the node started for you:
    make test-engine
or against a cluster of your own, with a throw-away index prefix:
    SEARCH_ENGINE_URL=http://localhost:9200 SEARCH_ENGINE_KIND=elasticsearch \\
    SEARCH_ENGINE_INDEX_PREFIX=test_portal_ .venv/bin/pytest -m engine tests/search/test_engine_live.py
"""

import io
import json
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core import checks
from django.core.management import call_command
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from wagtail.contrib.search_promotions.models import Query, SearchPromotion

from cases import changes
from cases.filters import CaseFilter
from cases.models import CasePage, RelatedCase
from cases.taxonomy import Theme
from search.checks import TAG as SEARCH_CHECKS
from search.engines.database.engine import facet_counts
from search.engines.elasticsearch import connection, indexing
from search.engines.interface import UNAVAILABLE, SearchRequest, SimilarRequest, database_engine, engine
from search.query import parse_query
from search.statistics import figures
from tests.search.engine_proxy import EngineProxy
from tests.search.search_client import search_json, slugs
from tests.search.test_meanings import ROAD, ROAD_IN_OTHER_WORDS
from tests.search.test_relevance import JUDGEMENTS, MRR_FLOOR, reciprocal_rank
from tests.search.test_search_page import publish_case
from tests.search.test_situations import HELD_OUT_SETS, JUDGED

pytestmark = [pytest.mark.engine, pytest.mark.django_db]


@pytest.fixture(scope="module", autouse=True)
def built_indexes(django_db_setup, django_db_blocker):
    """Wagtail's page index and the case index, built from the seed cases; every index under
    the (test) prefix is dropped afterwards."""
    if not settings.SEARCH_ENGINE_URL:
        pytest.fail("SEARCH_ENGINE_URL is not set: run `make test-engine`, which starts a node")
    prefix = settings.SEARCH_ENGINE_INDEX_PREFIX
    if not prefix.startswith("test"):
        pytest.fail("set SEARCH_ENGINE_INDEX_PREFIX=test_portal_ so that the tests cannot touch a real index")
    with django_db_blocker.unblock():
        call_command("update_index", stdout=io.StringIO())
        indexing.rebuild()
        database_engine().rebuild()  # for the side-by-side tests: the configured engine is the cluster
    yield
    es = connection.client()
    for name in es.indices.get(index=f"{prefix}*"):  # by name: wildcard deletes are refused by default
        es.indices.delete(index=name)


@pytest.fixture
def es():
    return connection.client()


_written = {"index": False}


@pytest.fixture
def writes_to_index():
    """For tests that write. The database rolls back after each test, the cluster does not
    (and the journal's ids go back with the database): the next test starts from an index
    rebuilt from the rolled-back database (clean_index)."""
    _written["index"] = True


@pytest.fixture(autouse=True)
def clean_index(db):
    if _written["index"]:
        indexing.rebuild()
        _written["index"] = False


def refresh(es):
    es.indices.refresh(index=connection.case_alias())


def tokens(es, analyzer, text):
    found = es.indices.analyze(index=connection.case_alias(), body={"analyzer": analyzer, "text": text})
    return [token["token"] for token in found["tokens"]]


def both(**request):
    """(database engine's page, the cluster's page) for the same request."""
    request = SearchRequest(**{"limit": 100, **request})
    return database_engine().search(request), engine().search(request)


def names(ids):
    by_pk = dict(CasePage.objects.filter(pk__in=ids).values_list("pk", "slug"))
    return [by_pk[pk] for pk in ids]


def test_the_cluster_is_the_one_configured(es):
    info = es.info()
    distribution = info["version"].get("distribution", "elasticsearch")
    assert distribution == settings.SEARCH_ENGINE_KIND
    print(f"\n{distribution} {info['version']['number']} at {settings.SEARCH_ENGINE_URL}")


def test_check_deploy_finds_the_built_index_current():
    assert checks.run_checks(tags=[SEARCH_CHECKS], include_deployment_checks=True) == []


def test_analysers_see_the_pipelines_words_and_bigrams_of_text_as_written(es):
    assert tokens(es, "case_words", "城乡 联建 ＡＢ") == ["城乡", "联建", "ab"]
    if not settings.SEARCH_ENGINE_CHINESE_ANALYZER:
        assert tokens(es, "case_text", "城乡联建") == ["城乡", "乡联", "联建"]
    assert "着力" in "".join(tokens(es, "case_text", "著力"))


def test_the_relevance_set_gives_the_same_answers_as_the_database_engine():
    rows, differ = [], []
    for item in JUDGEMENTS:
        database, cluster = both(query=parse_query(item["query"]))
        rows.append((item["query"], names(database.ids), names(cluster.ids), item["relevant"]))
    print("\nquery | database engine | search cluster")
    for query, database, cluster, _ in rows:
        print(f"{query} | {' '.join(database[:3]) or '-'} | {' '.join(cluster[:3]) or '-'}")
        if database[:1] != cluster[:1] or set(database) != set(cluster):
            differ.append(query)
    for column in (1, 2):
        mrr = sum(reciprocal_rank(row[column], row[3]) for row in rows) / len(rows)
        assert mrr >= MRR_FLOOR, (column, mrr)
    # The same cases match, and the same case comes first, for every query of the set.
    assert differ == []


def test_situation_queries_match_what_the_database_engine_matches():
    """Questions, sentences, pinyin and typos (tests/search/situations.yaml and the held-out
    sets): understood once in Python, then the same cases match on both engines, best match
    included, with the same notes and the same words no case uses; the judged sets' hit@3 is
    printed for each."""
    rows, differ = [], []
    extra = [{"query": "农民增收没门路", "relevant": []}, {"query": "合作社 火箭", "relevant": []}]
    sets = [(JUDGED, "situations"), *((held_out.judged, held_out.label) for held_out in HELD_OUT_SETS)]
    for item in [*(item for judged, _ in sets for item in judged), *extra]:
        database, cluster = both(query=parse_query(item["query"]))
        rows.append((item, names(database.ids), names(cluster.ids)))
        if (set(database.ids), database.notes, database.unseen) != (set(cluster.ids), cluster.notes, cluster.unseen):
            differ.append((item["query"], names(database.ids), names(cluster.ids), database.notes, cluster.notes))
    for judged, name in sets:
        answered = [row for row in rows if row[0]["relevant"] and row[0] in judged]
        for column, label in ((1, "database engine"), (2, "search cluster")):
            hits = sum(bool(set(row[column][:3]) & set(row[0]["relevant"])) for row in answered)
            print(f"\n{name}, {label}: hit@3 {hits / len(answered):.2f}")
    assert differ == []


def test_newest_first_lists_what_the_database_engine_lists():
    """Cases reported without a year by the year they started, undated ones last, on both."""
    database, cluster = both(sort="newest")
    assert (
        names(cluster.ids) == names(database.ids) == list(CasePage.objects.published().values_list("slug", flat=True))
    )


def test_facets_count_what_the_database_engine_counts(client, monkeypatch):
    monkeypatch.setattr("search.case_search.PAGE_SIZE", 100)
    for params in ({"q": "党建"}, {"q": "合作社"}, {}):
        data = search_json(client, **params)
        matched = CasePage.objects.filter(slug__in=[result["slug"] for result in data["results"]])
        assert data["facets"] == facet_counts(matched.values_list("pk", flat=True))


def test_a_promoted_answer_comes_first_on_the_cluster_too(client):
    case = CasePage.objects.get(slug="sunan-nongcun-shequ")
    SearchPromotion.objects.create(query=Query.get("两会两评"), page=case)
    page = client.get("/search/", {"q": "两会两评"}).content.decode()
    assert page.index('class="promoted"') < page.index('class="hit"') and case.title in page


def test_statistics_count_what_the_database_engine_counts():
    found = figures()  # counted by the configured engine: the cluster
    database = database_engine().search(SearchRequest(limit=0, facet_limit=None))
    assert found.total == database.total
    for attribute, facet in (("by_province", "region"), ("by_theme", "theme"), ("by_problem", "problem")):
        counted = [(row.slug, row.count) for row in getattr(found, attribute)]
        assert counted == [(str(value["value"]), value["count"]) for value in database.facets[facet]]


def test_combined_filters_select_and_count_what_the_database_engine_does():
    """Several values of a filter (any of), two filters (all of), each facet leaving out its own."""
    everything, _ = both(facet_limit=None)
    problems = [value["value"] for value in everything.facets["problem"]][:3]
    themes = [value["value"] for value in everything.facets["theme"]][:2]
    assert len(problems) == 3 and len(themes) == 2
    checked = 0
    for params in (
        {"problem": problems},
        {"problem": problems[:2], "theme": themes},
        {"theme": themes[1:], "region": ["黑龙江省", "湖北省"]},
    ):
        # the last: two model names no one case holds both of, a search that falls back to best matches
        names = " ".join(CasePage.objects.published().exclude(model_name="").values_list("model_name", flat=True)[:2])
        for query in (parse_query(""), parse_query("党建"), parse_query("合作社"), parse_query(names)):
            database, cluster = both(query=query, case_filter=CaseFilter.from_params(params), facet_limit=None)
            assert (cluster.total, sorted(cluster.ids)) == (database.total, sorted(database.ids)), (params, query.text)
            assert cluster.facets == database.facets, (params, query.text)
            checked += 1
    assert checked == 12


def test_every_filter_value_selects_what_the_database_engine_selects():
    everything, _ = both(facet_limit=None)
    checked = 0
    for name, values in everything.facets.items():
        for value in values:
            case_filter = CaseFilter.from_params({name: value["value"]})
            for query in (parse_query(""), parse_query("党建")):
                database, cluster = both(query=query, case_filter=case_filter)
                assert (cluster.total, sorted(cluster.ids)) == (database.total, sorted(database.ids)), (name, value)
                checked += 1
    assert checked > 20


def test_year_facet_agrees_with_the_year_filter(client):
    for item in search_json(client)["facets"]["year"]:
        assert search_json(client, year=item["value"])["total"] == item["count"]


def test_rank_tiers_put_a_title_match_above_text_matches(writes_to_index, es, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        in_title = publish_case("网格议事测试案例", "正文没有这个词。")
        in_body = publish_case("另一个测试案例", "这里多次写到网格议事：网格议事、网格议事、网格议事。")
    database_engine().index([in_title.pk, in_body.pk])  # the configured engine is the cluster
    refresh(es)
    database, cluster = both(query=parse_query("网格议事"))
    assert cluster.ids[:2] == database.ids[:2] == [in_title.pk, in_body.pk]


def test_highlights_mark_whole_words_in_the_original_text(client):
    (result,) = search_json(client, q="关怀理事会")["results"]
    assert result["slug"] == "xingshan-lianghui-liangping" and "<mark>关怀理事会</mark>" in result["snippet"]


def test_quoted_phrases_and_traditional_script(client):
    for slug in slugs(client, q='"党员创业"'):
        case = CasePage.objects.get(slug=slug)
        assert "党员创业" in case.search_headline() + case.body_text()
    assert slugs(client, q="黨建 城鄉") == slugs(client, q="党建 城乡")
    # 城乡联建 is written apart in its case (城乡基层党组织联建), and is an alias of the theme
    # 城乡统筹与结对共建: the case naming it comes first, then the theme's other cases.
    found = slugs(client, q="城乡联建")
    assert found[0] == "zhucheng-chengxiang-lianjian"
    assert set(found) == set(CasePage.objects.filter(themes__name="城乡统筹与结对共建").values_list("slug", flat=True))


def test_a_quoted_phrase_reads_a_plus_said_as_jia_in_the_text_too(
    writes_to_index, client, es, django_capture_on_commit_callbacks
):
    """The query folds 1加3 to 1+3; the phrase fields fold the text the same way (spoken_plus)."""
    with django_capture_on_commit_callbacks(execute=True):
        case = publish_case("加号测试案例", "这个村推行2加5联建模式。")
    refresh(es)
    for quoted in ('"2加5联建"', '"2+5联建"'):
        assert slugs(client, q=quoted) == [case.slug], quoted


def test_names_in_numbers_are_matched_as_written_on_the_cluster_too(
    writes_to_index, client, es, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        named = publish_case("数字名称测试案例甲", "“十三五”期间，每年三一五，全村推行两推一选。")
        apart = publish_case(
            "数字名称测试案例乙", "全村十三个小组，五个合作社，三人一组，一五成群，两个推选，一人一选。"
        )
    refresh(es)
    for typed in ("十三五期间", "三一五活动", "两推一选是什么"):
        found = slugs(client, q=typed)
        assert named.slug in found and apart.slug not in found, typed


def test_similar_cases_are_the_database_engines(client):
    RelatedCase.objects.all().delete()  # the shared-terms ranking, not the editors' picks
    for case in CasePage.objects.live():
        request = SimilarRequest(
            case_id=case.pk,
            themes=tuple(case.themes.all()),
            problems=tuple(case.problems.all()),
            tags=tuple(case.tags.all()),
        )
        assert engine().similar(request) == database_engine().similar(request), case.slug


def test_publish_edit_unpublish_and_delete_reach_the_index(
    writes_to_index, client, es, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = publish_case("集成测试案例", "这里记载了红色物业的做法。")
    refresh(es)
    assert case.slug in slugs(client, q="红色物业")
    with django_capture_on_commit_callbacks(execute=True):
        case.title = "社区网格化集成测试"
        case.save_revision().publish()
    refresh(es)
    assert slugs(client, q="社区网格化集成测试")[:1] == [case.slug]
    with django_capture_on_commit_callbacks(execute=True):
        case.unpublish()
    refresh(es)
    assert case.slug not in slugs(client, q="红色物业")
    with django_capture_on_commit_callbacks(execute=True):
        case.save_revision().publish()
    with django_capture_on_commit_callbacks(execute=True):
        CasePage.objects.get(pk=case.pk).delete()
    refresh(es)
    assert case.slug not in slugs(client, q="红色物业")
    assert indexing.status()[4]  # each catch-up recorded its place and kept the index's shape


def test_a_renamed_theme_reaches_its_cases(writes_to_index, client, es, django_capture_on_commit_callbacks):
    theme = Theme.objects.filter(cases__live=True).first()
    with django_capture_on_commit_callbacks(execute=True):
        theme.name = "测试改名主题"
        theme.save()
    refresh(es)
    expected = sorted(theme.cases.filter(live=True).values_list("slug", flat=True))
    assert sorted(slugs(client, q="测试改名主题")) == expected


def test_a_rebuild_moves_the_alias_and_readers_never_see_a_half_built_index(es):
    before = set(es.indices.get_alias(name=connection.case_alias()))
    everything = sorted(engine().search(SearchRequest(limit=100)).ids)
    seen_midway = []

    def search_midway(done, total):
        seen_midway.append(sorted(engine().search(SearchRequest(limit=100)).ids))

    name = indexing.rebuild(progress=search_midway)
    assert seen_midway and all(ids == everything for ids in seen_midway)
    assert set(es.indices.get_alias(name=connection.case_alias())) == {name} and name not in before
    assert not any(es.indices.exists(index=old) for old in before)
    assert es.count(index=connection.case_alias())["count"] == CasePage.objects.live().count()
    assert indexing.position() == changes.latest()
    assert indexing.status()[4]  # the rebuilt index keeps its shape through the catch-ups


HOSTILE = [
    '"',
    '"""',
    "\\",
    "*",
    "?",
    "a OR b AND NOT c",
    "title:党建",
    "(((",
    "[1 TO 9]",
    "{}",
    "/regex/",
    "~2",
    "^5",
    "!",
    "&&||",
    "'; DROP TABLE cases; --",
    '{"query": {"match_all": {}}}',
    "<script>alert(1)</script>",
    "\u0000\u0001\u0002",
    "\ue000标记\ue001",  # the private-use highlight marks
    "😀🇨🇳",
    "党" * 300,
    " ".join(["党建"] * 100),
]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_are_answered_not_failed(client, query):
    data = search_json(client, q=query)
    assert UNAVAILABLE not in data["errors"]
    assert client.get("/api/v2/pages/", {"search": query}).status_code in (200, 400)


@given(st.text(max_size=60))
@hypothesis_settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_text_gets_an_answer_from_the_cluster(client, text):
    response = client.get("/search/", {"q": text, "format": "json"})
    assert response.status_code == 200
    assert UNAVAILABLE not in json.loads(response.content)["errors"]


@pytest.fixture
def proxy(settings):
    """The engine reached through a relay the test can cut."""
    target = urlsplit(settings.SEARCH_ENGINE_URL)
    relay = EngineProxy(target.hostname, target.port)
    settings.SEARCH_ENGINE_URL = relay.url
    yield relay
    relay.close()


def test_the_engine_going_away_mid_run(proxy, writes_to_index, client, es, django_capture_on_commit_callbacks):
    assert slugs(client, q="两会两评") == ["xingshan-lianghui-liangping"]
    proxy.cut()
    # Searching says so in Chinese and offers browsing; browsing and case pages still work.
    data = search_json(client, q="两会两评")
    assert data["errors"] == [UNAVAILABLE] and data["results"] == []
    assert search_json(client, region="湖北省")["results"][0]["slug"] == "xingshan-lianghui-liangping"
    response = client.get("/search/", {"q": "两会两评"})
    assert response.status_code == 200 and UNAVAILABLE in response.content.decode()
    # Publishing still works; the index misses the change ...
    with django_capture_on_commit_callbacks(execute=True):
        case = publish_case("断线期间发布的案例", "这里记载了断线期间的做法。")
    assert client.get(case.url).status_code == 200
    proxy.restore()
    # ... and catches up from the journal with the first search the engine answers again.
    search_json(client, q="党建")
    refresh(es)
    assert slugs(client, q="断线期间")[:1] == [case.slug]


def test_wagtails_page_search_uses_the_segmented_words():
    from wagtail.search.backends import get_search_backend

    found = get_search_backend().search("两会两评", CasePage.objects.live())
    assert [case.slug for case in found][:1] == ["xingshan-lianghui-liangping"]


def test_the_apis_search_ranks_through_the_cluster_too(client):
    data = client.get("/api/v2/pages/", {"search": "两会两评"}).json()
    assert [item["meta"]["slug"] for item in data["items"]][:1] == ["xingshan-lianghui-liangping"]


def test_when_no_case_on_the_cluster_holds_the_words_the_cases_meaning_them_are_listed(
    writes_to_index, client, es, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        road = publish_case("意思测试案例", ROAD)
    refresh(es)
    as_typed = parse_query(ROAD_IN_OTHER_WORDS, as_typed=True)
    assert engine().search(SearchRequest(query=as_typed, limit=10)).total == 0  # no case holds its words
    data = search_json(client, q=ROAD_IN_OTHER_WORDS)
    assert data["results"][0]["slug"] == road.slug and ROAD in data["results"][0]["snippet"]
