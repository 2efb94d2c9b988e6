"""Issue 10: login throttling, the Content-Security-Policy and upload limits."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

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


def test_uploads_over_ten_megabytes_are_refused_before_reaching_a_view():
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == settings.FILE_UPLOAD_MAX_MEMORY_SIZE == 10 * 1024 * 1024
    assert settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE == 10 * 1024 * 1024


def test_production_settings_pass_check_deploy_and_keep_the_policy():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.production",
           "SECRET_KEY": "x" * 60 + "production-check-only", "ALLOWED_HOSTS": "example.org"}
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            cwd=settings.BASE_DIR, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout
