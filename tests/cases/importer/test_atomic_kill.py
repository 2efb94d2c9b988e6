"""Killing the process in the middle of an import leaves no partial page (issue 10).

`manage.py import_case` runs in a subprocess against a SQLite file holding a copy of the test
database. A hook in that process kills it with SIGKILL — no cleanup, no rollback by Python —
right after the first draft page has been written inside the import's transaction; the file
must then hold no page, revision or case of that import. The same run without the kill must
write its drafts, or the test would prove nothing.
"""

import os
import signal
import sqlite3
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

SEED = settings.SEEDS_DIR / "004_4d9ba10b11190ad5.txt"  # two cases: two drafts in one transaction
# The hook: create.create_draft writes one draft page; after the first, the process dies.
SCRIPT = """
import os, signal, sys
import django
django.setup()
from django.core.management import call_command
from cases.importer import create

write_draft = create.create_draft

def write_then_die(*args, **kwargs):
    page = write_draft(*args, **kwargs)
    print(f"written {page.pk}", flush=True)
    os.kill(os.getpid(), signal.SIGKILL)

if os.environ.get("IMPORT_KILL_AFTER_FIRST_PAGE"):
    create.create_draft = write_then_die
call_command("import_case", sys.argv[1])
"""


@pytest.fixture
def database_file(tmp_path, django_db_setup, django_db_blocker):
    """A SQLite file with the test database's content (site, case library, seed cases)."""
    path = tmp_path / "portal.sqlite3"
    env = {"DATABASE_URL": f"sqlite:///{path}"}
    with django_db_blocker.unblock():
        if connection.vendor == "sqlite":
            connection.ensure_connection()
            with sqlite3.connect(path) as target:
                connection.connection.backup(target)
                # The seed case 翁源 holds its source's text: without this, the import is refused
                # as a duplicate before it writes anything (test_create covers that).
                target.execute("UPDATE cases_casepage SET body_fingerprint = ''")
            return path, env
    # Another database under test: build the file the long way.
    for command in (["migrate", "--no-input"], ["setup_portal"]):
        run([sys.executable, "manage.py", *command], env)
    return path, env


def run(arguments, env, check=True):
    result = subprocess.run(
        arguments,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.test", **env},
    )
    if check:
        assert result.returncode == 0, result.stderr
    return result


def rows(path):
    with sqlite3.connect(path) as db:
        return {
            "pages": db.execute("SELECT count(*) FROM wagtailcore_page").fetchone()[0],
            "revisions": db.execute("SELECT count(*) FROM wagtailcore_revision").fetchone()[0],
            "imported": db.execute("SELECT count(*) FROM cases_casepage WHERE import_notes <> ''").fetchone()[0],
        }


def test_killing_the_import_after_its_first_page_leaves_nothing(database_file):
    path, env = database_file
    before = rows(path)
    assert before["imported"] == 0

    killed = run([sys.executable, "-c", SCRIPT, str(SEED)], {**env, "IMPORT_KILL_AFTER_FIRST_PAGE": "1"}, check=False)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    [written] = [line.split()[1] for line in killed.stdout.splitlines() if line.startswith("written ")]
    with sqlite3.connect(path) as db:  # opening the file rolls the interrupted transaction back
        assert db.execute("SELECT count(*) FROM wagtailcore_page WHERE id = ?", [written]).fetchone()[0] == 0
        assert db.execute("SELECT count(*) FROM cases_casepage WHERE page_ptr_id = ?", [written]).fetchone()[0] == 0
    assert rows(path) == before

    completed = run([sys.executable, "-c", SCRIPT, str(SEED)], env)
    assert "已创建草稿" in completed.stdout
    assert rows(path)["imported"] == 2
