"""Elasticsearch behind the surfaces other than the search page: the case library and its ways
to browse, the home page, the open-data API's ?search=, a case's similar cases and the compare
page's newest cases. The fake node of test_elasticsearch records each request as sent; its
answers (case ids, totals, named queries) must come back on the page as it gave them.
"""

from urllib.parse import urlsplit

import pytest
from elastic_transport import ConnectionError

from cases.models import CaseIndexPage, CasePage, RelatedCase
from search.engines.interface import UNAVAILABLE
from search.listing import BrowseTerm, browse_vocabularies
from tests.conftest import SEED_SLUGS
from tests.search import test_elasticsearch
from tests.search.test_elasticsearch import (
    AGGS,
    HEADLINE,
    NEWEST,
    TEXT,
    TITLE,
    aggs_with,
    combined,
    scored,
    search_reply,
)

pytestmark = pytest.mark.django_db

# Elasticsearch configured, answered by test_elasticsearch's FakeCluster (the fixture, by its name).
cluster = test_elasticsearch.cluster

RECENTLY_PUBLISHED = [{"first_published_at": {"order": "desc", "missing": "_last"}}, {"pk": {"order": "asc"}}]
DOWN = ConnectionError("Connection refused")


def seed(*slugs):
    return [CasePage.objects.get(slug=slug) for slug in slugs]


def answer_by_body(cluster, reply_to):
    """Answer each /_search with reply_to(its body) instead of cluster.search_reply."""
    answer = cluster.answer

    def answer_each(method, target, body):
        status, reply = answer(method, target, body)
        if status == 200 and urlsplit(target).path.endswith("/_search"):
            reply = reply_to(cluster.requests[-1]["body"])
        return status, reply

    cluster.answer = answer_each


def similar_reply(matched):
    """A search response whose hits, {case id: [names of the queries it matched]}, name the
    queries they matched, in the dict's order."""
    reply = search_reply(list(matched))
    for hit in reply["hits"]["hits"]:
        hit["matched_queries"] = matched[int(hit["_id"])]
    return reply


def without_total(body):
    """The request body but for track_total_hits (a count that lists of a fixed size never show)."""
    return {key: value for key, value in body.items() if key != "track_total_hits"}


def ids_of(cases):
    return [case.pk for case in cases]


# The case library --------------------------------------------------------------------------------


def test_the_case_library_asks_for_one_filtered_page_newest_first(cluster, client):
    library = CaseIndexPage.objects.get()
    xingshan, wuchang = seed("xingshan-lianghui-liangping", "wuchang-1-3")
    cluster.search_reply = search_reply([xingshan.pk, wuchang.pk], total=30)  # not the newest first
    response = client.get(library.url, {"theme": "服务群众", "year": "2009", "page": "2"})
    assert response.status_code == 200
    (listing,) = cluster.sent("/_search")  # the page and the browse counts in one request
    assert listing["path"] == "/test_cases/_search"
    passing = {"theme": {"terms": {"themes.slug": ["服务群众"]}}, "year": {"terms": {"years": [2009]}}}
    assert listing["body"] == {
        "query": {"bool": {"filter": [{"prefix": {"path": library.path}}]}},  # only the cases below this library
        # the filters after counting: each facet counts the cases the other filters let through
        "post_filter": {"bool": {"filter": list(passing.values())}},
        "aggs": aggs_with(passing),
        "sort": NEWEST,
        "track_total_hits": True,
        "_source": False,
        "from": 12,  # page 2 of 12 a page
        "size": 12,
    }
    page = response.context["cases"]
    assert ids_of(page) == [xingshan.pk, wuchang.pk]  # in the engine's order
    assert (page.number, page.paginator.count, page.paginator.num_pages) == (2, 30, 3)
    html = response.content.decode()
    assert xingshan.title in html and wuchang.title in html
    assert "共 30 个案例" in html and "第 2 / 3 页" in html
    assert not any(case.title in html for case in CasePage.objects.exclude(pk__in=[xingshan.pk, wuchang.pk]))


def test_a_case_library_page_past_the_end_shows_the_last_page(cluster, client):
    library = CaseIndexPage.objects.get()
    (wuchang,) = seed("wuchang-1-3")
    cluster.search_reply = search_reply([wuchang.pk], total=13)
    response = client.get(library.url, {"page": "5"})
    pages = [(request["body"]["from"], request["body"]["size"]) for request in cluster.sent("/_search")]
    # page 5 (with the browse counts), then the last page (2: its one case, as Paginator slices it)
    assert pages == [(48, 12), (12, 1)]
    assert response.context["cases"].number == 2 and ids_of(response.context["cases"]) == [wuchang.pk]


def test_the_browse_counts_are_one_request_for_every_facet_and_no_case(cluster):
    cluster.search_reply = search_reply(
        [],
        total=6,
        buckets={
            "region": [("湖北省", 2), ("黑龙江省", 3)],
            "theme": [("服务群众", 3), ("已删除的主题", 1)],
            "problem": [("农民增收致富难", 4)],
            "year": [(2011, 1)],
        },
    )
    browse = browse_vocabularies()
    (request,) = cluster.sent("/_search")
    assert without_total(request["body"]) == {"aggs": AGGS, "sort": NEWEST, "_source": False, "from": 0, "size": 0}
    assert browse["provinces"] == [BrowseTerm("黑龙江省", "黑龙江省", 3), BrowseTerm("湖北省", "湖北省", 2)]
    assert browse["themes"] == [BrowseTerm("服务群众", "服务群众", 3)]  # a theme deleted since indexing: left out
    assert browse["problems"] == [BrowseTerm("农民增收致富难", "农民增收致富难", 4)]


# The home page -----------------------------------------------------------------------------------


def test_the_home_page_asks_for_the_featured_and_the_latest_cases(cluster, client):
    featured = ids_of(seed("zhucheng-chengxiang-lianjian", "xingshan-lianghui-liangping"))
    latest = ids_of(seed("sunan-nongcun-shequ", "shangnan-gongjian-gongfu", "wengyuan-dangyuan-chuangye"))
    only_featured = {"bool": {"filter": [{"term": {"featured": True}}]}}

    def reply_to(body):
        if body["size"] == 0:
            return search_reply([])  # the browse counts
        return search_reply(featured if body.get("query") == only_featured else latest)

    answer_by_body(cluster, reply_to)
    response = client.get("/")
    assert response.status_code == 200
    bodies = [without_total(request["body"]) for request in cluster.sent("/_search")]
    assert len(bodies) == 3
    assert {"query": only_featured, "sort": NEWEST, "_source": False, "from": 0, "size": 6} in bodies
    # 最新 leaves out what 推荐 shows: twice as many asked for, the featured ones dropped
    assert {"sort": RECENTLY_PUBLISHED, "_source": False, "from": 0, "size": 12} in bodies
    assert {"aggs": AGGS, "sort": NEWEST, "_source": False, "from": 0, "size": 0} in bodies
    assert ids_of(response.context["featured_cases"]) == featured
    assert ids_of(response.context["latest_cases"]) == latest
    html = response.content.decode()
    featured_part, latest_part = html.split('id="latest-heading"')
    titles = dict(CasePage.objects.values_list("pk", "title"))
    assert all(titles[pk] in featured_part and titles[pk] not in latest_part for pk in featured)
    assert all(titles[pk] in latest_part and titles[pk] not in featured_part for pk in latest)
    assert titles[CasePage.objects.get(slug="wuchang-1-3").pk] not in html  # the engine did not list it


# The open-data API -------------------------------------------------------------------------------


def ranking_query(word):
    """The search page's query for one word without parts (search.text.word_parts(word) == []),
    without filters: the word required and scored (relevance), the rank tiers optional beside it
    (no as-written tier, no named tier; a bool with a must needs no should to match)."""
    return {
        "bool": {
            "must": [scored({"bool": {"must": [combined(word, TEXT)]}})],
            "should": [
                {"constant_score": {"filter": {"bool": {"must": [combined(word, TITLE)]}}, "boost": 4}},
                {"constant_score": {"filter": {"bool": {"must": [combined(word, HEADLINE)]}}, "boost": 2}},
            ],
        }
    }


RELEVANCE = ranking_query("党建")["bool"]["must"][0]


def test_the_api_asks_for_its_page_only_and_answers_in_the_engines_order(cluster, client):
    zhucheng, wuchang = seed("zhucheng-chengxiang-lianjian", "wuchang-1-3")  # not the newest first
    cluster.search_reply = search_reply([zhucheng.pk, wuchang.pk], total=5)
    response = client.get("/api/v2/pages/", {"search": "党建", "limit": "2", "offset": "2"})
    assert response.status_code == 200
    (request,) = cluster.sent("/_search")
    body = request["body"]
    assert request["path"] == "/test_cases/_search"
    assert (body["from"], body["size"]) == (2, 2)
    assert "aggs" not in body
    assert body["query"] == ranking_query("党建")
    assert body["sort"] == [{"_score": {"order": "desc"}}, *NEWEST]
    data = response.json()
    assert [item["id"] for item in data["items"]] == [zhucheng.pk, wuchang.pk]
    assert data["meta"]["total_count"] == 5


def test_the_api_ordered_asks_for_the_first_ten_thousand_and_wagtail_orders_them(cluster, client):
    found = seed("zhucheng-chengxiang-lianjian", "wuchang-1-3", "xingshan-lianghui-liangping")
    by_title = sorted(found, key=lambda case: case.title)
    assert ids_of(by_title) != ids_of(found)  # the order must come from Wagtail, not from the engine
    cluster.search_reply = search_reply(ids_of(found), total=3)
    response = client.get("/api/v2/pages/", {"search": "党建", "order": "title"})
    assert response.status_code == 200
    (request,) = cluster.sent("/_search")
    assert (request["body"]["from"], request["body"]["size"]) == (0, 10_000)
    assert "aggs" not in request["body"] and request["body"]["query"] == ranking_query("党建")
    data = response.json()
    assert [item["id"] for item in data["items"]] == ids_of(by_title)
    assert data["meta"]["total_count"] == 3


@pytest.mark.parametrize("level", ["县", "村"])  # 村: no seed case, so no case to look among
def test_the_api_hands_the_cases_its_field_filters_allow_to_the_engine(cluster, client, level):
    allowed = sorted(CasePage.objects.live().filter(unit_level=level).values_list("pk", flat=True))
    sunan, wuchang = seed("sunan-nongcun-shequ", "wuchang-1-3")
    assert len(allowed) < len(SEED_SLUGS) and sunan.pk not in allowed
    cluster.search_reply = search_reply([sunan.pk, wuchang.pk])
    response = client.get("/api/v2/pages/", {"search": "党建", "unit_level": level})
    assert response.status_code == 200
    (request,) = cluster.sent("/_search")
    assert request["body"]["query"]["bool"]["must"] == [RELEVANCE]  # the word, required
    assert request["body"]["query"]["bool"]["filter"] == [{"ids": {"values": [str(pk) for pk in allowed]}}]
    # never a case the field filter refused, whatever the engine answers
    assert [item["id"] for item in response.json()["items"]] == [pk for pk in [wuchang.pk] if pk in allowed]


def test_the_api_narrowed_by_field_and_case_filters_sends_both(cluster, client):
    allowed = CasePage.objects.live().filter(unit_level="县", themes__slug="服务群众").values_list("pk", flat=True)
    client.get("/api/v2/pages/", {"search": "党建", "unit_level": "县", "theme": "服务群众"})
    (request,) = cluster.sent("/_search")
    assert request["body"]["query"]["bool"]["must"] == [RELEVANCE]  # the word, required
    assert request["body"]["query"]["bool"]["filter"] == [
        {"terms": {"themes.slug": ["服务群众"]}},
        {"ids": {"values": [str(pk) for pk in sorted(allowed)]}},
    ]


def test_the_api_without_field_filters_sends_no_ids(cluster, client):
    client.get("/api/v2/pages/", {"search": "党建", "theme": "服务群众"})
    (request,) = cluster.sent("/_search")
    assert request["body"]["query"]["bool"]["must"] == [RELEVANCE]
    assert request["body"]["query"]["bool"]["filter"] == [{"terms": {"themes.slug": ["服务群众"]}}]


@pytest.mark.parametrize("params", [{}, {"order": "title"}, {"unit_level": "县"}], ids=["page", "ordered", "within"])
@pytest.mark.parametrize("failure", ["down", "no index"])
def test_an_api_search_while_elasticsearch_is_down_answers_503(cluster, client, params, failure):
    if failure == "down":
        cluster.error = DOWN
    else:
        cluster.search_status = 404
    response = client.get("/api/v2/pages/", {"search": "党建", **params})
    assert response.status_code == 503
    assert UNAVAILABLE in response.json().values()


# Similar cases ------------------------------------------------------------------------------------


def test_similar_cases_are_one_query_of_named_shared_terms_ordered_by_shared_counts(cluster, client):
    case = CasePage.objects.get(slug="wuchang-1-3")
    assert not RelatedCase.objects.filter(page=case).exists()  # no editor's picks
    themes, problems, tags = (list(terms.order_by("pk")) for terms in (case.themes, case.problems, case.tags))
    expected = {}
    for kind, field, terms, boost in (
        ("problem", "problems.slug", problems, 1_000_000),
        ("theme", "themes.slug", themes, 1_000),
        ("tag", "tags.slug", tags, 1),
    ):
        for term in terms:
            expected[f"{kind}:{term.pk}"] = {
                "constant_score": {"filter": {"term": {field: term.slug}}, "boost": boost, "_name": f"{kind}:{term.pk}"}
            }
    sunan, xingshan, zhucheng, shangnan, wengyuan = seed(
        "sunan-nongcun-shequ",
        "xingshan-lianghui-liangping",
        "zhucheng-chengxiang-lianjian",
        "shangnan-gongjian-gongfu",
        "wengyuan-dangyuan-chuangye",
    )

    def problem(n):
        return f"problem:{problems[n].pk}"

    def theme(n):
        return f"theme:{themes[n].pk}"

    def tag(n):
        return f"tag:{tags[n].pk}"

    cluster.search_reply = similar_reply(
        {
            sunan.pk: [theme(0), theme(1), tag(0)],  # shares (0, 2, 1)
            xingshan.pk: [problem(0)],  # (1, 0, 0)
            zhucheng.pk: [problem(0), problem(1)],  # (2, 0, 0)
            shangnan.pk: [tag(1)],  # (0, 0, 1)
            wengyuan.pk: [theme(2)],  # (0, 1, 0)
        }
    )
    response = client.get(case.url)
    assert response.status_code == 200
    (request,) = cluster.sent("/_search")
    body = request["body"]
    should = body["query"]["bool"].pop("should")
    assert len(should) == len(expected) and {clause["constant_score"]["_name"]: clause for clause in should} == expected
    assert body == {
        "query": {"bool": {"minimum_should_match": 1, "must_not": [{"ids": {"values": [str(case.pk)]}}]}},
        "sort": ["_score", *RECENTLY_PUBLISHED],
        "_source": False,
        "size": 12,
    }
    assert response.context["related_is_automatic"] is True
    shown = [zhucheng, xingshan, sunan, wengyuan]  # most shared problems, then themes, then tags; four at most
    assert ids_of(response.context["related_cases"]) == ids_of(shown)
    html = response.content.decode()
    related = html[html.index('id="related-heading"') :]
    assert "相似案例" in related and "相关案例" not in related
    places = [related.index(other.title) for other in shown]
    assert places == sorted(places) and shangnan.title not in related


def test_a_case_page_while_elasticsearch_is_down_shows_the_databases_similar_cases(cluster, client, settings):
    case = CasePage.objects.get(slug="wuchang-1-3")
    cluster.error = DOWN
    response = client.get(case.url)
    assert response.status_code == 200
    assert response.context["related_is_automatic"] is True
    shown = ids_of(response.context["related_cases"])
    assert "相似案例" in response.content.decode()
    settings.SEARCH_ENGINE_URL = ""  # the database engine, configured
    assert shown and shown == ids_of(client.get(case.url).context["related_cases"])


# The compare page ---------------------------------------------------------------------------------


def test_the_compare_page_offers_the_newest_cases_the_engine_lists(cluster, client):
    wuchang, zhucheng, xingshan = seed("wuchang-1-3", "zhucheng-chengxiang-lianjian", "xingshan-lianghui-liangping")
    cluster.search_reply = search_reply(ids_of([zhucheng, wuchang, xingshan]))
    response = client.get("/compare/", {"cases": "wuchang-1-3"})
    assert response.status_code == 200
    (request,) = cluster.sent("/_search")
    assert without_total(request["body"]) == {"sort": NEWEST, "_source": False, "from": 0, "size": 31}
    assert ids_of(response.context["addable"]) == [zhucheng.pk, xingshan.pk]  # less the case compared


# Browsing while Elasticsearch is down -------------------------------------------------------------


def test_browsing_the_case_library_while_elasticsearch_is_down_asks_the_database(cluster, client):
    cluster.error = DOWN
    response = client.get(CaseIndexPage.objects.get().url)
    assert response.status_code == 200
    listed = [case.slug for case in response.context["cases"]]
    assert listed == list(CasePage.objects.published().values_list("slug", flat=True))
    assert sorted(listed) == sorted(SEED_SLUGS)
    assert response.context["browse"]["provinces"]  # the counts to browse by, from the database too
    filtered = client.get(CaseIndexPage.objects.get().url, {"region": "湖北省"})
    assert [case.slug for case in filtered.context["cases"]] == ["xingshan-lianghui-liangping"]


def test_the_home_page_while_elasticsearch_is_down_asks_the_database(cluster, client):
    cluster.error = DOWN
    response = client.get("/")
    assert response.status_code == 200
    featured = CasePage.objects.published().filter(featured=True)
    assert ids_of(response.context["featured_cases"]) == ids_of(featured)
    shown_first = set(featured.values_list("slug", flat=True))
    latest = sorted(case.slug for case in response.context["latest_cases"])
    assert latest == sorted(set(SEED_SLUGS) - shown_first)


@pytest.mark.parametrize("params", [{"limit": "2"}, {"order": "title"}], ids=["page", "ordered"])
def test_the_api_asks_for_no_highlights_it_never_shows(cluster, client, params):
    """The API shows no snippets; highlighting (number_of_fragments 0: each hit's whole marked
    body sent back) would cost up to 10,000 whole bodies for an ordered search."""
    cluster.search_reply = search_reply(ids_of(seed("wuchang-1-3")))
    response = client.get("/api/v2/pages/", {"search": "党建", **params})
    assert response.status_code == 200 and "snippet" not in response.content.decode()
    (request,) = cluster.sent("/_search")
    assert "highlight" not in request["body"], request["body"].get("highlight")
