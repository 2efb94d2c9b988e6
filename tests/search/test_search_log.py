"""Issue 23: the search log (no personal data, cached searches too, never a content change),
opened results, retention, and the admin's search reports."""

import csv
import io
import logging
import re
from datetime import timedelta
from html import unescape

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import ModelLogEntry

from cases import changes
from cases.models import CasePage
from cases.taxonomy import Problem
from portal.editorial import EDITORS
from search.log import recorder
from search.log.aliases import AliasForm
from search.log.models import OpenedResult, SearchLog
from search.text import vocabulary

pytestmark = pytest.mark.django_db
User = get_user_model()

BROWSER = {"HTTP_ACCEPT_LANGUAGE": "zh-CN,zh;q=0.9", "HTTP_USER_AGENT": "Mozilla/5.0 (iPhone) MicroMessenger/8.0"}


@pytest.fixture(autouse=True)
def nothing_pending():
    """Entries a test left unwritten in the process are not the next test's."""
    recorder._pending.clear()
    yield
    recorder._pending.clear()


def search(client, **params):
    return client.get("/search/", params, **BROWSER)


def test_a_search_writes_one_row_with_no_personal_data(client):
    assert {field.name for field in SearchLog._meta.get_fields()} == {
        "id",
        "day",
        "query",
        "terms",
        "correction",
        "filters",
        "results",
    }
    assert {field.name for field in OpenedResult._meta.get_fields()} == {"id", "day", "query", "filters"}
    response = search(client, q="黨員老齡化怎麼辦", region="湖北省")
    assert response.status_code == 200 and recorder.HEADER not in response
    row = SearchLog.objects.get()
    total = int(re.search(r"共找到 (\d+) 个案例", response.content.decode()).group(1))
    assert row.day == timezone.localdate() and row.results == total > 0
    assert row.query == "党员老龄化怎么办"  # folded, as searched
    assert ("problem", "党员队伍老化") in [(kind, name) for kind, _, name in row.terms]
    assert row.filters == "region=%E6%B9%96%E5%8C%97%E7%9C%81"


def test_a_long_number_in_a_query_is_never_kept(client):
    search(client, q="村支书电话13912345678怎么联系")
    assert SearchLog.objects.get().query == "村支书电话***********怎么联系"


def test_corrections_are_logged_and_later_pages_are_the_same_search(client):
    search(client, q="共建共付")
    assert SearchLog.objects.get().correction == "共建共富"
    for again in ({"page": "2"}, {"page": "1"}, {"sort": "newest"}, {"as_typed": "1"}):
        search(client, q="共建共付", **again)
    assert SearchLog.objects.count() == 1
    search(client, q="共建共付", region="湖北省")  # narrowed by a filter: a search of its own
    assert SearchLog.objects.count() == 2


def test_a_search_asked_for_as_json_is_logged_too(client):
    response = search(client, q="两会两评", format="json")
    row = SearchLog.objects.get()
    assert (row.query, row.results) == ("两会两评", response.json()["total"]) and recorder.HEADER not in response


def test_crawlers_scripts_and_staff_are_not_logged(client):
    client.get("/search/", {"q": "党建"})  # no Accept-Language
    client.get("/search/", {"q": "党建"}, HTTP_ACCEPT_LANGUAGE="zh-CN", HTTP_USER_AGENT="Baiduspider/2.0")
    client.get("/search/")  # no search at all
    client.force_login(User.objects.create_superuser("log-staff", "log-staff@example.com", "x"))
    search(client, q="党建")  # an editor checking what readers see
    assert not SearchLog.objects.exists()


def test_a_search_the_page_cache_answers_is_logged_and_no_search_is_a_content_change(client, settings):
    settings.PAGE_CACHE_SECONDS = 60
    head = changes.head()
    first = search(client, q="集体经济")
    second = search(client, q="集体经济")
    assert second["X-Page-Cache"] == "hit" and recorder.HEADER not in second
    assert first.content == second.content
    assert SearchLog.objects.filter(query="集体经济").count() == 2
    assert changes.head() == head


def test_a_logged_search_adds_at_most_one_query(client):
    client.get("/search/", {"q": "党建"})  # warm the process
    with CaptureQueriesContext(connection) as unlogged:
        client.get("/search/", {"q": "党建"})
    with CaptureQueriesContext(connection) as logged:
        search(client, q="党建")
    assert SearchLog.objects.count() == 1
    assert len(logged) <= len(unlogged) + 1


def test_a_failing_log_write_does_not_break_the_search(client, monkeypatch, caplog):
    def refuse(*args, **kwargs):
        raise RuntimeError("database is locked")

    monkeypatch.setattr(SearchLog.objects, "bulk_create", refuse)
    with caplog.at_level(logging.ERROR, logger="search.log.recorder"):
        response = search(client, q="党建")
    assert response.status_code == 200 and "共找到" in response.content.decode()
    assert "搜索记录写入失败" in caplog.text


def test_entries_are_written_in_batches(client, settings):
    settings.SEARCH_LOG_BATCH = 3
    search(client, q="党建")
    search(client, q="城乡")
    assert not SearchLog.objects.exists()
    search(client, q="合作社")
    assert sorted(SearchLog.objects.values_list("query", flat=True)) == ["党建", "合作社", "城乡"]


def _result_links(response):
    return re.findall(r'<h2 class="hit__title"><a href="([^"]+)" rel="nofollow">', response.content.decode())


def test_opening_a_result_is_recorded_for_its_search_and_is_never_cached(client, settings):
    settings.PAGE_CACHE_SECONDS = 60
    links = _result_links(search(client, q="两会两评", region="湖北省"))
    assert len(links) == 1 and links[0].startswith("/search/open/")
    case = CasePage.objects.get(slug="xingshan-lianghui-liangping")
    response = client.get(unescape(links[0]), **BROWSER)
    assert response.status_code == 302 and response["Location"] == case.url
    assert "no-cache" in response["Cache-Control"] and response["X-Robots-Tag"] == "noindex"
    searched, opened = SearchLog.objects.get(), OpenedResult.objects.get()
    assert (opened.day, opened.query, opened.filters) == (searched.day, searched.query, searched.filters)
    # A crawler following the link is sent on but records nothing.
    client.get(unescape(links[0]), HTTP_USER_AGENT="Googlebot")
    assert OpenedResult.objects.count() == 1


def test_an_open_is_recorded_whichever_process_holds_the_search(client, settings):
    # The search's entry waits in this process's batch (or another server process's): the open
    # is a row of its own, written at once.
    settings.SEARCH_LOG_BATCH = 20
    links = _result_links(search(client, q="两会两评"))
    client.get(unescape(links[0]), **BROWSER)
    assert not SearchLog.objects.exists() and OpenedResult.objects.get().query == "两会两评"


def test_the_open_link_goes_only_to_published_cases(client):
    draft = CasePage.objects.get(slug="wuchang-1-3")
    draft.unpublish()
    response = client.get(f"/search/open/{draft.pk}/", {"q": "x"}, **BROWSER)
    assert response.status_code == 404 and "错误代码 404" in response.content.decode()
    assert client.get("/search/open/99999999999999999999/", **BROWSER).status_code == 404
    assert not OpenedResult.objects.exists()


def test_purge_deletes_what_is_older_than_the_retention(settings):
    settings.SEARCH_LOG_RETENTION_DAYS = 30
    today = timezone.localdate()
    for days in (0, 29, 30, 31, 400):
        SearchLog.objects.create(day=today - timedelta(days=days), query=f"{days}", results=1)
        OpenedResult.objects.create(day=today - timedelta(days=days), query=f"{days}")
    out = io.StringIO()
    call_command("purge_search_log", stdout=out)
    assert sorted(SearchLog.objects.values_list("query", flat=True), key=int) == ["0", "29", "30"]
    assert sorted(OpenedResult.objects.values_list("query", flat=True), key=int) == ["0", "29", "30"]
    assert "已删除 4 条" in out.getvalue()


# --- reports ---------------------------------------------------------------------------------


@pytest.fixture
def seeded_log():
    today = timezone.localdate()
    old = today - timedelta(days=40)
    rows = [
        # day, query, filters, results, problem
        (today, "集体经济", "", 3, None),
        (today, "集体经济", "", 3, None),
        (today, "集体经济", "", 3, None),
        (today, "党员老龄化", "", 2, ("problem", "a", "党员队伍老化")),
        (today, "党员老龄化", "", 2, ("problem", "a", "党员队伍老化")),
        (today, "电商直播", "", 0, None),
        (today, "", "problem=x", 1, None),
        (today, "=HYPERLINK(1)", "", 0, None),
        (today, "合作社", "", 5, None),
        (old, "电商直播", "", 0, None),
        (old, "集体经济", "", 3, ("problem", "b", "集体经济薄弱")),
    ]
    SearchLog.objects.bulk_create(
        SearchLog(day=day, query=query, filters=filters, results=results, terms=[list(term)] if term else [])
        for day, query, filters, results, term in rows
    )
    OpenedResult.objects.bulk_create(
        [
            OpenedResult(day=today, query="集体经济"),
            OpenedResult(day=old, query="集体经济"),
            OpenedResult(day=old, query="合作社"),  # a search of long ago, not of today's
        ]
    )
    return today, old


def _export(client, url, **params):
    response = client.get(url, {**params, "export": "csv"})
    assert response.status_code == 200 and response["Content-Disposition"].endswith('.csv"')
    content = b"".join(response.streaming_content).decode("utf-8")
    assert content.startswith("\ufeff")  # so that Excel reads it as UTF-8
    return list(csv.reader(io.StringIO(content[1:])))


def test_reports_count_the_log(client, reviewer, seeded_log):
    today, old = seeded_log
    popular = _export(client, "/admin/reports/searches/popular/")
    assert popular[0] == ["搜索词", "搜索次数", "点开结果的次数", "最多结果数"]
    assert popular[1:] == [
        ["集体经济", "4", "2", "3"],
        ["党员老龄化", "2", "0", "2"],
        ["电商直播", "2", "0", "0"],
        ["'=HYPERLINK(1)", "1", "0", "0"],  # typed into the search box: never a formula in Excel
        ["合作社", "1", "1", "5"],
    ]
    recent = _export(client, "/admin/reports/searches/popular/", period="30")
    assert recent[1] == ["集体经济", "3", "1", "3"]
    ranged = _export(client, "/admin/reports/searches/popular/", day_from=old.isoformat(), day_to=old.isoformat())
    assert [row[:2] for row in ranged[1:]] == [["电商直播", "1"], ["集体经济", "1"]]

    few = _export(client, "/admin/reports/searches/few-results/", period="7")
    assert [row[:4] for row in few[1:]] == [
        ["'=HYPERLINK(1)", "", "1", "0"],
        ["电商直播", "", "1", "0"],
        ["", "针对难题：x", "1", "1"],
        ["党员老龄化", "", "2", "2"],
    ]
    unopened = _export(client, "/admin/reports/searches/unopened/")
    assert [row[0] for row in unopened[1:]] == ["党员老龄化", ""]
    # 合作社's results were opened only 40 days ago: in the last 30 days, nobody opened them.
    recent_unopened = _export(client, "/admin/reports/searches/unopened/", period="30")
    assert [row[0] for row in recent_unopened[1:]] == ["党员老龄化", "", "合作社"]

    problems = _export(client, "/admin/reports/searches/problems/")
    assert problems[1:] == [
        [today.strftime("%Y-%m"), "党员队伍老化", "2"],
        [old.strftime("%Y-%m"), "集体经济薄弱", "1"],
    ]


def test_reports_pages_are_in_chinese_and_link_what_to_do(client, reviewer, seeded_log):
    page = client.get("/admin/reports/searches/few-results/").content.decode()
    assert "无结果或结果很少的搜索" in page and "导入案例" in page and "/admin/cases/import/" in page
    assert "（只用了筛选）" in page and "针对难题：x" in page and "None" not in page.split("<tbody>")[1]
    assert "/admin/reports/searches/promote/?query_string=%E7%94%B5%E5%95%86%E7%9B%B4%E6%92%AD" in page
    assert 'href="/search/?q=%E7%94%B5%E5%95%86%E7%9B%B4%E6%92%AD"' in page
    # The reports are in the admin's 报告 menu for those who may read them.
    assert "/admin/reports/searches/problems/" in client.get("/admin/").content.decode()


def test_reports_are_for_reviewers_and_administrators(client, seeded_log):
    editor = User.objects.create_user("log-editor", "log-editor@example.com", "x")
    editor.groups.add(Group.objects.get(name=EDITORS))
    client.force_login(editor)
    assert client.get("/admin/reports/searches/popular/").status_code in (302, 403)
    assert "/admin/reports/searches/" not in client.get("/admin/").content.decode()
    admin = User.objects.create_superuser("log-admin", "log-admin@example.com", "x")
    client.force_login(admin)
    assert client.get("/admin/reports/searches/popular/").status_code == 200


# --- teaching search a search's words --------------------------------------------------------

ALIAS_URL = "/admin/reports/searches/alias/"
UNANSWERED = "老百姓对村干部有怨气"


@pytest.fixture
def lexicon_read_afresh_after():
    """The alias a test adds reaches the lexicon too: forgotten with its rolled-back row."""
    yield
    vocabulary.reset()


def test_a_reviewer_adds_a_searchs_words_as_an_alias_and_the_search_then_finds_the_terms_cases(
    client, reviewer, lexicon_read_afresh_after
):
    SearchLog.objects.create(day=timezone.localdate(), query=UNANSWERED, results=0)
    report = client.get("/admin/reports/searches/few-results/").content.decode()
    assert f"{ALIAS_URL}?query=" in report and "加为词条别名" in report
    assert search(client, q=UNANSWERED).context["results"].total == 0
    form = client.get(ALIAS_URL, {"query": UNANSWERED})
    page = form.content.decode()
    assert form.status_code == 200 and "把搜索的说法加为词条别名" in page and "现在找到 0 个案例" in page
    assert "没有案例提到：怨气" in page
    problem = Problem.objects.get(name="干群关系疏远")
    filed = set(problem.cases.live().values_list("slug", flat=True))
    assert filed

    response = client.post(ALIAS_URL, {"query": UNANSWERED, "term": f"problem:{problem.pk}", "alias": "有怨气"})
    assert response.status_code == 302 and response["Location"].endswith("/admin/reports/searches/few-results/")
    problem.refresh_from_db()
    assert problem.alias_list[-1] == "有怨气"
    said = [str(message) for message in get_messages(response.wsgi_request)]
    assert said == [f"已把“有怨气”加为针对难题“干群关系疏远”的别名。现在搜索“{UNANSWERED}”找到 {len(filed)} 个案例。"]
    found = search(client, q="村民对村干部有怨气怎么办").context["results"]
    assert {hit.case.slug for hit in found.hits} == filed
    assert ModelLogEntry.objects.filter(object_id=str(problem.pk), action="wagtail.edit").exists()


@pytest.mark.parametrize(
    "alias, error",
    [
        ("怎么办", "只有提问和虚词"),
        ("党员老龄化", "已是“党员队伍老化”的名称或别名"),
        ("集体经济薄弱", "已是针对难题“集体经济薄弱”的名称"),
        ("农村", "已是领域“农村”的名称"),
        ("怨", "太短"),
        ("有怨气，没人管", "一次只加一个别名"),
        ("、、", "一次只加一个别名"),
        ("有" * 21, "别名最多 20 个字（现在 21 个）"),
    ],
)
def test_an_alias_search_cannot_use_is_refused_in_chinese_and_nothing_is_saved(client, reviewer, alias, error):
    problem = Problem.objects.get(name="党员队伍老化")
    before = problem.aliases
    response = client.post(ALIAS_URL, {"query": "", "term": f"problem:{problem.pk}", "alias": alias})
    assert response.status_code == 200 and error in response.content.decode()
    problem.refresh_from_db()
    assert problem.aliases == before


def test_only_those_who_keep_the_vocabularies_may_add_aliases(client, seeded_log):
    watcher = User.objects.create_user("log-watcher", "log-watcher@example.com", "x")
    watcher.user_permissions.add(
        Permission.objects.get(codename="access_admin"), Permission.objects.get(codename="view_searchlog")
    )
    client.force_login(watcher)
    report = client.get("/admin/reports/searches/few-results/")
    assert report.status_code == 200 and "创建推荐" in report.content.decode()
    assert ALIAS_URL not in report.content.decode()
    assert client.get(ALIAS_URL, {"query": "电商直播"}).status_code in (302, 403)


def test_an_alias_another_reviewer_adds_meanwhile_is_kept(client, reviewer, monkeypatch, lexicon_read_afresh_after):
    problem = Problem.objects.get(name="干群关系疏远")
    checked = AliasForm.clean

    def checked_then_edited_elsewhere(form):
        cleaned = checked(form)
        Problem.objects.filter(pk=problem.pk).update(aliases=f"{problem.aliases}\n群众不信任干部")
        return cleaned

    monkeypatch.setattr(AliasForm, "clean", checked_then_edited_elsewhere)
    response = client.post(ALIAS_URL, {"query": "", "term": f"problem:{problem.pk}", "alias": "有怨气"})
    assert response.status_code == 302
    problem.refresh_from_db()
    assert problem.alias_list[-2:] == ["群众不信任干部", "有怨气"]


def test_a_term_deleted_while_its_alias_was_being_saved_is_said_so(client, reviewer, monkeypatch):
    problem = Problem.objects.get(name="党员发展难")
    checked = AliasForm.clean

    def checked_then_deleted_elsewhere(form):
        cleaned = checked(form)
        problem.cases.clear()
        Problem.objects.filter(pk=problem.pk).delete()
        return cleaned

    monkeypatch.setattr(AliasForm, "clean", checked_then_deleted_elsewhere)
    response = client.post(ALIAS_URL, {"query": "", "term": f"problem:{problem.pk}", "alias": "入党的人少"})
    assert response.status_code == 200 and "这个词条刚被删除了" in response.content.decode()
