"""deploy/: the nginx site and systemd units agree with the settings they serve
(the live run is tests/production)."""

import re
from pathlib import Path

from django.conf import settings
from django.core.management import get_commands

DEPLOY = Path(settings.BASE_DIR) / "deploy"
NGINX = (DEPLOY / "nginx" / "portal.conf").read_text()
UPLOAD_LIMITS = {
    "documents": settings.WAGTAILDOCS_MAX_UPLOAD_SIZE,
    "images": settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE,
    "imports": settings.CASE_IMPORT_MAX_UPLOAD_SIZE,
    "import batches": settings.CASE_IMPORT_MAX_BATCH_SIZE,
}


def megabytes(size):
    return size // settings.MEGABYTE


def test_nginx_lets_the_largest_upload_through_and_little_more():
    body_limit = int(re.search(r"client_max_body_size (\d+)m;", NGINX).group(1))
    largest = megabytes(max(UPLOAD_LIMITS.values()))
    assert largest < body_limit <= largest + 2


def test_nginxs_page_for_too_large_uploads_states_the_apps_limits():
    page = (Path(settings.BASE_DIR) / "static" / "errors" / "413.html").read_text()
    assert f"文档最大 {megabytes(UPLOAD_LIMITS['documents'])} MB" in page
    assert megabytes(UPLOAD_LIMITS["images"]) == megabytes(UPLOAD_LIMITS["imports"])
    assert f"图片和导入的案例文件最大 {megabytes(UPLOAD_LIMITS['images'])} MB" in page
    assert f"一次导入的多个文件合计最大 {megabytes(UPLOAD_LIMITS['import batches'])} MB" in page


def test_nginx_serves_only_images_from_media_and_its_own_error_pages():
    assert settings.MEDIA_URL == "/media/" and settings.STATIC_URL == "/static/"
    assert "location /media/ {\n        deny all;" in NGINX
    assert "location ~ ^/media/(original_images|images)/ {\n        root /srv/portal;" in NGINX
    for page in ("413.html", "502.html"):
        assert f"/static/errors/{page[:3]}" in NGINX
        assert (Path(settings.BASE_DIR) / "static" / "errors" / page).is_file()


def test_nginx_believes_x_forwarded_proto_only_from_a_balancer_and_passes_the_readers_address():
    assert '"1:https" https;' in NGINX and "default $scheme;" in NGINX
    assert "proxy_set_header X-Real-IP $remote_addr;" in NGINX


def test_systemd_units_run_the_app_and_the_scheduled_publishing():
    service = (DEPLOY / "systemd" / "portal.service").read_text()
    assert "gunicorn portal.wsgi:application" in service
    assert "DJANGO_SETTINGS_MODULE=portal.settings.production" in service
    for job in ("portal-publish-scheduled", "portal-purge-search-log"):
        unit = (DEPLOY / "systemd" / f"{job}.service").read_text()
        command = re.search(r"manage\.py (\w+)", unit).group(1)
        assert command in get_commands()
        assert "OnCalendar=" in (DEPLOY / "systemd" / f"{job}.timer").read_text()
