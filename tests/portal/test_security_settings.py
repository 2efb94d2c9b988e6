"""Issue 10: login throttling, the Content-Security-Policy, upload limits, check --deploy."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.images import get_image_model
from wagtail.images.forms import get_image_form

ADMIN_LOGIN = "/admin/login/"


@pytest.fixture
def editor_account(db):
    return get_user_model().objects.create_user("throttled", password="正确的密码-123")


def attempt(client, password):
    return client.post(ADMIN_LOGIN, {"username": "throttled", "password": password})


def test_admin_login_locks_after_repeated_failures_and_says_so_in_chinese(client, editor_account):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, "错误").status_code == 200  # the form again, with its error
    locked = attempt(client, "错误")
    assert locked.status_code == 429
    assert "登录已暂停" in locked.content.decode()
    # Locked out: even the right password is refused until the cool-off ends.
    assert attempt(client, "正确的密码-123").status_code == 429


def test_behind_nginx_a_lockout_holds_one_readers_address_not_the_proxys(client, editor_account, settings):
    """Every request reaches gunicorn from nginx (127.0.0.1); the reader's address is in the
    X-Real-IP header nginx sets, which production settings read."""
    read = "import django; django.setup(); from django.conf import settings as s; print(s.AXES_CLIENT_IP_CALLABLE)"
    production_value = production("-c", read, static_root=settings.STATIC_ROOT).stdout.strip()
    assert production_value == "portal.proxy.client_address"
    settings.AXES_CLIENT_IP_CALLABLE = production_value
    guesser = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_REAL_IP": "203.0.113.7"}
    colleague = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_REAL_IP": "198.51.100.20"}
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(ADMIN_LOGIN, {"username": "throttled", "password": "错误"}, **guesser)
    assert (
        client.post(ADMIN_LOGIN, {"username": "throttled", "password": "正确的密码-123"}, **guesser).status_code == 429
    )
    other = type(client)()
    response = other.post(ADMIN_LOGIN, {"username": "throttled", "password": "正确的密码-123"}, **colleague)
    assert response.status_code == 302


def test_a_correct_login_resets_the_failure_count(client, editor_account):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, "错误")
    assert attempt(client, "正确的密码-123").status_code == 302
    client.logout()
    assert attempt(client, "错误").status_code == 200


@pytest.mark.django_db
def test_public_pages_carry_a_content_security_policy(client):
    policy = client.get("/cases/wuchang-1-3/")["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'self'"
    assert "unsafe-inline" not in directives["default-src"]


def test_admin_is_left_to_wagtails_own_defences(admin_client):
    response = admin_client.get("/admin/")
    assert response.status_code == 200
    assert "Content-Security-Policy" not in response


ELEVEN_MEGABYTES = 11 * 1024 * 1024


@pytest.mark.django_db
def test_request_bodies_over_ten_megabytes_are_refused(client):
    response = client.post(ADMIN_LOGIN, {"username": "党" * (ELEVEN_MEGABYTES // 3), "password": "x"})
    assert response.status_code == 400


def test_images_over_ten_megabytes_are_refused_with_a_message(db):
    form_class = get_image_form(get_image_model())
    upload = SimpleUploadedFile("big.png", b"\x89PNG\r\n\x1a\n" + b"0" * ELEVEN_MEGABYTES, content_type="image/png")
    form = form_class(
        {"title": "太大的图片", "description": "测试", "source": "", "credit": ""},
        {"file": upload},
        user=get_user_model().objects.create_superuser("imgadmin", password="x"),
    )
    assert not form.is_valid()
    assert "file" in form.errors


def production(*args, static_root, database=None):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.production",
        "SECRET_KEY": "x" * 60 + "production-check-only",
        "ALLOWED_HOSTS": "example.org",
        "STATIC_ROOT": str(static_root),
        **({"DATABASE_URL": f"sqlite:///{database}"} if database else {}),
    }
    return subprocess.run(
        [sys.executable, *args], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=300
    )


def test_production_without_collected_static_files_says_what_to_run(tmp_path):
    check = production("manage.py", "check", "--deploy", static_root=tmp_path / "static")
    assert check.returncode != 0
    assert "portal.E001" in check.stderr and "静态文件尚未收集" in check.stderr
    assert "make production" in check.stderr
    # The server refuses to start with the same message instead of answering 500 everywhere …
    start = production("-c", "import portal.wsgi", static_root=tmp_path / "static")
    assert start.returncode != 0 and "静态文件尚未收集" in start.stderr
    # … and neither migrate nor the command that fixes it is blocked by it.
    migrate = production("manage.py", "migrate", "--plan", static_root=tmp_path / "static", database=tmp_path / "db")
    assert migrate.returncode == 0, migrate.stderr
    collect = production("manage.py", "collectstatic", "--noinput", static_root=tmp_path / "static")
    assert collect.returncode == 0, collect.stderr
    check = production("manage.py", "check", "--deploy", "--fail-level", "WARNING", static_root=tmp_path / "static")
    assert check.returncode == 0, check.stderr + check.stdout
    assert "no issues" in check.stdout
    assert production("-c", "import portal.wsgi", static_root=tmp_path / "static").returncode == 0
