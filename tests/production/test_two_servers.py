"""Issue 24: two app servers, one database. Each gunicorn has its own page-cache directory (as
two machines would) and its own processes' catalogues; they share PostgreSQL with its change
journal and the media folder. A case unpublished and published again through one server is
gone from, and back on, every surface of the other at its first request after the change."""

import json
import re

import pytest

from .conftest import SUPERUSER, SUPERUSER_PASSWORD
from .http import Reader

pytestmark = pytest.mark.production

SLUG = "xingshan-lianghui-liangping"
CASE = f"/cases/{SLUG}/"
QUERY = "/search/?q=两会两评"


def surfaces(base):
    """Where a reader of `base` can meet the case: {surface: shown?}."""
    reader = Reader(base)
    page_status, page = reader.text(CASE)
    api = json.loads(reader.get("/api/v2/pages/?type=cases.CasePage&limit=20").data)
    return {
        "page": page_status == 200 and "两会两评" in page,
        "case library": f'href="{CASE}"' in reader.text("/cases/")[1],
        # A result links to the case through the search log's /search/open/<id>/.
        "search": bool(
            re.search(
                r'class="hit__title"><a href="/search/open/\d+/[^"]*" rel="nofollow">[^<]*两会两评',
                reader.text(QUERY)[1],
            )
        ),
        "API": SLUG in {item["meta"]["slug"] for item in api["items"]},
        "RSS feed": CASE in reader.text("/feeds/cases/")[1],
        "Atom feed": CASE in reader.text("/feeds/cases/atom/")[1],
    }


def cached(base, paths):
    """Whether each path is now answered from `base`'s page cache."""
    return {path: Reader(base).get(path).headers.get("X-Page-Cache") for path in paths}


def bulk_action(admin, action, page_id):
    path = f"/admin/bulk/wagtailcore/page/{action}/?id={page_id}&next=/admin/"
    assert admin.get(path).status == 200
    response = admin.post(path, {"include_descendants": ""})
    assert response.status == 302, response.data[:500]


def test_a_change_through_one_server_is_seen_by_the_other_at_its_next_request(app_server):
    first, second = app_server("first"), app_server("second")
    everywhere = dict.fromkeys(["page", "case library", "search", "API", "RSS feed", "Atom feed"], True)
    nowhere = dict.fromkeys(everywhere, False)
    # Warm the second server: its worker has read the catalogue, its pages are cached.
    for _ in range(2):
        assert surfaces(second) == everywhere
    assert set(cached(second, [CASE, "/cases/", QUERY, "/feeds/cases/"]).values()) == {"hit"}
    page_id = json.loads(Reader(second).get(f"/api/v2/pages/?slug={SLUG}").data)["items"][0]["id"]

    admin = Reader(first).log_in(SUPERUSER, SUPERUSER_PASSWORD)
    bulk_action(admin, "unpublish", page_id)
    assert surfaces(second) == nowhere
    assert Reader(second).get(CASE).status == 404

    bulk_action(admin, "publish", page_id)
    assert surfaces(second) == everywhere
    # and the first server, whose own processes made the change, agrees
    assert surfaces(first) == everywhere
