"""Browser tests: a real server on a throw-away SQLite database, driven by Debian's Chromium.

Run with `make test-browser` (it installs Chromium, a CJK font and axe-core if missing).
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
PASSWORDS = {"admin": "browser-admin-pw", "bianji": "browser-editor-pw", "shenhe": "browser-reviewer-pw"}


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def portal(tmp_path_factory):
    """Base URL of a portal with the seed content and the demo accounts (PASSWORDS)."""
    folder = tmp_path_factory.mktemp("portal")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.dev",
        "DJANGO_DEBUG": "false",  # as `make demo` serves it
        "DATABASE_URL": f"sqlite:///{folder / 'browser.sqlite3'}",
        "MEDIA_ROOT": str(folder / "media"),
        "DEMO_ADMIN_PASSWORD": PASSWORDS["admin"],
        "DEMO_EDITOR_PASSWORD": PASSWORDS["bianji"],
        "DEMO_REVIEWER_PASSWORD": PASSWORDS["shenhe"],
        "WAGTAIL_AUTOSAVE_INTERVAL": "0",
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    for command in (["migrate", "--noinput"], ["setup_portal"], ["load_cases"], ["create_demo_users"]):
        subprocess.run(manage + command, env=env, check=True, capture_output=True)
    port = _free_port()
    server = subprocess.Popen(
        manage + ["runserver", "--noreload", f"127.0.0.1:{port}"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base_url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base_url + "/", timeout=2)
            break
        except OSError:
            time.sleep(0.2)
    else:
        server.kill()
        pytest.fail("测试服务器没有启动")
    yield base_url
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args, portal):
    return {**browser_context_args, "base_url": portal, "locale": "zh-CN", "viewport": {"width": 375, "height": 667}}


@pytest.fixture
def axe_violations(page):
    """Run axe-core's WCAG 2.1 A/AA rules on the current page; returns the violations."""
    # An init script, not a <script> tag: the site's Content-Security-Policy (rightly) blocks
    # inline scripts, and init scripts are the browser's own, outside the page's policy.
    page.add_init_script(path=str(AXE))

    def run():
        return page.evaluate("""async () => {
            const result = await axe.run(document, {runOnly: {type: 'tag',
                values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
            return result.violations.map(v => ({id: v.id, impact: v.impact,
                nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' + n.failureSummary)}));
        }""")

    return run


@pytest.fixture
def log_in(browser, portal):
    """A new page in its own browser context, logged in to the admin as `username`."""
    contexts = []

    def open_as(username):
        context = browser.new_context(base_url=portal, locale="zh-CN", viewport={"width": 1280, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.goto("/admin/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORDS[username])
        page.click("button[type=submit]")
        page.wait_for_url("**/admin/")
        return page

    yield open_as
    for context in contexts:
        context.close()
