"""Elasticsearch without a server: the settings, index settings and mappings, documents, the
exact requests sent (query, facets, highlight, filters, sort, pages), results read back, the
signals, `search_index --rebuild`, and Elasticsearch being down.

A fake node stands in for the cluster at the HTTP level, so every request goes through the
real client and serialiser and is recorded as sent.
"""

import io
import json
import runpy
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from elastic_transport import ApiResponseMeta, BaseNode, ConnectionError, ConnectionTimeout, HttpHeaders
from elastic_transport._node import NodeApiResponse
from elasticsearch import Elasticsearch
from wagtail.models import PageViewRestriction

from cases import changes
from cases.models import CaseIndexPage, CasePage
from cases.taxonomy import Theme
from search.checks import TAG as SEARCH_CHECKS
from search.engines.elasticsearch import analysis, connection, documents, indexing
from search.engines.elasticsearch.documents import case_document, case_index, cases_to_index
from search.engines.elasticsearch.query import (
    MARK_END,
    MARK_START,
    case_search,
    clause_counts,
    clause_query,
    facet_counts,
)
from search.engines.interface import SearchRequest
from search.highlight import snippet
from search.query import parse_query
from search.ranking import best_match_floor
from search.text import index_text, to_simplified, word_parts
from tests.conftest import SEED_SLUGS
from tests.search.test_search_page import publish_case

ALIAS = "test_cases"


class FakeCluster:
    """Records each request; answers like Elasticsearch 8 would, or fails with `error`."""

    def __init__(self):
        self.requests = []
        self.error, self.fail_on = None, ""  # raise `error` for paths ending in `fail_on`
        self.alias_indexes = []
        self.search_reply, self.search_status = None, 200
        self.position = None  # the journal entry the index's _meta records
        self.shape = indexing.shape()  # the shape it records: this code's

    def node_class(self):
        cluster = self

        class Node(BaseNode):
            def perform_request(self, method, target, body=None, headers=None, request_timeout=None):
                if cluster.error and urlsplit(target).path.endswith(cluster.fail_on):
                    raise cluster.error
                status, reply = cluster.answer(method, target, body)
                meta = ApiResponseMeta(
                    status=status,
                    http_version="1.1",
                    duration=0.0,
                    node=self.config,
                    headers=HttpHeaders({"X-Elastic-Product": "Elasticsearch", "Content-Type": "application/json"}),
                )
                return NodeApiResponse(meta, json.dumps(reply).encode() if method != "HEAD" else b"")

        return Node

    def answer(self, method, target, body):
        url = urlsplit(target)
        lines = [json.loads(line) for line in body.decode().splitlines()] if body else []
        self.requests.append(
            {
                "method": method,
                "path": url.path,
                "params": dict(parse_qsl(url.query)),
                "body": lines if url.path.endswith("/_bulk") else (lines[0] if lines else None),
            }
        )
        if url.path == f"/_alias/{ALIAS}":
            if method == "HEAD":
                return (200 if self.alias_indexes else 404), {}
            return 200, {index: {"aliases": {ALIAS: {}}} for index in self.alias_indexes}
        if url.path.endswith("/_mapping"):
            if method == "PUT":  # as a cluster does, the _meta sent replaces the one recorded
                self.position = lines[0]["_meta"].get("journal")
                self.shape = lines[0]["_meta"].get("shape")
                return 200, {"acknowledged": True}
            meta = {} if self.position is None else {"journal": self.position}
            if self.shape:
                meta["shape"] = self.shape
            return 200, {"test_cases-1": {"mappings": {"_meta": meta, "properties": {}}}}
        if url.path.endswith("/_search") and self.search_status == 404:
            return 404, {"error": {"type": "index_not_found_exception", "reason": "no such index"}, "status": 404}
        if url.path.endswith("/_search"):
            return 200, self.search_reply or search_reply([])
        if url.path.endswith("/_bulk"):
            actions = [line for line in lines if {"index", "delete"} & set(line)]
            items = [
                {kind: {"_id": meta["_id"], "status": 201 if kind == "index" else 404}}
                for action in actions
                for kind, meta in action.items()
            ]
            return 200, {"took": 1, "errors": any(item.get("delete") for item in items), "items": items}
        if url.path.endswith("/_count"):
            return 200, {"count": 6}
        return 200, {"acknowledged": True}

    def sent(self, path_end):
        return [request for request in self.requests if request["path"].endswith(path_end)]


def search_reply(hits, total=None, buckets=None, highlights=None):
    """A search response: `hits` are case ids, `buckets` {facet: [(key, count)]}."""
    buckets = buckets or {}
    return {
        "took": 1,
        "timed_out": False,
        "_shards": {"total": 1, "successful": 1, "skipped": 0, "failed": 0},
        "hits": {
            "total": {"value": len(hits) if total is None else total, "relation": "eq"},
            "max_score": None,
            "hits": [
                {
                    "_index": "test_cases-1",
                    "_id": str(pk),
                    "_score": None,
                    **({"highlight": highlights[pk]} if highlights and pk in highlights else {}),
                }
                for pk in hits
            ],
        },
        "aggregations": {
            # as counted without filters: the bounded vocabularies' facets together, tags apart
            "facets:region+theme+problem+domain+year": {
                "doc_count": 0,
                "values": {
                    "buckets": [
                        {"key": f"{name}:{key}", "doc_count": count}
                        for name in ("region", "theme", "problem", "domain", "year")
                        for key, count in buckets.get(name, [])
                    ]
                },
            },
            "facets:tag": {
                "doc_count": 0,
                "values": {"buckets": [{"key": key, "doc_count": count} for key, count in buckets.get("tag", [])]},
            },
        },
    }


@pytest.fixture
def cluster(settings, monkeypatch):
    """Elasticsearch configured (so the engine interface chooses it), answered by a FakeCluster."""
    settings.SEARCH_ENGINE_URL = "http://es.test:9200"
    settings.SEARCH_ENGINE_INDEX_PREFIX = "test_"
    fake = FakeCluster()
    fake.position = changes.latest()  # an index up to date with the journal
    client = Elasticsearch(settings.SEARCH_ENGINE_URL, node_class=fake.node_class(), max_retries=0)
    monkeypatch.setattr(connection, "client", lambda: client)
    return fake


def search_json(client, **params):
    response = client.get("/search/", {**params, "format": "json"})
    assert response.status_code == 200
    return json.loads(response.content)


# Settings ---------------------------------------------------------------------------------

BASE_SETTINGS = Path(settings.BASE_DIR) / "portal" / "settings" / "base.py"


@pytest.fixture
def environment(monkeypatch):
    for name in (
        "SEARCH_ENGINE_URL",
        "SEARCH_ENGINE_INDEX_PREFIX",
        "SEARCH_ENGINE_TIMEOUT",
        "SEARCH_ENGINE_CHINESE_ANALYZER",
    ):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_without_elasticsearch_url_the_database_backend_stays(environment):
    loaded = runpy.run_path(str(BASE_SETTINGS))
    assert loaded["SEARCH_ENGINE_URL"] == ""
    assert loaded["WAGTAILSEARCH_BACKENDS"] == {
        "default": {"BACKEND": "wagtail.search.backends.database", "SEARCH_CONFIG": "simple"}
    }


def test_elasticsearch_url_switches_wagtail_to_elasticsearch8(environment):
    environment.setenv("SEARCH_ENGINE_URL", "http://es.internal:9200")
    environment.setenv("SEARCH_ENGINE_TIMEOUT", "2.5")
    assert runpy.run_path(str(BASE_SETTINGS))["WAGTAILSEARCH_BACKENDS"] == {
        "default": {
            "BACKEND": "wagtail.search.backends.elasticsearch8",
            "URLS": ["http://es.internal:9200"],
            "INDEX_PREFIX": "portal_",
            "TIMEOUT": 2.5,
            "INDEX_SETTINGS": {
                "settings": {
                    "analysis": {
                        "analyzer": {
                            "default": {
                                "type": "custom",
                                "tokenizer": "whitespace",
                                "filter": ["cjk_width", "lowercase"],
                            },
                            "edgengram_analyzer": {
                                "type": "custom",
                                "tokenizer": "whitespace",
                                "filter": ["cjk_width", "lowercase", "edgengram"],
                            },
                        }
                    }
                }
            },
        }
    }


def test_an_unknown_chinese_analyzer_is_refused(environment):
    environment.setenv("SEARCH_ENGINE_URL", "http://es.internal:9200")
    environment.setenv("SEARCH_ENGINE_CHINESE_ANALYZER", "jieba")
    with pytest.raises(ImproperlyConfigured, match="smartcn 或 ik"):
        runpy.run_path(str(BASE_SETTINGS))


def test_wagtail_backend_reads_segmented_words_with_the_index_settings():
    from wagtail.search.backends.elasticsearch8 import SearchBackend

    backend = SearchBackend({"URLS": ["http://es.internal:9200"], "INDEX_SETTINGS": analysis.wagtail_index_settings()})
    analyzers = backend.settings["settings"]["analysis"]["analyzer"]
    assert analyzers["default"] == analysis.WORDS_ANALYZER
    assert analyzers["edgengram_analyzer"]["tokenizer"] == "whitespace"
    assert "ngram_analyzer" in analyzers  # Wagtail's own analysers are kept (deep merge)


# The case index -----------------------------------------------------------------------------

WORDS = {"type": "text", "analyzer": "case_words"}
FACET = {"type": "keyword", "eager_global_ordinals": True}
SNIPPET = {"type": "text", "analyzer": "case_text", "index_options": "offsets"}
TERM = {"type": "object", "properties": {"slug": FACET, "name": {"type": "keyword"}}}
CASE_MAPPING = {
    "dynamic": "strict",
    "properties": {
        "pk": {"type": "integer"},
        "title": WORDS,
        "model_name": WORDS,
        "headline": WORDS,
        "body": WORDS,
        "headline_raw": {"type": "text", "analyzer": "case_text"},
        "summary_raw": SNIPPET,
        "body_raw": SNIPPET,
        "region": {
            "type": "object",
            "properties": {
                "slug": {"type": "keyword"},
                "path": {"type": "keyword"},
                "province": FACET,
                "name": {"type": "keyword"},
            },
        },
        "domain": TERM,
        "themes": TERM,
        "problems": TERM,
        "tags": TERM,
        "years": {"type": "integer"},
        "listing_year": {"type": "integer"},
        "first_published_at": {"type": "date"},
        "featured": {"type": "boolean"},
        "path": {"type": "keyword"},
        "facets": FACET,  # "theme:slug", "year:2009": the bounded vocabularies' facets counted at once
        "key_figures": {
            "type": "object",
            "properties": {
                "label": WORDS,
                "value": {"type": "keyword"},
                "unit": {"type": "keyword"},
                "year": {"type": "integer"},
            },
        },
    },
}


@pytest.mark.parametrize(
    "plugin, text_analyzer",
    [
        ("", {"type": "custom", "tokenizer": "standard", "filter": ["cjk_width", "lowercase", "cjk_bigram"]}),
        ("smartcn", {"type": "custom", "tokenizer": "smartcn_tokenizer", "filter": ["cjk_width", "lowercase"]}),
        ("ik", {"type": "custom", "tokenizer": "ik_smart", "filter": ["cjk_width", "lowercase"]}),
    ],
)
def test_case_index_settings_and_mapping(settings, plugin, text_analyzer):
    settings.SEARCH_ENGINE_CHINESE_ANALYZER = plugin
    assert case_index("test_cases-1").to_dict() == {
        "settings": {
            "analysis": {
                "analyzer": {
                    "case_words": {"type": "custom", "tokenizer": "whitespace", "filter": ["cjk_width", "lowercase"]},
                    "case_text": {**text_analyzer, "char_filter": ["search_folds", "spoken_plus"]},
                },
                "char_filter": {
                    "search_folds": {"type": "mapping", "mappings": ["著 => 着"]},
                    "spoken_plus": {
                        "type": "pattern_replace",
                        "pattern": r"(?<=\d)[^\S\n]*加[^\S\n]*(?=\d)",
                        "replacement": "+",
                    },
                },
            }
        },
        "mappings": CASE_MAPPING,
    }


@pytest.mark.django_db
def test_a_case_document_holds_the_pipelines_text_and_the_vocabulary_slugs():
    case = cases_to_index().get(slug="wuchang-1-3")
    source = case_document(case).to_dict()
    body = case.body_text()
    assert source["pk"] == case.pk
    assert source["title"] == index_text(case.title) and source["body"] == index_text(body)
    assert source["model_name"] == index_text(case.model_name)
    assert source["headline"] == index_text(case.search_headline())  # the database index's headline slot
    assert source["body_raw"] == to_simplified(body) and source["summary_raw"] == case.summary
    assert source["headline_raw"] == case.search_headline()
    assert source["region"] == {
        "slug": "五常市",
        "path": ["五常市", "哈尔滨市", "黑龙江省"],
        "province": "黑龙江省",
        "name": "黑龙江省哈尔滨市五常市",
    }
    assert source["themes"] == [{"slug": t.slug, "name": t.name} for t in case.themes.all()]
    assert source["domain"] == {"slug": case.domain.slug, "name": case.domain.name}
    assert source["years"] == [2007, 2008, 2009, 2010, 2011] and source["listing_year"] == 2011
    figure = case.key_figures.first()
    assert source["key_figures"][0] == {
        "label": index_text(figure.label),
        "value": figure.value,
        "unit": figure.unit,
        "year": figure.year,
    }
    # the bounded vocabularies' facet values in one field, tags not among them
    assert sorted(source["facets"]) == sorted(
        [
            "region:黑龙江省",
            f"domain:{case.domain.slug}",
            *[f"theme:{t.slug}" for t in case.themes.all()],
            *[f"problem:{p.slug}" for p in case.problems.all()],
            *[f"year:{year}" for year in range(2007, 2012)],
        ]
    )


def test_facet_counts_are_read_back_by_facet_each_from_its_own_group():
    aggregations = {
        "facets:theme+problem+domain+year": {
            "values": {
                "buckets": [
                    {"key": "theme:a", "doc_count": 3},
                    {"key": "year:2009", "doc_count": 2},
                    {"key": "region:湖北省", "doc_count": 4},  # another group's: not this one's count
                ]
            }
        },
        "facets:region": {
            "values": {"buckets": [{"key": "region:湖北省", "doc_count": 5}, {"key": "theme:a", "doc_count": 9}]}
        },
        "facets:tag": {"values": {"buckets": [{"key": "两会:两评", "doc_count": 1}]}},  # a tag may hold a colon
        "c0": {"doc_count": 9},
    }
    assert facet_counts(aggregations) == {
        "region": {"湖北省": 5},
        "theme": {"a": 3},
        "problem": {},
        "domain": {},
        "tag": {"两会:两评": 1},
        "year": {"2009": 2},
    }


def test_case_years_match_the_year_facet():
    assert documents.case_years(2007, 2009) == [2007, 2008, 2009]
    assert documents.case_years(None, 2010) == [2010] == documents.case_years(2010, None)
    assert documents.case_years(None, None) == []
    assert len(documents.case_years(1900, 2100)) == 51


# The search request ---------------------------------------------------------------------------

TITLE = ["title", "model_name"]
HEADLINE = ["headline"]
TEXT = ["headline^5", "body"]
NEWEST = [
    {"listing_year": {"order": "desc", "missing": "_last"}},
    {"first_published_at": {"order": "desc"}},
    {"pk": {"order": "asc"}},
]


def combined(query, fields):
    return {"multi_match": {"query": query, "type": "cross_fields", "fields": fields, "tie_breaker": 1}}


def word_or_parts(word, parts, fields):
    return {"bool": {"should": [combined(word, fields), {"bool": {"must": [combined(p, fields) for p in parts]}}]}}


def scored(query):
    """The relevance query: `query`'s own score squeezed into [0, 1), below the rank tiers."""
    return {
        "function_score": {
            "query": query,
            "functions": [{"script_score": {"script": {"source": "_score / (_score + 1)"}}}],
            "boost_mode": "replace",
        }
    }


BY_COUNT = [{"_count": "desc"}, {"_key": "asc"}]
SHARED = ["region", "theme", "problem", "domain", "year"]  # bounded vocabularies and years


def facet_group(names, others=()):
    """The aggregation of facets `names`: their terms among the cases the filters `others` let
    through; the bounded vocabularies' in the one facets field, tags in their own."""
    matched = {"bool": {"filter": list(others)}} if others else {"bool": {}}
    if names == ["tag"]:
        terms = {"field": "tags.slug", "size": 200, "order": BY_COUNT}
    else:
        terms = {"field": "facets", "size": 10_000, "order": BY_COUNT}
    return {"filter": matched, "aggs": {"values": {"terms": terms}}}


def aggs_with(passing):
    """The facet aggregations when the filters `passing` ({name: query}) are in force: each facet
    counts the cases the others let through, the facets that share those others together."""
    groups = {}
    for name in [*SHARED[:4], "tag", "year"]:  # cases.filters.FILTERS' order
        others = tuple(other for other in passing if other != name)
        groups.setdefault((others, name if name == "tag" else ""), []).append(name)
    return {
        "facets:" + "+".join(names): facet_group(names, [passing[other] for other in others])
        for (others, _), names in groups.items()
    }


AGGS = aggs_with({})


PASSING = {"region": {"terms": {"region.path": ["湖北省"]}}, "year": {"terms": {"years": [2009]}}}


@pytest.mark.django_db
def test_search_request_ranks_filters_counts_highlights_and_pages(cluster, client):
    cluster.search_reply = search_reply([], total=12)
    search_json(client, q="两会两评", region="湖北省", year="2009", page="2")
    (request,) = cluster.sent("/_search")
    parts = ["两会", "两", "评"]  # search.text.word_parts("两会两评")
    assert request["path"] == "/test_cases/_search"
    assert request["body"] == {
        "query": {
            "bool": {
                # the word (whole or all its parts) required and scored: relevance
                "must": [scored({"bool": {"must": [word_or_parts("两会两评", parts, TEXT)]}})],
                # then the rank tiers: title or model name, title slot, words as written
                # (no "named" tier: the query names no vocabulary term)
                "should": [
                    {
                        "constant_score": {
                            "filter": {"bool": {"must": [word_or_parts("两会两评", parts, TITLE)]}},
                            "boost": 4,
                        }
                    },
                    {
                        "constant_score": {
                            "filter": {"bool": {"must": [word_or_parts("两会两评", parts, HEADLINE)]}},
                            "boost": 2,
                        }
                    },
                    {"constant_score": {"filter": {"bool": {"must": [combined("两会两评", TEXT)]}}, "boost": 1}},
                ],
            }
        },
        # the request's filters after counting: each facet counts the cases the others let through
        "post_filter": {"bool": {"filter": list(PASSING.values())}},
        "aggs": aggs_with(PASSING),
        "highlight": {
            "fields": {"body_raw": {}, "summary_raw": {}},
            "pre_tags": [MARK_START],
            "post_tags": [MARK_END],
            "number_of_fragments": 0,
            "highlight_query": {
                "bool": {
                    "should": [
                        {"multi_match": {"query": term, "type": "phrase", "fields": ["body_raw", "summary_raw"]}}
                        for term in ["两会两评", "两会"]
                    ]
                }
            },
        },
        "sort": [{"_score": {"order": "desc"}}, *NEWEST],
        "track_total_hits": True,
        "_source": False,
        "from": 10,
        "size": 10,
    }


@pytest.mark.django_db
def test_newest_first_drops_the_rank_tiers_and_quoted_phrases_filter(cluster, client):
    search_json(client, q='"党员创业"', sort="newest", theme="服务群众")
    body = cluster.sent("/_search")[0]["body"]
    assert body["sort"] == NEWEST
    assert body["query"] == {
        "bool": {
            # each word required (relevance, which sorting newest first does not compute), no rank tier
            "must": [scored({"bool": {"must": [combined("党员", TEXT), combined("创业", TEXT)]}})],
            # then the phrase as written
            "filter": [
                {"multi_match": {"query": "党员创业", "type": "phrase", "fields": ["headline_raw", "body_raw"]}}
            ],
        }
    }
    assert body["post_filter"] == {"bool": {"filter": [{"terms": {"themes.slug": ["服务群众"]}}]}}


@pytest.mark.django_db
def test_browsing_without_a_query_filters_counts_and_sorts_newest_first(cluster, client):
    search_json(client, domain="农村", tag="农民专业合作社")
    passing = {"domain": {"terms": {"domain.slug": ["农村"]}}, "tag": {"terms": {"tags.slug": ["农民专业合作社"]}}}
    assert cluster.sent("/_search")[0]["body"] == {
        "post_filter": {"bool": {"filter": list(passing.values())}},
        "aggs": aggs_with(passing),
        "sort": NEWEST,
        "track_total_hits": True,
        "_source": False,
        "from": 0,
        "size": 10,
    }


def page_requests(cluster):
    return [(r["body"]["from"], r["body"]["size"]) for r in cluster.sent("/_search")]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "page, requests, shown",
    [
        ("1", [(0, 10)], 1),
        ("abc", [(0, 10)], 1),
        ("2", [(10, 10)], 2),
        ("99", [(980, 10), (10, 2)], 2),  # past the end: the last page, as Paginator.get_page does
        ("-1", [(0, 10), (10, 2)], 2),  # below 1: the last page too
        ("99999999999999999999", [(9990, 10), (10, 2)], 2),  # never past the result window
    ],
)
def test_pages_follow_paginator_in_one_request_when_the_page_exists(cluster, client, page, requests, shown):
    cluster.search_reply = search_reply([], total=12)
    data = search_json(client, q="党建", page=page)
    assert page_requests(cluster) == requests
    assert (data["page"], data["pages"], data["total"]) == (shown, 2, 12)


# Reading the response back ------------------------------------------------------------------------


@pytest.mark.django_db
def test_results_facets_and_snippets_have_the_database_searchs_shape(cluster, client):
    xingshan, wuchang = (CasePage.objects.get(slug=slug) for slug in ("xingshan-lianghui-liangping", "wuchang-1-3"))
    body = xingshan.body_text()
    at = body.index("关怀理事会")
    marked = (
        to_simplified(body[:at]) + MARK_START + "关怀" + MARK_END + MARK_START + "理事会" + MARK_END + body[at + 5 :]
    )
    themes = list(Theme.objects.filter(cases=xingshan).order_by("pk"))
    cluster.search_reply = search_reply(
        [xingshan.pk, wuchang.pk],
        highlights={xingshan.pk: {"body_raw": [marked]}},
        buckets={
            "region": [("黑龙江省", 1), ("湖北省", 1)],
            "theme": [(theme.slug, 1) for theme in reversed(themes)] + [("已删除的主题", 1)],
            "year": [(2011, 1), (2009, 2)],
        },
    )
    data = search_json(client, q="关怀理事会")
    assert [r["slug"] for r in data["results"]] == ["xingshan-lianghui-liangping", "wuchang-1-3"]
    first, second = data["results"]
    assert "<mark>关怀理事会</mark>" in first["snippet"] and MARK_START not in first["snippet"]
    assert first["place"] == "湖北省宜昌市兴山县" and first["model_name"] == "两会两评"
    # No highlight from Elasticsearch: the snippet search.case_search would show.
    assert second["snippet"] == str(snippet([wuchang.body_text(), wuchang.summary], ["关怀理事会", "理事会", "关怀"]))
    assert data["total"] == 2 and data["pages"] == 1
    assert data["facets"] == {
        # equal counts: provinces by full name, vocabulary terms by id, as search.facets orders them
        "region": [
            {"value": "湖北省", "label": "湖北省", "count": 1},
            {"value": "黑龙江省", "label": "黑龙江省", "count": 1},
        ],
        "theme": [{"value": theme.slug, "label": theme.name, "count": 1} for theme in themes],
        "problem": [],
        "domain": [],
        "tag": [],
        # by count, as the database engine orders every facet; equal counts newest first
        "year": [{"value": "2009", "label": "2009年", "count": 2}, {"value": "2011", "label": "2011年", "count": 1}],
    }
    html = client.get("/search/", {"q": "关怀理事会"}).content.decode()
    assert "<mark>关怀理事会</mark>" in html and "湖北省宜昌市兴山县" in html


@pytest.mark.django_db
def test_highlights_are_escaped_not_trusted(cluster, client):
    case = CasePage.objects.get(slug="wuchang-1-3")
    cluster.search_reply = search_reply(
        [case.pk], highlights={case.pk: {"summary_raw": [f"<script>alert(1)</script>{MARK_START}<b>x</b>{MARK_END}"]}}
    )
    result = search_json(client, q="党建")["results"][0]
    assert "<script>" not in result["snippet"] and "<mark>&lt;b&gt;x&lt;/b&gt;</mark>" in result["snippet"]


# Elasticsearch down -------------------------------------------------------------------------------

DOWN = [ConnectionError("Connection refused"), ConnectionTimeout("Read timed out (timeout=5)")]


@pytest.mark.django_db
@pytest.mark.parametrize("error", DOWN, ids=["refused", "timeout"])
def test_a_search_while_elasticsearch_is_down_says_so_without_failing(cluster, client, error):
    cluster.error = error
    data = search_json(client, q="党建", theme="服务群众")
    assert data["results"] == [] and data["total"] == 0
    assert data["errors"] == ["搜索服务暂时不可用，请稍后再试；也可以先按地区、主题浏览案例。"]
    response = client.get("/search/", {"q": "党建"})
    assert response.status_code == 200 and "搜索服务暂时不可用" in response.content.decode()
    # The page cache must not keep serving the outage after Elasticsearch is back.
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_every_search_is_answered_by_all_shards_or_fails(cluster, client):
    # A cluster's default is to answer with whatever the shards that did not fail found (fewer
    # hits, smaller counts) as if that were all; failing instead shows the outage message above.
    search_json(client, q="党建")
    client.get(CasePage.objects.get(slug="wuchang-1-3").url)  # its similar cases
    searches = [request for request in cluster.requests if request["path"].endswith("/_search")]
    # the page (its hits and facets), then the case page's similar cases
    assert ["aggs" in request["body"] for request in searches] == [True, False]
    assert all(request["params"].get("allow_partial_search_results") == "false" for request in searches)


@pytest.mark.django_db
def test_a_missing_index_is_unavailable_too(cluster, client):
    cluster.search_status = 404
    assert search_json(client, q="党建")["errors"] == ["搜索服务暂时不可用，请稍后再试；也可以先按地区、主题浏览案例。"]


@pytest.mark.django_db
def test_browsing_while_elasticsearch_is_down_falls_back_to_the_database(cluster, client):
    cluster.error = DOWN[0]
    data = search_json(client, region="湖北省")
    assert [r["slug"] for r in data["results"]] == ["xingshan-lianghui-liangping"] and not data["errors"]
    assert sorted(r["slug"] for r in search_json(client)["results"]) == sorted(SEED_SLUGS)


# Keeping the index current ------------------------------------------------------------------------


def bulk_actions(requests, index=ALIAS):
    """(action, id, title terms or None) of the bulk `requests` to `index`, checking their parameters."""
    sent = []
    for request in requests:
        assert request["params"] == ({"require_alias": "true"} if index == ALIAS else {})
        lines = iter(request["body"])
        for line in lines:
            ((kind, meta),) = line.items()
            assert meta["_index"] == index
            sent.append((kind, int(meta["_id"]), next(lines)["title"] if kind == "index" else None))
    return sent


@pytest.mark.django_db
def test_publish_edit_unpublish_and_delete_update_the_case_index(cluster, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = publish_case("红色物业测试案例", "这里记载了红色物业的做法。")
    with django_capture_on_commit_callbacks(execute=True):
        case.title = "社区网格化测试案例"
        case.save_revision().publish()
    with django_capture_on_commit_callbacks(execute=True):
        draft = CasePage.objects.get(pk=case.pk)
        draft.title = "草稿标题"
        draft.save_revision()  # a draft: not for the public index
    with django_capture_on_commit_callbacks(execute=True):
        case.unpublish()
    with django_capture_on_commit_callbacks(execute=True):
        CasePage.objects.get(pk=case.pk).delete()
    assert bulk_actions(cluster.sent("/_bulk")) == [
        ("index", case.pk, index_text("红色物业测试案例")),
        ("index", case.pk, index_text("社区网格化测试案例")),
        ("delete", case.pk, None),
        ("delete", case.pk, None),
    ]


@pytest.mark.django_db
def test_making_the_case_library_private_and_public_again_updates_the_case_index(
    cluster, django_capture_on_commit_callbacks
):
    library = CaseIndexPage.objects.get()
    live = set(CasePage.objects.live().values_list("pk", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        restriction = PageViewRestriction.objects.create(page=library, restriction_type=PageViewRestriction.LOGIN)
    assert {(kind, pk) for kind, pk, _ in bulk_actions(cluster.sent("/_bulk"))} == {("delete", pk) for pk in live}
    with django_capture_on_commit_callbacks(execute=True):
        restriction.delete()
    reindexed = {(kind, pk) for kind, pk, _ in bulk_actions(cluster.sent("/_bulk"))}
    assert {("index", pk) for pk in live} <= reindexed


@pytest.mark.django_db
def test_renaming_a_theme_updates_its_cases(cluster, django_capture_on_commit_callbacks):
    theme = Theme.objects.get(name="精神文明建设")
    with django_capture_on_commit_callbacks(execute=True):
        theme.name = "乡风文明建设"
        theme.save()
    expected = set(theme.cases.filter(live=True).values_list("pk", flat=True))
    assert expected and {pk for kind, pk, _ in bulk_actions(cluster.sent("/_bulk")) if kind == "index"} == expected


@pytest.mark.django_db
def test_each_update_catches_up_from_the_journal_and_records_its_place(cluster, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = publish_case("红色物业测试案例", "这里记载了红色物业的做法。")
    mapping_get, bulk, mapping_put = cluster.requests
    assert (mapping_get["method"], mapping_get["path"]) == ("GET", f"/{ALIAS}/_mapping")
    assert bulk_actions([bulk]) == [("index", case.pk, index_text("红色物业测试案例"))]
    # the whole _meta again, its shape kept: a cluster replaces it
    meta = {"journal": changes.latest(), "shape": indexing.shape()}
    assert (mapping_put["method"], mapping_put["body"]) == ("PUT", {"_meta": meta})


@pytest.mark.django_db
def test_publishing_works_while_elasticsearch_is_down_and_the_index_catches_up_after(
    cluster, client, caplog, django_capture_on_commit_callbacks
):
    cluster.error = DOWN[0]
    with django_capture_on_commit_callbacks(execute=True):
        case = publish_case("断网测试案例", "搜索服务中断时照常发布。")
    with django_capture_on_commit_callbacks(execute=True):
        CasePage.objects.get(slug="wuchang-1-3").unpublish()
    assert CasePage.objects.get(pk=case.pk).live
    assert client.get(case.url).status_code == 200
    assert "暂未更新索引" in caplog.text
    cluster.error, cluster.requests = None, []
    search_json(client, q="党建")  # the first search the cluster answers brings the index up to date
    wuchang = CasePage.objects.get(slug="wuchang-1-3").pk
    assert sorted(bulk_actions(cluster.sent("/_bulk"))) == sorted(
        [("index", case.pk, index_text("断网测试案例")), ("delete", wuchang, None)]
    )
    assert cluster.position == changes.latest()
    cluster.requests = []
    search_json(client, q="党建")
    assert not cluster.sent("/_mapping")  # caught up: searches go back to one request


@pytest.mark.django_db
def test_search_index_catch_up_applies_what_the_index_missed(cluster, django_capture_on_commit_callbacks):
    cluster.alias_indexes = ["test_cases-1"]
    cluster.error = DOWN[0]
    with django_capture_on_commit_callbacks(execute=True):
        case = publish_case("断网测试案例", "搜索服务中断时照常发布。")
    cluster.error, cluster.requests = None, []
    out = io.StringIO()
    call_command("search_index", stdout=out)
    assert "落后 1 条变更" in out.getvalue()
    call_command("search_index", "--catch-up", stdout=out)
    assert "已补上 1 条变更" in out.getvalue()
    assert bulk_actions(cluster.sent("/_bulk")) == [("index", case.pk, index_text("断网测试案例"))]
    call_command("search_index", "--catch-up", stdout=out)
    assert "已补上 0 条变更" in out.getvalue()
    assert "索引结构" not in out.getvalue()


@pytest.mark.django_db
def test_search_index_says_an_index_of_another_shape_must_be_rebuilt(cluster):
    cluster.alias_indexes = ["test_cases-1"]
    cluster.position = changes.latest()
    cluster.shape = None  # built before shapes were recorded, or by another version
    out = io.StringIO()
    call_command("search_index", stdout=out)
    assert "索引结构与当前程序不同（升级前建立），请运行 manage.py search_index --rebuild" in out.getvalue()


def test_an_index_shape_changes_with_its_analysis(settings):
    built = indexing.shape()
    settings.SEARCH_ENGINE_CHINESE_ANALYZER = "ik"
    assert indexing.shape() != built


# search_index --rebuild ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_rebuild_fills_a_new_index_and_moves_the_alias(cluster):
    cluster.alias_indexes = ["test_cases-old"]
    out = io.StringIO()
    journal = changes.latest()
    call_command("search_index", "--rebuild", stdout=out)
    create, bulk, caught_up, refresh, exists, get_alias, move, alias_caught_up = cluster.requests
    name = create["path"].lstrip("/")
    assert name.startswith("test_cases-") and create["method"] == "PUT"
    expected = case_index(name).to_dict()
    # the journal entry it was built from, and the shape of this code's index
    expected["mappings"]["_meta"] = {"journal": journal, "shape": indexing.shape()}
    assert create["body"] == expected
    assert (caught_up["method"], caught_up["path"]) == ("GET", f"/{name}/_mapping")
    assert (alias_caught_up["method"], alias_caught_up["path"]) == ("GET", f"/{ALIAS}/_mapping")
    documents_sent = bulk["body"][1::2]
    assert [line["index"]["_index"] for line in bulk["body"][::2]] == [name] * len(SEED_SLUGS)
    assert sorted(doc["pk"] for doc in documents_sent) == sorted(CasePage.objects.live().values_list("pk", flat=True))
    assert (refresh["method"], refresh["path"]) == ("POST", f"/{name}/_refresh")
    assert (exists["method"], get_alias["method"]) == ("HEAD", "GET")
    assert move["path"] == "/_aliases" and move["body"] == {
        "actions": [{"add": {"index": name, "alias": ALIAS}}, {"remove_index": {"index": "test_cases-old"}}]
    }
    assert f"[{'#' * 30}] 6/6" in out.getvalue() and f"test_cases → {name}" in out.getvalue()


@pytest.mark.django_db
def test_cases_changed_during_a_rebuild_reach_the_new_index_before_it_goes_live(cluster):
    changing = CasePage.objects.get(slug="wuchang-1-3")

    def unpublish_midway(done, total):
        if done == 1:
            changing.unpublish()

    name = indexing.rebuild(progress=unpublish_midway)
    paths = [request["path"] for request in cluster.requests]
    catch_up = cluster.requests[paths.index("/_bulk", paths.index("/_bulk") + 1)]
    assert bulk_actions([catch_up], index=name) == [("delete", changing.pk, None)]
    assert paths.index("/_aliases") > cluster.requests.index(catch_up)


@pytest.mark.django_db
def test_a_failed_rebuild_leaves_no_half_filled_index(cluster):
    cluster.error, cluster.fail_on = DOWN[0], "/_bulk"
    with pytest.raises(CommandError, match="搜索引擎出错"):
        call_command("search_index", "--rebuild", stdout=io.StringIO())
    create, delete = cluster.requests  # the failed bulk request never reached the cluster
    assert (create["method"], delete["method"], delete["path"]) == ("PUT", "DELETE", create["path"])
    assert not cluster.sent("/_aliases")


@pytest.mark.django_db
def test_search_index_status_and_its_errors(cluster, settings):
    out = io.StringIO()
    call_command("search_index", stdout=out)
    assert "test_cases 尚未建立，请运行 manage.py search_index --rebuild" in out.getvalue()
    cluster.alias_indexes = ["test_cases-1"]
    call_command("search_index", stdout=out)
    assert "test_cases → test_cases-1，6 个案例，已与变更记录同步" in out.getvalue()
    cluster.error = DOWN[1]
    with pytest.raises(CommandError, match="搜索引擎出错"):
        call_command("search_index", stdout=out)
    settings.SEARCH_ENGINE_URL = ""  # the database engine's own index instead
    call_command("search_index", "--rebuild", stdout=out)
    assert "案例索引已重建：数据库案例索引，6 个案例" in out.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["1000", "2000"])
def test_pages_stop_at_the_result_window_with_the_true_total(cluster, client, page):
    """50,000 matches: the last page reachable is the one ending at the 10,000th, not an empty one."""
    cluster.search_reply = search_reply([], total=50_000)
    data = search_json(client, q="党建", page=page)
    assert page_requests(cluster) == [(9990, 10)]
    assert (data["page"], data["pages"], data["total"]) == (1000, 1000, 50_000)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text, matched_by", [("党员 创业", "every clause"), ("致富", "its clause"), ("党员 致富", None)]
)
def test_the_words_are_matched_once_when_the_relevance_query_matches_what_the_clauses_do(text, matched_by):
    # 致富 has synonyms, so a query holding it is ranked by any of its words: alone, that is
    # still what its one clause matches; beside 党员, the ranking would let cases in that hold
    # only one of the two, so the clauses stay.
    query = parse_query(text)
    found = case_search(SearchRequest(query=query, facets=False, snippets=False)).to_dict()["query"]["bool"]
    clauses = [clause_query(clause, query).to_dict() for clause in query.clauses]
    if matched_by is None:
        assert found["filter"] == clauses and "must" not in found
        assert found["should"][0]["function_score"]["query"]["bool"]["minimum_should_match"] == 1
        return
    if matched_by == "its clause":
        assert len(clauses) == 1 and len(query.alternatives(query.clauses[0])) > 1
    expected = clauses[0] if matched_by == "its clause" else {"bool": {"must": clauses}}
    assert "filter" not in found and found["must"][0]["function_score"]["query"] == expected


@pytest.mark.django_db
def test_a_named_term_is_a_clause_of_its_filed_cases_or_its_words_and_ranks_first():
    query = parse_query("党员老龄化怎么办")
    (concept,) = query.concepts
    body = case_search(SearchRequest(query=query, facets=False, snippets=False)).to_dict()
    assert concept.words == ("党员", "老龄化")

    def word(text):  # the word, or all of its parts
        parts = word_parts(text)
        return word_or_parts(text, parts, TEXT) if parts else combined(text, TEXT)

    filed = {"term": {"problems.slug": concept.slug}}
    words = {"bool": {"must": [word("党员"), word("老龄化")]}}
    assert body["query"]["bool"]["filter"] == [{"bool": {"should": [filed, words], "minimum_should_match": 1}}]
    should = body["query"]["bool"]["should"]
    # Relevance scores any of the words (a filed case may hold none), and the named tier comes first.
    assert should[0] == scored({"bool": {"should": [word("党员"), word("老龄化")], "minimum_should_match": 1}})
    assert should[1] == {"constant_score": {"filter": {"bool": {"must": [filed]}}, "boost": 8}}


@pytest.mark.django_db
def test_best_match_counts_each_clause_then_asks_for_enough_of_their_weight():
    query = parse_query("兰花 海洋 渔业")
    assert query.words == ["兰花", "海洋", "渔业"]
    counts = clause_counts(query).to_dict()
    assert counts["size"] == 0 and counts["track_total_hits"] is True
    assert counts["aggs"] == {f"c{n}": {"filter": combined(word, TEXT)} for n, word in enumerate(query.words)}
    weights, matches = [150, 264, 264], [1, 0, 0]
    body = case_search(SearchRequest(query=query, facets=False, snippets=False), weights, matches).to_dict()
    assert body["min_score"] == best_match_floor(weights, matches) == 141  # half of 150 + 264/4 + 264/4
    held = [{"constant_score": {"filter": combined(word, TEXT), "boost": w}} for word, w in zip(query.words, weights)]
    relevance = scored({"bool": {"should": [combined(word, TEXT) for word in query.words], "minimum_should_match": 1}})
    assert body["query"] == {"bool": {"should": [*held, relevance]}}


@pytest.mark.django_db
def test_a_best_match_keeps_the_cases_of_a_problem_named_at_the_floor_at_least():
    query = parse_query("党员队伍老化 兰花")
    (problem,) = query.concepts
    weights, matches = [40, 264], [4, 0]
    body = case_search(SearchRequest(query=query, facets=False, snippets=False), weights, matches).to_dict()
    floor = best_match_floor(weights, matches)
    (held, _relevance) = body["query"]["bool"]["should"]
    filed = {
        "constant_score": {"filter": {"bool": {"must": [{"term": {"problems.slug": problem.slug}}]}}, "boost": floor}
    }
    assert held["dis_max"]["queries"][1] == filed and body["min_score"] == floor
    assert len(held["dis_max"]["queries"][0]["bool"]["should"]) == 2  # each clause's weight, summed


def deployment_warnings():
    return {
        problem.id: problem.msg for problem in checks.run_checks(tags=[SEARCH_CHECKS], include_deployment_checks=True)
    }


@pytest.mark.django_db
def test_check_deploy_warns_of_a_case_index_to_rebuild(cluster):
    cluster.alias_indexes = ["test_cases-1"]
    assert deployment_warnings() == {}  # an index of this code's shape
    cluster.shape = "0" * 16  # built by another version
    assert "结构与当前程序不同" in deployment_warnings()["search.W003"]
    cluster.alias_indexes = []
    assert "尚未建立" in deployment_warnings()["search.W002"]
    cluster.error = DOWN[0]
    assert "无法连接搜索服务" in deployment_warnings()["search.W001"]


def test_check_deploy_asks_no_cluster_when_none_is_configured(settings):
    settings.SEARCH_ENGINE_URL = ""
    assert deployment_warnings() == {}
