"""The admin in Chinese: no English words on the pages an editor, a reviewer or a trainer uses,
beyond names that stay as they are (the browser suite checks what JavaScript draws)."""

from pathlib import Path

import pytest
import wagtail.admin
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone
from wagtail.models import Page

from cases.models import CaseIndexPage, CasePage, TrainingCollectionPage, TrainingIndexPage
from portal.editorial import EDITORS, REVIEWERS, TRAINERS
from search.log.models import SearchLog
from tests.admin_forms import case_form_data
from tests.admin_language import english

pytestmark = pytest.mark.django_db


def user_in(group, name):
    user = get_user_model().objects.create_user(name, f"{name}@example.org", "pw")
    user.groups.add(Group.objects.get(name=group))
    client = Client()
    client.force_login(user)
    return client


def pages_of(role):
    """The admin pages `role` works on (each must answer 200)."""
    case = CasePage.objects.get(slug="xingshan-lianghui-liangping")
    library = CaseIndexPage.objects.get()
    common = ["/admin/", "/admin/pages/search/?q=党建", "/admin/account/", "/admin/images/"]
    if role == TRAINERS:
        collection = TrainingCollectionPage.objects.first()
        training = TrainingIndexPage.objects.get()
        return [
            *common,
            f"/admin/pages/{training.pk}/",
            f"/admin/pages/{collection.pk}/edit/",
            f"/admin/pages/add/cases/trainingcollectionpage/{training.pk}/",
        ]
    pages = [
        *common,
        f"/admin/pages/{library.pk}/",
        f"/admin/pages/{Page.objects.get(depth=2).pk}/",
        f"/admin/pages/{case.pk}/edit/",
        f"/admin/pages/{case.pk}/history/",
        f"/admin/pages/add/cases/casepage/{library.pk}/",
        "/admin/images/multiple/add/",
        "/admin/documents/",
        "/admin/documents/multiple/add/",
        "/admin/cases/import/",
        "/admin/stats/",
    ]
    if role == REVIEWERS:
        pages += [
            "/admin/reports/locked/",
            "/admin/reports/aging-pages/",
            "/admin/reports/searches/popular/",
            "/admin/reports/searches/few-results/?period=30",
            "/admin/reports/searches/unopened/",
            "/admin/reports/searches/problems/",
            "/admin/reports/searches/promote/?query_string=电商直播",
            "/admin/reports/searches/alias/?query=电商直播",
            "/admin/searchpicks/",
            "/admin/searchpicks/add/",
            "/admin/choose-page/",
        ]
    return pages


@pytest.mark.parametrize("role, name", [(EDITORS, "editor1"), (REVIEWERS, "reviewer1"), (TRAINERS, "trainer1")])
def test_admin_pages_show_no_english(role, name):
    client = user_in(role, name)
    # Rows for the search reports to show (an empty report shows no table).
    SearchLog.objects.create(day=timezone.localdate(), query="电商直播", results=0)
    SearchLog.objects.create(
        day=timezone.localdate(), query="党建", results=5, terms=[["problem", "x", "集体经济薄弱"]]
    )
    found = {}
    for address in pages_of(role):
        response = client.get(address)
        assert response.status_code == 200, address  # a page this role works on is never refused
        # A chooser answers in JSON, its HTML in one of the fields.
        is_json = response["Content-Type"].startswith("application/json")
        words = english(response.json()["html"] if is_json else response.content.decode())
        if words:
            found[address] = sorted(words)
    assert found == {}


def test_the_check_finds_english():
    assert english('<p title="Reading time">字数</p><button>Search all pages…</button>') == {
        "Reading",
        "time",
        "Search",
        "all",
        "pages",
    }
    assert english('<div hidden><p>None</p></div><span aria-hidden="true">x y</span><b>None</b>') == {"None"}
    assert english("<p>下载 PDF 或 Word 文件；<script>var English = 1</script></p>") == set()


# Wagtail's templates the project overrides, each with what it changes (for English it
# hard-codes, or None it prints for a missing value).
SEARCH_BUTTON = ('value="Search"', 'value="搜索"')
OVERRIDES = {
    "wagtailadmin/shared/headers/_actions.html": ('aria-label="Actions"', 'aria-label="操作"'),
    "wagtailadmin/pages/listing/_page_title_column_header.html": (
        "items_count=items_count|intcomma %}\n            {{ start_index }}-{{ end_index }} of {{ items_count }} {{ model_name }}\n",
        'items_count=items_count|intcomma model_name=model_name|default:_("pages") %}\n'
        "            {{ start_index }}-{{ end_index }} of {{ items_count }} {{ model_name }}\n",
    ),
    "wagtailadmin/home.html": SEARCH_BUTTON,
    "wagtailadmin/shared/header.html": SEARCH_BUTTON,
    "wagtailadmin/shared/user_avatar.html": (
        "{% if not username %}{{ user }}{% else %}{{ username }}{% endif %}",
        "{% if username %}{{ username }}{% elif user %}{{ user }}{% endif %}",
    ),
}


@pytest.mark.parametrize("name", OVERRIDES)
def test_an_override_is_wagtails_template_but_for_its_change(name):
    ours = (settings.BASE_DIR / "templates" / name).read_text()
    wagtails = (Path(wagtail.admin.__file__).parent / "templates" / name).read_text()
    before, after = OVERRIDES[name]
    assert before in wagtails, "Wagtail's template changed: compare and update the override"
    assert ours.split("\n", 1)[1] == wagtails.replace(before, after)


def test_fields_wagtail_leaves_unlabelled_have_chinese_labels():
    # The promotion form's rows come from a template the English check does not read.
    html = user_in(REVIEWERS, "reviewer1").get("/admin/searchpicks/add/").content.decode()
    assert "外部链接文字" in html and "External link text" not in html


def test_the_sign_in_page_is_chinese_and_names_the_site(client):
    html = client.get("/admin/login/").content.decode()
    assert english(html) == set(), english(html)
    assert "登录基层党建典型案例库后台" in html and ">密码<" in html.replace("\n", "").replace(" ", "")
    assert "<title>登录 - 基层党建典型案例库</title>" in " ".join(html.split())
    # Its logo without Wagtail's English wordmark; its two boxes asked for alike.
    assert "icon-wagtail__wordmark" not in html
    assert 'placeholder="请输入用户名"' in html and 'placeholder="请输入密码"' in html


def test_admin_tab_titles_end_in_the_sites_name():
    html = user_in(EDITORS, "editor1").get("/admin/").content.decode()
    title = " ".join(html.split("<title>", 1)[1].split("</title>", 1)[0].split())
    assert title.endswith("- 基层党建典型案例库") and "Wagtail" not in title


def test_wagtails_chinese_is_set_as_chinese_is_written():
    """Wagtail's catalogs put ASCII quotes round names and spaces between Chinese and a name
    filled in ("页面 '…' 已被更新。", "增加 关键数据"); the project's catalog sets them right."""
    client = user_in(REVIEWERS, "reviewer1")
    case = CasePage.objects.get(slug="xingshan-lianghui-liangping")
    html = client.get(f"/admin/pages/{case.pk}/edit/").content.decode()
    assert "增加关键数据" in html and "增加 关键数据" not in html

    response = client.post(f"/admin/pages/{case.pk}/edit/", case_form_data(case), follow=True)
    assert f"页面“{case.title}”已被更新。" in response.content.decode()


def test_a_live_page_is_called_published_not_in_use():
    """Wagtail's catalog calls a live page 在用 ("in use"); a reviewer reads 已发布."""
    client = user_in(REVIEWERS, "reviewer1")
    case = CasePage.objects.get(slug="xingshan-lianghui-liangping")
    html = client.get(f"/admin/pages/{case.get_parent().pk}/").content.decode()
    assert "已发布" in html and "在用" not in html
