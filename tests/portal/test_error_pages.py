"""Error pages in Chinese (issues 22 and 24), each as production serves it (DEBUG off)."""

import re

import pytest
from django.test import Client

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.portal.error_urls")]

# A run of English words is what Django's own error pages show ("Not Found", "Server Error").
ENGLISH = re.compile(r"[A-Za-z]{3,}(?:\s+[A-Za-z]{3,}){1,}")


def visible_text(html):
    html = re.sub(r"<(script|style|head)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


@pytest.fixture
def reader(settings):
    settings.DEBUG = False
    return Client(raise_request_exception=False)


def assert_chinese_error_page(response, status, heading):
    assert response.status_code == status
    html = response.content.decode()
    assert '<html lang="zh-Hans">' in html
    assert heading in html
    assert 'action="/search/"' in html and 'href="/cases/"' in html
    assert not ENGLISH.search(visible_text(html)), ENGLISH.search(visible_text(html))


@pytest.mark.parametrize("path", ["/no-such-page/", "/cases/no-such-case/", "/feeds/themes/no-such-theme/"])
def test_not_found(reader, path):
    assert_chinese_error_page(reader.get(path), 404, "找不到这个页面")


def test_server_error(reader):
    assert_chinese_error_page(reader.get("/__broken__/"), 500, "服务器出了问题")


def test_permission_denied(reader):
    assert_chinese_error_page(reader.get("/__forbidden__/"), 403, "没有权限")


def test_bad_request(reader):
    assert_chinese_error_page(reader.get("/__suspicious__/"), 400, "无法处理这个请求")


def test_a_host_not_allowed_is_a_bad_request(reader, settings):
    settings.ALLOWED_HOSTS = ["example.org"]
    assert_chinese_error_page(reader.get("/", HTTP_HOST="evil.example"), 400, "无法处理这个请求")


def test_csrf_failure_explains_what_to_do(settings):
    settings.DEBUG = False
    client = Client(enforce_csrf_checks=True)
    response = client.post("/admin/login/", {"username": "a", "password": "b"})
    assert_chinese_error_page(response, 403, "页面已过期")
    assert "返回" in response.content.decode()


def test_the_demo_serves_uploads_without_debug(settings, tmp_path):
    """`make demo` runs without DEBUG (its error pages in Chinese), so the development settings'
    SERVE_MEDIA, not DEBUG, makes runserver serve uploads."""
    import importlib

    from django.urls import clear_url_caches

    import portal.urls

    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    settings.MEDIA_ROOT = tmp_path
    settings.SERVE_MEDIA = True
    settings.ROOT_URLCONF = importlib.reload(portal.urls).__name__
    try:
        response = Client().get("/media/images/photo.png")
        assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"\x89PNG")
        # Only images, as nginx serves them: documents go through their own (private) view.
        (tmp_path / "documents").mkdir()
        (tmp_path / "documents" / "notes.txt").write_text("草稿")
        assert Client().get("/media/documents/notes.txt").status_code == 404
    finally:
        del settings.SERVE_MEDIA
        importlib.reload(portal.urls)
        clear_url_caches()
