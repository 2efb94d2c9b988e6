"""Issue 23: answers reviewers promote for a query or a problem come first, marked 编辑推荐, on
both engines; only live, public pages; a promotion is a content change for the page cache."""

import json
import re
from html import unescape

import pytest
from wagtail.contrib.search_promotions.models import Query, SearchPromotion
from wagtail.models import PageViewRestriction

from cases import changes
from cases.models import CasePage, TrainingCollectionPage
from cases.taxonomy import Problem
from search import case_search
from search.log.models import OpenedResult
from tests.search import test_elasticsearch

pytestmark = pytest.mark.django_db

cluster = test_elasticsearch.cluster  # Elasticsearch configured, answered by a fake node


def promote(query_string, page, description=""):
    return SearchPromotion.objects.create(query=Query.get(query_string), page=page, description=description)


def promoted_titles(client, **params):
    response = client.get("/search/", {**params, "format": "json"})
    return [item["title"] for item in json.loads(response.content)["promoted"]]


def test_a_promoted_answer_comes_first_marked_as_recommended(client):
    case = CasePage.objects.get(slug="wengyuan-dangyuan-chuangye")
    promote("电商直播", case, "党员带头创业，可作参考")
    page = client.get("/search/", {"q": "電商直播"}).content.decode()  # Traditional, as typed
    assert "编辑推荐" in page and case.title in page and "党员带头创业，可作参考" in page
    assert promoted_titles(client, q="电商 直播") == [case.title]
    assert promoted_titles(client, q="村里电商直播怎么搞") == [case.title]  # fillers aside
    assert promoted_titles(client, q="党建") == []


def test_promoted_answers_come_before_the_results_of_the_first_page(client, monkeypatch):
    case = CasePage.objects.get(slug="sunan-nongcun-shequ")
    promote("党建", case)
    page = client.get("/search/", {"q": "党建"}).content.decode()
    assert page.index('class="promoted"') < page.index('class="hit"')
    monkeypatch.setattr(case_search, "PAGE_SIZE", 2)
    assert promoted_titles(client, q="党建", page="2") == []


def test_a_problem_promotion_answers_searches_naming_the_problem_or_filtering_by_it(client):
    collection = TrainingCollectionPage.objects.live().first()
    promote("党员队伍老化", collection)
    assert promoted_titles(client, q="党员老龄化怎么办") == [collection.title]  # an alias
    problem = Problem.objects.get(name="党员队伍老化")
    assert promoted_titles(client, problem=problem.slug) == [collection.title]
    assert promoted_titles(client, q="集体经济") == []


def test_only_live_public_pages_are_promoted(client):
    case = CasePage.objects.get(slug="wuchang-1-3")
    promote("农民工维权", case)
    assert promoted_titles(client, q="农民工维权") == [case.title]
    case.unpublish()
    assert promoted_titles(client, q="农民工维权") == []


def test_a_promotion_is_a_content_change(client):
    before = changes.head()
    promote("党建", CasePage.objects.get(slug="sunan-nongcun-shequ"))
    assert changes.head() != before


def test_promotions_are_the_same_on_elasticsearch(client, cluster):
    case = CasePage.objects.get(slug="xingshan-lianghui-liangping")
    promote("户联", case)
    assert promoted_titles(client, q="户联") == [case.title]
    assert any(request["path"].endswith("/_search") for request in cluster.requests)


def test_a_link_elsewhere_can_be_promoted_too(client):
    SearchPromotion.objects.create(
        query=Query.get("党建"), external_link_url="https://www.12371.cn/", external_link_text="共产党员网"
    )
    data = client.get("/search/", {"q": "党建", "format": "json"}).json()
    assert data["promoted"] == [{"title": "共产党员网", "url": "https://www.12371.cn/", "description": ""}]


def test_a_page_behind_a_password_is_not_promoted(client):
    case = CasePage.objects.get(slug="wuchang-1-3")
    promote("农民工维权", case)
    PageViewRestriction.objects.create(page=case, restriction_type=PageViewRestriction.PASSWORD, password="x")
    assert promoted_titles(client, q="农民工维权") == []


def test_opening_a_promoted_page_is_recorded_for_its_search(client):
    collection = TrainingCollectionPage.objects.live().first()
    promote("电商直播", collection)
    browser = {"HTTP_ACCEPT_LANGUAGE": "zh-CN", "HTTP_USER_AGENT": "Mozilla/5.0"}
    page = client.get("/search/", {"q": "电商直播"}, **browser).content.decode()
    link = re.search(r'<li class="promoted-hit"><a href="([^"]+)" rel="nofollow">', page).group(1)
    response = client.get(unescape(link), **browser)
    assert response.status_code == 302 and response["Location"] == collection.url
    assert OpenedResult.objects.get().query == "电商直播"
