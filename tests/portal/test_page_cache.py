"""Issue 9: the public page cache serves anonymous readers until any content changes."""

import pytest
from django.conf import settings
from django.core.cache import caches
from django.test import override_settings

from cases import changes
from cases.models import CasePage


@pytest.fixture
def caching():
    caches[settings.PAGE_CACHE_ALIAS].clear()  # nothing cached by an earlier test
    with override_settings(PAGE_CACHE_SECONDS=300):
        yield


@pytest.mark.django_db
def test_second_anonymous_view_is_served_from_the_cache_with_one_query(client, caching, django_assert_num_queries):
    assert client.get("/cases/wuchang-1-3/")["X-Page-Cache"] == "miss"
    with django_assert_num_queries(1) as queries:  # the change journal's last entry
        response = client.get("/cases/wuchang-1-3/")
    assert "cases_contentchange" in queries.captured_queries[0]["sql"]
    assert response["X-Page-Cache"] == "hit"
    assert "五常" in response.content.decode()


@pytest.mark.django_db
def test_publishing_a_change_empties_the_cache(client, caching):
    case = CasePage.objects.get(slug="wuchang-1-3")
    client.get(case.url)
    case.title = "五常市新标题（缓存测试）"
    case.save_revision().publish()
    response = client.get(case.url)
    assert response["X-Page-Cache"] == "miss"
    assert "五常市新标题（缓存测试）" in response.content.decode()


@pytest.mark.django_db
def test_unpublishing_removes_the_page_from_readers_at_once(client, caching):
    case = CasePage.objects.get(slug="xingshan-lianghui-liangping")
    assert client.get(case.url).status_code == 200
    assert client.get("/search/?q=两会两评")["X-Page-Cache"] == "miss"
    case.unpublish()
    assert client.get(case.url).status_code == 404
    assert case.title not in client.get("/search/?q=两会两评").content.decode()


@pytest.mark.django_db
def test_signed_in_editors_and_the_admin_are_never_cached(admin_client, client, caching):
    assert "X-Page-Cache" not in admin_client.get("/cases/wuchang-1-3/")
    assert "X-Page-Cache" not in admin_client.get("/admin/")
    client.get("/cases/")
    assert client.get("/cases/")["X-Page-Cache"] == "hit"


@pytest.mark.django_db
def test_errors_are_not_cached(client, caching):
    client.get("/cases/no-such-case/")
    assert "X-Page-Cache" not in client.get("/cases/no-such-case/")


@pytest.mark.django_db
def test_logins_sessions_and_drafts_keep_the_cache(client, caching, django_user_model):
    """Only journalled changes (cases.changes) start a new generation."""
    client.get("/cases/")
    editor = django_user_model.objects.create_user("editor-cache", password="a-long-password-1")
    other = type(client)()
    other.force_login(editor)  # a session and a login saved
    draft = CasePage.objects.get(slug="wuchang-1-3")
    draft.title = "只在草稿里的标题"
    draft.save_revision()
    response = client.get("/cases/")
    assert response["X-Page-Cache"] == "hit" and "只在草稿里的标题" not in response.content.decode()


@pytest.mark.django_db
def test_a_change_journalled_by_another_process_is_seen_at_once(client, caching):
    """Another server (its own page cache, its own signals) only shares the database: a journal
    entry it wrote is enough for this one to render afresh."""
    client.get("/cases/")
    assert client.get("/cases/")["X-Page-Cache"] == "hit"
    changes.ContentChange.objects.bulk_create([changes.ContentChange(kind=changes.ContentChange.SITE)])  # no signals
    assert client.get("/cases/")["X-Page-Cache"] == "miss"
