"""Issue 24: the production smoke test. gunicorn with production settings on PostgreSQL, behind
nginx with deploy/nginx/portal.conf; every request as from a reader over HTTPS."""

import io
import re
from pathlib import Path

import pytest
from PIL import Image

from .conftest import SUPERUSER, SUPERUSER_PASSWORD, free_port
from .http import Reader

pytestmark = pytest.mark.production

CASE = "/cases/xingshan-lianghui-liangping/"


@pytest.fixture(scope="module")
def upstream_port(app_server):
    return int(app_server("smoke").rsplit(":", 1)[1])


@pytest.fixture(scope="module")
def front(upstream_port, nginx):
    return nginx(upstream_port)


@pytest.mark.parametrize(
    "path, content_type",
    [
        ("/", "text/html"),
        ("/cases/", "text/html"),
        (CASE, "text/html"),
        ("/search/?q=两会两评", "text/html"),
        ("/training/", "text/html"),
        ("/api/v2/pages/?type=cases.CasePage", "application/json"),
        ("/feeds/cases/", "application/rss+xml"),
        ("/sitemap.xml", "application/xml"),
        ("/admin/login/", "text/html"),
    ],
)
def test_main_pages_are_served(front, path, content_type):
    response = Reader(front).get(path)
    assert response.status == 200, response.data[:300]
    assert response.headers["Content-Type"].startswith(content_type)
    assert "max-age=31536000" in response.headers["Strict-Transport-Security"]


def test_plain_http_is_sent_to_https(front):
    response = Reader(front).get("/cases/", headers={"X-Forwarded-Proto": "http"})
    assert response.status == 301
    assert response.headers["Location"].startswith("https://")


def test_static_files_are_served_compressed_under_hashed_names(front):
    _, home = Reader(front).text("/")
    stylesheet = re.search(r'href="(/static/css/portal\.[0-9a-f]{12}\.css)"', home)
    assert stylesheet, "the home page links no hashed stylesheet"
    response = Reader(front).get(stylesheet.group(1), headers={"Accept-Encoding": "gzip"})
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/css")
    assert response.headers.get("Content-Encoding") == "gzip"
    assert "immutable" in response.headers["Cache-Control"]
    assert b".site-header" in response.data  # urllib3 decodes the gzip body


def test_an_image_uploaded_in_the_admin_is_served_by_nginx(front, site):
    admin = Reader(front).log_in(SUPERUSER, SUPERUSER_PASSWORD)
    picture = io.BytesIO()
    Image.new("RGB", (64, 48), (180, 20, 20)).save(picture, "PNG")
    fields = {"title": "村民议事会", "description": "村民围坐议事", "source": "", "credit": ""}
    fields["file"] = ("smoke-meeting.png", picture.getvalue(), "image/png")
    assert admin.post("/admin/images/add/", fields, multipart=True).status == 302
    response = Reader(front).get("/media/original_images/smoke-meeting.png")
    assert response.status == 200
    assert response.headers["Content-Type"] == "image/png"
    assert response.data == picture.getvalue()


def test_nginx_serves_nothing_else_of_the_media_folder(front, site):
    media = Path(site["MEDIA_ROOT"])
    for hidden in ("documents/会议纪要.pdf", ".restore-1/new/documents/x.pdf", "secret.txt"):
        (media / hidden).parent.mkdir(parents=True, exist_ok=True)
        (media / hidden).write_bytes(b"%PDF-1.4 private")
        assert Reader(front).get(f"/media/{hidden}").status == 403, hidden


def test_x_forwarded_proto_is_believed_only_from_a_balancer(upstream_port, nginx):
    not_from_a_balancer = nginx(upstream_port, balancer="192.0.2.1")
    response = Reader(not_from_a_balancer).get("/cases/")  # says https, from 127.0.0.1
    assert response.status == 301
    assert response.headers["Location"].startswith("https://")


def assert_chinese_page(response, status, words):
    body = response.data.decode("utf-8", "replace")
    assert response.status == status, body[:300]
    assert '<html lang="zh-Hans">' in body
    assert words in body, body[:500]


def test_error_pages_are_in_chinese(front):
    reader = Reader(front)
    assert_chinese_page(reader.get("/no-such-page/"), 404, "找不到这个页面")
    assert_chinese_page(reader.get("/", headers={"Host": "evil.example"}), 400, "无法处理这个请求")
    assert_chinese_page(Reader(front).request("POST", "/admin/login/", fields={"username": "x"}), 403, "页面已过期")


def test_a_body_over_the_upload_limit_gets_nginxs_chinese_page(front):
    oversized = b"0" * (22 * 1024 * 1024)
    response = Reader(front).request("POST", "/admin/login/", body=oversized, headers={"Content-Type": "text/plain"})
    assert_chinese_page(response, 413, "上传的文件太大")


def test_an_app_server_that_is_down_gets_a_chinese_page(nginx):
    with_nothing_behind = nginx(free_port())
    response = Reader(with_nothing_behind).get("/cases/")
    assert_chinese_page(response, 502, "网站暂时无法访问")
