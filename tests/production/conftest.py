"""Production as it runs: a PostgreSQL database of its own, prepared by `make production`,
gunicorn with production settings, and nginx with deploy/nginx/portal.conf in front.

DATABASE_URL names the PostgreSQL server (its database is only used to create and drop this
suite's own); `make test-production` runs the suite.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

from .http import Reader

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SUPERUSER, SUPERUSER_PASSWORD = "ops", "生产测试-ops-密码-2026"
SITE_CONF = ROOT / "deploy" / "nginx" / "portal.conf"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(base, process, log):
    reader = Reader(base)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{base} exited ({process.returncode}):\n{log.read_text()[-3000:]}")
        try:
            if reader.get("/robots.txt").status == 200:
                return
        except Exception:  # noqa: BLE001 (not listening yet)
            pass
        time.sleep(0.3)
    pytest.fail(f"{base} did not answer within 90 s:\n{log.read_text()[-3000:]}")


def stop(process):
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def workdir():
    # nginx's workers (nobody, when started as root) read media and static files from here.
    path = Path(tempfile.mkdtemp(prefix="portal-production-"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
def database():
    server = os.environ.get("DATABASE_URL", "")
    if not server.startswith("postgres"):
        pytest.fail("生产环境测试需要 DATABASE_URL 指向一个 PostgreSQL 服务器（make test-production）。")
    name = f"portal_production_{os.getpid()}"
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0")
    yield urlunsplit(urlsplit(server)._replace(path=f"/{name}"))
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def environment(workdir, database):
    """A production server's environment (the systemd unit's /etc/portal/env)."""
    env = {
        key: value for key, value in os.environ.items() if not key.startswith(("PYTEST", "DJANGO_", "SEARCH_ENGINE"))
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "portal.settings.production",
            "SECRET_KEY": "production-test-" + "s3cr3t-" * 8,
            "DATABASE_URL": database,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "WAGTAILADMIN_BASE_URL": "https://127.0.0.1",
            "STATIC_ROOT": str(workdir / "staticfiles"),
            "MEDIA_ROOT": str(workdir / "media"),
            "PAGE_CACHE_SECONDS": "600",
            "PAGE_CACHE_DIR": str(workdir / "page-cache"),
            "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
            "LOG_LEVEL": "ERROR",
        }
    )
    return env


@pytest.fixture(scope="session")
def site(environment):
    """The site prepared as the README says, with the seed cases and an administrator."""

    def run(*command, **extra):
        result = subprocess.run(
            command, cwd=ROOT, env={**environment, **extra}, capture_output=True, text=True, timeout=900
        )
        assert result.returncode == 0, f"{command}:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"

    run("make", "production")
    run(str(BIN / "python"), "manage.py", "load_cases")
    run(str(BIN / "python"), "manage.py", "search_index", "--rebuild")
    run(
        str(BIN / "python"),
        "manage.py",
        "createsuperuser",
        "--noinput",
        "--username",
        SUPERUSER,
        "--email",
        "ops@example.org",
        DJANGO_SUPERUSER_PASSWORD=SUPERUSER_PASSWORD,
    )
    (Path(environment["MEDIA_ROOT"])).mkdir(exist_ok=True)
    return environment


@pytest.fixture(scope="session")
def app_server(site, workdir):
    """Start gunicorn as deploy/systemd/portal.service does, on a free port, with its own page
    cache directory; one worker, so that the process answering after a change is the one the
    test warmed before it. Returns its base URL."""
    started = []

    def start(name):
        port = free_port()
        log = workdir / f"{name}.log"
        env = {**site, "PAGE_CACHE_DIR": str(workdir / name / "page-cache")}
        command = [str(BIN / "gunicorn"), "portal.wsgi:application", "--bind", f"127.0.0.1:{port}"]
        command += ["--workers", "1", "--timeout", "60", "--error-logfile", str(log)]
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        started.append(process)
        base = f"http://127.0.0.1:{port}"
        log.touch()
        wait_until_up(base, process, log)
        return base

    yield start
    for process in started:
        stop(process)


def site_conf(workdir, upstream_port, listen_port, balancer):
    """deploy/nginx/portal.conf with this run's folder and ports; each replaced text must be
    there, so the test notices when the file changes shape."""
    text = SITE_CONF.read_text()
    for old, new in [
        ("/srv/portal", str(workdir)),
        ("server 127.0.0.1:8000;", f"server 127.0.0.1:{upstream_port};"),
        ("listen 80;", f"listen 127.0.0.1:{listen_port};"),
        ("    127.0.0.1 1;", f"    {balancer} 1;"),
    ]:
        assert old in text, f"deploy/nginx/portal.conf no longer holds “{old}”"
        text = text.replace(old, new)
    return text


@pytest.fixture(scope="session")
def nginx(workdir):
    """Start nginx with the deploy/ site in front of an upstream port, believing X-Forwarded-Proto
    from `balancer` (the test's requests come from 127.0.0.1); returns its base URL."""
    started = []

    def start(upstream_port, balancer="127.0.0.1"):
        port = free_port()
        folder = workdir / f"nginx-{port}"
        folder.mkdir()
        (folder / "portal.conf").write_text(site_conf(workdir, upstream_port, port, balancer))
        (folder / "nginx.conf").write_text(
            f"""
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include {folder}/portal.conf;
}}
"""
        )
        nginx_bin = shutil.which("nginx") or "/usr/sbin/nginx"
        check = subprocess.run(
            [nginx_bin, "-t", "-c", f"{folder}/nginx.conf", "-p", str(folder)], capture_output=True, text=True
        )
        assert check.returncode == 0, check.stderr
        process = subprocess.Popen(
            [nginx_bin, "-c", f"{folder}/nginx.conf", "-p", str(folder), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        started.append(process)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    return base
            time.sleep(0.1)
        pytest.fail(f"nginx did not start:\n{(folder / 'error.log').read_text()}")

    yield start
    for process in started:
        stop(process)
