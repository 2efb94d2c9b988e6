"""Issue 9: every public page stays within 12 SQL queries, whatever the content size.

Counted with a warm process (site root paths and content types cached, as in a running
server); timings are measured by `make bench`, never here.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import CasePage, RelatedCase

BUDGET = 12
PAGES = [
    "/",
    "/cases/",
    "/cases/?region=黑龙江省",
    "/cases/?theme=服务群众&year=2009",
    "/cases/wuchang-1-3/",
    "/search/?q=党建",
    "/search/?q=集体经济&region=山东省",
    "/search/?q=黨員創業&sort=newest",
    "/search/?q=党建&format=json",
    "/search/?q=没有这个词",
    "/search/",
    "/compare/?cases=wuchang-1-3,zhucheng-chengxiang-lianjian,xingshan-lianghui-liangping",
    "/training/",
    "/training/chengxiang-tongchou/",
    "/training/chengxiang-tongchou/print/",
    "/training/chengxiang-tongchou/handout.docx",
    "/stats/",
    "/stats.json",
    "/stats.csv",
]


def queries_for(client, url):
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.django_db
@pytest.mark.parametrize("url", PAGES)
def test_public_page_stays_within_query_budget(client, url):
    assert queries_for(client, url) <= BUDGET


@pytest.mark.django_db
def test_case_page_budget_holds_with_picked_and_with_similar_cases(client):
    case = CasePage.objects.get(slug="xingshan-lianghui-liangping")
    RelatedCase.objects.filter(page=case).delete()
    similar = queries_for(client, case.url)
    for other in CasePage.objects.exclude(pk=case.pk):
        RelatedCase.objects.create(page=case, case=other)
    picked = queries_for(client, case.url)
    assert similar <= BUDGET and picked <= BUDGET
