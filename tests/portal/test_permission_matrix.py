"""The permissions matrix (issue 10): role × state of a case × surface, every cell asserted.

Roles: anonymous, an editor (group 编辑), a reviewer (group 审核人), a superuser.

States of a case page, each with its own distinctive title word so that "does it show?" is
a check on content:

    draft         never published, no workflow                          琥珀
    in_review     never published, 案例审核 workflow in progress          翡翠
    live          published                                             玛瑙
    scheduled     approved with go_live_at tomorrow (not live yet)       珊瑚
    expired       published, expire_at passed, `publish_scheduled` run   鹦鹉
    unpublished   published, then unpublished                            琉璃
    live_changed  live (玳瑁), with a newer revision (麒麟) in review:
                  the live text must show, the draft text never
    private       live, but password-protected (PageViewRestriction)      麋鹿

Surfaces: public ones (the case page, search page and JSON, suggest, API listing / search /
detail / find, RSS / Atom / theme feeds, sitemap.xml, compare, case library, home page, a seed
case's related cases, a training collection's page, print view and Word handout) and admin ones
(preview, edit, publish, workflow approve, unschedule, unpublish, delete). Admin actions that
change what readers see are checked from the reader's side too, before and after, with the
public page cache switched on as in production (portal/page_cache.py).

The states are built once per module with Wagtail's own APIs inside one transaction that is
rolled back at the end, so the rest of the suite never sees them; each test runs in a
savepoint on top (pytest-django's `db`), so admin actions are undone after each cell.
Responses that do not depend on the state (feeds, sitemap, listings, handout …) are fetched
once per role and checked for every state.
"""

import io
import json
import xml.etree.ElementTree as ET
from datetime import timedelta
from types import SimpleNamespace
from urllib.parse import urlsplit

import docx
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import caches
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction, WorkflowState

from cases.models import CaseIndexPage, CasePage, CollectionCase, RelatedCase, TrainingCollectionPage
from cases.taxonomy import Domain, Region, Theme
from portal.editorial import EDITORS, REVIEWERS
from search.text import query_words, search_terms
from tests.admin_forms import case_form_data
from tests.conftest import SEED_SLUGS

ROLES = ("anonymous", "editor", "reviewer", "superuser")
STATES = ("draft", "in_review", "live", "scheduled", "expired", "unpublished", "live_changed", "private")

# state: (word of the live / only title, word of a newer draft revision or None)
WORDS = {
    "draft": ("琥珀", None),
    "in_review": ("翡翠", None),
    "live": ("玛瑙", None),
    "scheduled": ("珊瑚", None),
    "expired": ("鹦鹉", None),
    "unpublished": ("琉璃", None),
    "live_changed": ("玳瑁", "麒麟"),
    "private": ("麋鹿", None),
}
SEED_WITH_RELATED = "sunan-nongcun-shequ"
COLLECTION = "chengxiang-tongchou"

# --- the expected outcomes -------------------------------------------------------------------

SHOWN, HIDDEN, PROTECTED = "shown", "hidden", "protected"
# Public surfaces: SHOWN = the case (its live title, link) is there; HIDDEN = 404 or absent;
# PROTECTED = the case page asks for the password (200, none of the case's text), and the case
# is absent from every other surface.
# Text of a revision that is not live (draft titles, unpublished tags) is never shown anywhere.
PUBLIC_SURFACES = (
    "page",
    "search",
    "search_json",
    "suggest",
    "api_list",
    "api_search",
    "api_detail",
    "api_find",
    "feed_rss",
    "feed_atom",
    "feed_theme",
    "sitemap",
    "compare",
    "listing",
    "home",
    "related",
    "collection",
    "print",
    "handout",
)
PUBLIC = {
    #                  anonymous  editor  reviewer  superuser   (the same on every public surface)
    "draft": (HIDDEN, HIDDEN, HIDDEN, HIDDEN),
    "in_review": (HIDDEN, HIDDEN, HIDDEN, HIDDEN),
    "live": (SHOWN, SHOWN, SHOWN, SHOWN),
    "scheduled": (HIDDEN, HIDDEN, HIDDEN, HIDDEN),
    "expired": (HIDDEN, HIDDEN, HIDDEN, HIDDEN),
    "unpublished": (HIDDEN, HIDDEN, HIDDEN, HIDDEN),
    "live_changed": (SHOWN, SHOWN, SHOWN, SHOWN),
    "private": (PROTECTED, PROTECTED, PROTECTED, PROTECTED),
}

# Admin surfaces. Outcomes:
LOGIN = "login"  # redirected to /admin/login/, nothing changed
OK = "ok"  # preview: 200, showing the latest revision
SAVED = "saved"  # edit: the form opens (200) and "save draft" makes a new revision; live text unchanged
LOCKED = "locked"  # the form opens, but the page is locked (by the 审核人 workflow task, or by an
# approved go-live until it is unscheduled): nothing saved
DRAFT_ONLY = "draft_only"  # "publish" saves a draft revision only; nothing goes live
PUBLISHED = "published"  # the posted revision is live
APPROVED = "approved"  # workflow approved: the revision in review is live, workflow finished
UNPUBLISHED = "unpublished"  # the page is no longer live
UNSCHEDULED = "unscheduled"  # the approved go-live is withdrawn; the page stays a draft
DELETED = "deleted"  # the page is gone
DENIED = "denied"  # refused: redirected to the admin dashboard (/admin/); nothing changed

# Per Wagtail's PagePermissionTester with the group permissions of portal/editorial.py:
# 编辑 add+change, 审核人 add+change+publish+lock+unlock, the workflow's task locks the page for
# everyone outside 审核人 (superusers excepted), and an approved go-live locks the page for
# everyone until it is unscheduled. Editors delete only their own drafts that never went out for
# review or live (portal/permissions.py); Wagtail unpublishes only live pages (superusers included).
ADMIN = {
    "preview": {  # GET /admin/pages/<id>/view_draft/
        #                anonymous editor      reviewer     superuser
        "draft": (LOGIN, OK, OK, OK),
        "in_review": (LOGIN, OK, OK, OK),
        "live": (LOGIN, OK, OK, OK),
        "scheduled": (LOGIN, OK, OK, OK),
        "expired": (LOGIN, OK, OK, OK),
        "unpublished": (LOGIN, OK, OK, OK),
        "live_changed": (LOGIN, OK, OK, OK),
        "private": (LOGIN, OK, OK, OK),
    },
    "edit": {  # GET /admin/pages/<id>/edit/, then POST it ("save draft") with a new title
        "draft": (LOGIN, SAVED, SAVED, SAVED),
        "in_review": (LOGIN, LOCKED, SAVED, SAVED),
        "live": (LOGIN, SAVED, SAVED, SAVED),
        "scheduled": (LOGIN, LOCKED, LOCKED, LOCKED),
        "expired": (LOGIN, SAVED, SAVED, SAVED),
        "unpublished": (LOGIN, SAVED, SAVED, SAVED),
        "live_changed": (LOGIN, LOCKED, SAVED, SAVED),
        "private": (LOGIN, SAVED, SAVED, SAVED),
    },
    "publish": {  # POST the edit form with action-publish and a new title (a past expiry cleared)
        "draft": (LOGIN, DRAFT_ONLY, PUBLISHED, PUBLISHED),
        "in_review": (LOGIN, LOCKED, PUBLISHED, PUBLISHED),
        "live": (LOGIN, DRAFT_ONLY, PUBLISHED, PUBLISHED),
        "scheduled": (LOGIN, LOCKED, LOCKED, LOCKED),
        "expired": (LOGIN, DRAFT_ONLY, PUBLISHED, PUBLISHED),
        "unpublished": (LOGIN, DRAFT_ONLY, PUBLISHED, PUBLISHED),
        "live_changed": (LOGIN, LOCKED, PUBLISHED, PUBLISHED),
        "private": (LOGIN, DRAFT_ONLY, PUBLISHED, PUBLISHED),
    },
    "approve": {  # POST /admin/pages/workflow/action/<id>/approve/<task state>/ (cases in review only)
        "in_review": (LOGIN, DENIED, APPROVED, APPROVED),
        "live_changed": (LOGIN, DENIED, APPROVED, APPROVED),
    },
    "unschedule": {  # POST /admin/pages/<id>/revisions/<approved revision>/unschedule/ (scheduled case only)
        "scheduled": (LOGIN, DENIED, UNSCHEDULED, UNSCHEDULED),
    },
    "unpublish": {  # POST /admin/pages/<id>/unpublish/
        "draft": (LOGIN, DENIED, DENIED, DENIED),
        "in_review": (LOGIN, DENIED, DENIED, DENIED),
        "live": (LOGIN, DENIED, UNPUBLISHED, UNPUBLISHED),
        "scheduled": (LOGIN, DENIED, DENIED, DENIED),
        "expired": (LOGIN, DENIED, DENIED, DENIED),
        "unpublished": (LOGIN, DENIED, DENIED, DENIED),
        "live_changed": (LOGIN, DENIED, UNPUBLISHED, UNPUBLISHED),
        "private": (LOGIN, DENIED, UNPUBLISHED, UNPUBLISHED),
    },
    "delete": {  # POST /admin/pages/<id>/delete/ (every case here is the editor's own)
        "draft": (LOGIN, DELETED, DELETED, DELETED),
        "in_review": (LOGIN, DENIED, DELETED, DELETED),
        "live": (LOGIN, DENIED, DELETED, DELETED),
        "scheduled": (LOGIN, DENIED, DELETED, DELETED),
        "expired": (LOGIN, DENIED, DELETED, DELETED),
        "unpublished": (LOGIN, DENIED, DELETED, DELETED),
        "live_changed": (LOGIN, DENIED, DELETED, DELETED),
        "private": (LOGIN, DENIED, DELETED, DELETED),
    },
}

# Known leaks, as {(surface, state, role): reason}: the cell is marked xfail(strict=True).
LEAKS = {}


def _cells():
    cells = []
    for surface in PUBLIC_SURFACES:
        for state in STATES:
            for role, expected in zip(ROLES, PUBLIC[state]):
                cells.append((surface, state, role, expected))
    for surface, table in ADMIN.items():
        for state, row in table.items():
            for role, expected in zip(ROLES, row):
                cells.append((surface, state, role, expected))
    return [
        pytest.param(
            *cell,
            id="-".join(cell[:3]),
            marks=[pytest.mark.xfail(strict=True, reason=LEAKS[cell[:3]])] if cell[:3] in LEAKS else [],
        )
        for cell in cells
    ]


# --- the states, built once ------------------------------------------------------------------


def _title(word):
    return f"{word}村党建权限矩阵案例"


def _new_case(index, state, word, owner, theme, domain, region):
    case = CasePage(
        title=_title(word),
        slug=f"perm-matrix-{state.replace('_', '-')}",
        owner=owner,
        live=False,
        summary=f"权限矩阵测试摘要：{word}村的做法。",
        region=region,
        domain=domain,
        unit_level="村",
        year_started=2010,
        year_reported=2011,
        source_title=f"{word}村党建的报道",
        body=[
            {
                "type": "section",
                "value": {"kind": "做法", "heading": "主要做法", "text": f"<p>{word}村推行网格化党建。</p>"},
            }
        ],
    )
    case.themes = [theme]
    case.tags.add(f"{word}标签")
    index.add_child(instance=case)
    return case


def _build(users):
    index = CaseIndexPage.objects.get()
    theme = Theme.objects.filter(cases__live=True).distinct().first()
    domain, region = Domain.objects.first(), Region.objects.get(name="兴山县")
    editor, reviewer = users["editor"], users["reviewer"]
    workflow = index.get_workflow()
    cases = {}
    for state in STATES:
        live_word, _ = WORDS[state]
        case = _new_case(index, state, live_word, editor, theme, domain, region)
        revision = case.save_revision(user=editor)
        if state == "in_review":
            workflow.start(case, editor)
        elif state == "scheduled":
            case.go_live_at = timezone.now() + timedelta(days=1)
            case.save_revision(user=editor).publish(user=reviewer)
        elif state in ("live", "expired", "unpublished", "live_changed", "private"):
            revision.publish(user=reviewer)
        cases[state] = case
    PageViewRestriction.objects.create(
        page=cases["private"], restriction_type=PageViewRestriction.PASSWORD, password="matrix-secret"
    )
    CasePage.objects.get(pk=cases["unpublished"].pk).unpublish(user=reviewer)
    CasePage.objects.filter(pk=cases["expired"].pk).update(expire_at=timezone.now() - timedelta(minutes=1))
    call_command("publish_scheduled", stdout=io.StringIO())
    changed = CasePage.objects.get(pk=cases["live_changed"].pk)
    changed.title = _title(WORDS["live_changed"][1])
    changed.save_revision(user=editor)
    workflow.start(changed, editor)

    # A live training collection and a live seed case, both pointing at every state's case.
    collection = TrainingCollectionPage.objects.get(slug=COLLECTION)
    seed = CasePage.objects.get(slug=SEED_WITH_RELATED)
    for case in cases.values():
        collection.collection_cases.add(CollectionCase(case=case))
        seed.related_case_links.add(RelatedCase(case=case))
    collection.save_revision(user=reviewer).publish(user=reviewer)
    seed.save_revision(user=reviewer).publish(user=reviewer)

    cases = {state: CasePage.objects.get(pk=case.pk) for state, case in cases.items()}
    # The states are what they claim to be.
    expect = {  # state: (live, expired, workflow in progress, approved schedule)
        "draft": (False, False, False, False),
        "in_review": (False, False, True, False),
        "live": (True, False, False, False),
        "scheduled": (False, False, False, True),
        "expired": (False, True, False, False),
        "unpublished": (False, False, False, False),
        "live_changed": (True, False, True, False),
        "private": (True, False, False, False),
    }
    for state, case in cases.items():
        scheduled = case.revisions.filter(approved_go_live_at__isnull=False).exists()
        assert (case.live, case.expired, case.workflow_in_progress, scheduled) == expect[state], state
        assert case.first_published_at is None or state not in ("draft", "in_review", "scheduled")
    assert cases["live_changed"].title == _title("玳瑁")
    assert cases["live_changed"].get_latest_revision_as_object().title == _title("麒麟")
    return SimpleNamespace(cases=cases, collection=collection, theme=theme, seed=seed, responses={})


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        with transaction.atomic():
            User = get_user_model()
            users = {
                "editor": User.objects.create_user("pm-editor", "pm-editor@example.com", "x"),
                "reviewer": User.objects.create_user("pm-reviewer", "pm-reviewer@example.com", "x"),
                "superuser": User.objects.create_superuser("pm-admin", "pm-admin@example.com", "x"),
            }
            users["editor"].groups.add(Group.objects.get(name=EDITORS))
            users["reviewer"].groups.add(Group.objects.get(name=REVIEWERS))
            world = _build(users)
            world.users = users
            yield world
            transaction.set_rollback(True)


def client_for(world, role):
    client = Client()
    if role != "anonymous":
        client.force_login(world.users[role])
    return client


# --- public surfaces ---------------------------------------------------------------------------


def _text(response):
    if response["Content-Type"].startswith("application/json"):
        return json.dumps(response.json(), ensure_ascii=False)
    return response.content.decode()


def _get(client, url, params=None, status=200):
    response = client.get(url, params or {})
    assert response.status_code == status, (url, response.status_code, response.content[:500])
    return response


def _once(world, role, client, url, params=None):
    """A response that does not depend on the state: fetched once per role."""
    key = (role, url, json.dumps(params, sort_keys=True))
    if key not in world.responses:
        world.responses[key] = _get(client, url, params)
    return world.responses[key]


def _docx_text(response):
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    document = docx.Document(io.BytesIO(response.content))
    parts = [paragraph.text for paragraph in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def fetch(surface, world, role, client, case, word):
    """(status, text) of `surface` for `case`, searched by `word` where there is a query."""
    url = f"/cases/{case.slug}/"
    if surface == "page":
        response = client.get(url)
        return response.status_code, response.content.decode()
    if surface == "search":
        return 200, _text(_get(client, "/search/", {"q": word}))
    if surface == "search_json":
        data = _get(client, "/search/", {"q": word, "format": "json"}).json()
        slugs = [hit["slug"] for hit in data["results"]]
        assert data["total"] == len(slugs) == len(set(slugs))
        return 200, json.dumps(data, ensure_ascii=False)
    if surface == "suggest":
        return 200, _text(_get(client, "/search/suggest/", {"q": word, "format": "json"}))
    if surface == "api_list":
        data = _once(world, role, client, "/api/v2/pages/").json()
        assert data["meta"]["total_count"] == len(data["items"]), "raise the limit"
        return 200, json.dumps(data, ensure_ascii=False)
    if surface == "api_search":
        return 200, _text(_get(client, "/api/v2/pages/", {"search": word}))
    if surface == "api_detail":
        response = client.get(f"/api/v2/pages/{case.pk}/")
        return response.status_code, _text(response)
    if surface == "api_find":
        response = client.get("/api/v2/pages/find/", {"html_path": url})
        if response.status_code == 302:
            location = urlsplit(response["Location"]).path
            assert location == f"/api/v2/pages/{case.pk}/"
            response = client.get(location)
        return response.status_code, _text(response)
    if surface == "feed_rss":
        response = _once(world, role, client, reverse("feed_cases"))
        assert response["Content-Type"].startswith("application/rss+xml")
        return 200, response.content.decode()
    if surface == "feed_atom":
        response = _once(world, role, client, reverse("feed_cases_atom"))
        ET.fromstring(response.content)
        return 200, response.content.decode()
    if surface == "feed_theme":
        return 200, _once(world, role, client, reverse("feed_theme", args=[world.theme.slug])).content.decode()
    if surface == "sitemap":
        return 200, _once(world, role, client, "/sitemap.xml").content.decode()
    if surface == "compare":
        return 200, _text(_get(client, "/compare/", {"cases": f"{case.slug},wuchang-1-3"}))
    if surface == "listing":
        return 200, _once(world, role, client, "/cases/").content.decode()
    if surface == "home":
        return 200, _once(world, role, client, "/").content.decode()
    if surface == "related":
        return 200, _once(world, role, client, world.seed.url).content.decode()
    if surface == "collection":
        return 200, _once(world, role, client, world.collection.url).content.decode()
    if surface == "print":
        return 200, _once(world, role, client, world.collection.url + "print/").content.decode()
    if surface == "handout":
        response = _once(world, role, client, world.collection.url + "handout.docx")
        if not hasattr(response, "docx_text"):
            response.docx_text = _docx_text(response)
        return 200, response.docx_text
    raise AssertionError(surface)


def check_public(surface, world, role, state, expected, client):
    case = world.cases[state]
    live_word, draft_word = WORDS[state]
    live_title, url = case.title, f"/cases/{case.slug}/"
    # Text no public surface may show: a newer revision's title; everything of a hidden case.
    never = [_title(draft_word)] if draft_word else []
    if expected in (HIDDEN, PROTECTED):
        never += [
            live_title,
            f"{live_word}标签",
            f"/api/v2/pages/{case.pk}/",
            f"/search/open/{case.pk}/",
            f"{live_word}村的做法",
        ]
        if not (expected == PROTECTED and surface == "page"):  # the password form posts to its own URL
            never.append(url)

    status, text = fetch(surface, world, role, client, case, live_word)
    if surface in ("page", "api_detail", "api_find"):
        assert status == {SHOWN: 200, HIDDEN: 404, PROTECTED: 200 if surface == "page" else 404}[expected]
    if expected == PROTECTED and surface == "page":
        assert 'name="password"' in text
    for forbidden in never:
        assert forbidden not in text, f"{forbidden!r} leaks on {surface}"
    if expected == SHOWN:
        assert (url if surface == "sitemap" else live_title) in text
        if surface == "search_json":
            assert [hit["slug"] for hit in json.loads(text)["results"]] == [case.slug]
        if surface == "api_search":
            assert [item["meta"]["slug"] for item in json.loads(text)["items"]] == [case.slug]
        if surface == "search":  # through the search log's link, which goes on to the case
            assert f'href="/search/open/{case.pk}/?' in text
        if surface in ("listing", "home", "related", "compare"):
            assert f'href="{url}"' in text
    elif surface == "search_json":
        assert json.loads(text)["total"] == 0
    elif surface == "api_search":
        assert json.loads(text)["items"] == []
    elif surface == "compare":
        assert f"没有找到“{case.slug}”这个已发布案例" in text
    if surface in ("api_list", "search_json"):
        # Counts must not leak either: all published cases = the seed cases + the states shown.
        total = len(SEED_SLUGS) + sum(PUBLIC[other][ROLES.index(role)] == SHOWN for other in STATES)
        if surface == "api_list":
            assert json.loads(text)["meta"]["total_count"] == total
        else:
            assert _once(world, role, client, "/search/", {"format": "json"}).json()["total"] == total
    if draft_word and surface in ("search", "search_json", "api_search", "suggest"):
        # Searching for the words of the revision in review finds nothing.
        _, draft_text = fetch(surface, world, role, client, case, draft_word)
        assert _title(draft_word) not in draft_text and case.slug not in draft_text


# --- admin surfaces ----------------------------------------------------------------------------


def snapshot(pk):
    page = Page.objects.filter(pk=pk).first()
    if page is None:
        return None
    return {
        "live": page.live,
        "title": page.title,
        "expired": page.expired,
        "latest_revision": page.latest_revision_id,
        "workflow": page.workflow_in_progress,
    }


def anonymous_view(world, case):
    """What an anonymous reader gets of `case` from the case page and the RSS feed: through the
    public page cache (on in production), so stale cached copies would show here."""
    client = client_for(world, "anonymous")
    page = client.get(f"/cases/{case.slug}/")
    feed = client.get(reverse("feed_cases")).content.decode()
    return page.status_code, page.content.decode() if page.status_code == 200 else "", feed


def _assert_public_view(view, title, protected=False):
    """The anonymous view shows `title` as a live case (None: no case; protected: the password
    form, and `title` nowhere)."""
    status, page, feed = view
    if title is None:
        assert status == 404
    elif protected:
        assert status == 200 and 'name="password"' in page and title not in page and title not in feed
    else:
        assert status == 200 and title in page and title in feed


def _assert_login(response):
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/"), response


def _assert_denied(response):
    # Wagtail's admin answers PermissionDenied with a redirect to the dashboard and a message.
    assert response.status_code == 302 and response["Location"] == "/admin/", response


# Outcomes that change what readers see: the anonymous view is primed (and cached) before the
# action and must have changed after it.
CHANGES_PUBLIC_VIEW = (PUBLISHED, APPROVED, UNPUBLISHED, DELETED)


def check_admin(surface, world, role, state, expected, client):
    case = world.cases[state]
    before = snapshot(case.pk)
    latest = case.get_latest_revision_as_object()
    new_title = f"{latest.title}（{role}修订）"
    edit_url = f"/admin/pages/{case.pk}/edit/"
    if expected in CHANGES_PUBLIC_VIEW:
        _assert_public_view(
            anonymous_view(world, case), case.title if before["live"] else None, protected=state == "private"
        )

    if surface == "preview":
        response = client.get(f"/admin/pages/{case.pk}/view_draft/")
    elif surface in ("edit", "publish"):
        if surface == "edit" and expected != LOCKED:  # a locked editor is shown by the POST's answer
            opened = client.get(edit_url)
            if expected == LOGIN:
                _assert_login(opened)
            else:
                assert opened.status_code == 200 and 'id="page-edit-form"' in opened.content.decode()
                assert opened.context["page_locked"] is False
        data = case_form_data(latest, title=new_title)
        if surface == "publish":
            data["action-publish"] = "发布"
        response = client.post(edit_url, data)
    elif surface == "approve":
        task_state = WorkflowState.objects.get(
            base_content_type__isnull=False, object_id=str(case.pk), status="in_progress"
        ).current_task_state
        response = client.post(f"/admin/pages/workflow/action/{case.pk}/approve/{task_state.pk}/", {"comment": ""})
    elif surface == "unschedule":
        revision = case.revisions.get(approved_go_live_at__isnull=False)
        response = client.post(f"/admin/pages/{case.pk}/revisions/{revision.pk}/unschedule/")
    elif surface in ("unpublish", "delete"):
        response = client.post(f"/admin/pages/{case.pk}/{surface}/")
    else:
        raise AssertionError(surface)
    after = snapshot(case.pk)

    if expected == LOGIN:
        _assert_login(response)
        assert after == before
    elif expected == OK:
        assert response.status_code == 200
        assert latest.title in response.content.decode()
    elif expected == DENIED:
        _assert_denied(response)
        assert after == before
    elif expected == LOCKED:
        html = response.content.decode()
        assert response.status_code == 200 and 'id="page-edit-form"' in html
        assert response.context["page_locked"] is True
        assert "could not be saved as it is locked" in html or "无法保存" in html
        assert after == before
    elif expected in (SAVED, DRAFT_ONLY):
        assert response.status_code == 302
        assert after["latest_revision"] != before["latest_revision"]
        assert CasePage.objects.get(pk=case.pk).get_latest_revision_as_object().title == new_title
        # Nothing went live: a live page keeps its live title (a non-live page's row follows
        # its latest draft, which Wagtail shows only in the admin). The form cannot carry a past
        # expiry, so saving an expired case clears its expiry (and the `expired` flag).
        unchanged = ("live", "workflow", "title") if before["live"] else ("live", "workflow")
        assert {key: after[key] for key in unchanged} == {key: before[key] for key in unchanged}
        public = client_for(world, "anonymous").get(f"/cases/{case.slug}/")
        assert public.status_code == (200 if before["live"] else 404)
        assert new_title not in public.content.decode()
    elif expected == PUBLISHED:
        assert response.status_code == 302
        assert after["live"] and after["title"] == new_title and not after["workflow"]
        _assert_public_view(anonymous_view(world, case), new_title, protected=state == "private")
    elif expected == APPROVED:
        assert response.status_code in (200, 302)
        assert after["live"] and after["title"] == latest.title and not after["workflow"]
        _assert_public_view(anonymous_view(world, case), latest.title)
    elif expected == UNSCHEDULED:
        assert response.status_code == 302
        assert after == before
        assert not case.revisions.filter(approved_go_live_at__isnull=False).exists()
    elif expected == UNPUBLISHED:
        assert response.status_code == 302
        assert not after["live"] and after["title"] == before["title"]
        _assert_public_view(anonymous_view(world, case), None)
    elif expected == DELETED:
        assert response.status_code == 302
        assert after is None
        _assert_public_view(anonymous_view(world, case), None)
    else:
        raise AssertionError(expected)


# --- the matrix --------------------------------------------------------------------------------


@pytest.fixture
def page_cache(settings):
    """The public page cache as in production (portal/page_cache.py), emptied around each cell:
    the module's data is rolled back, the cache is not."""
    if not hasattr(settings, "PAGE_CACHE_ALIAS"):
        yield
        return
    settings.PAGE_CACHE_SECONDS = 600
    caches[settings.PAGE_CACHE_ALIAS].clear()
    yield
    caches[settings.PAGE_CACHE_ALIAS].clear()


@pytest.mark.django_db
@pytest.mark.parametrize("surface, state, role, expected", _cells())
def test_permission_matrix(world, page_cache, surface, state, role, expected):
    client = client_for(world, role)
    if surface in PUBLIC_SURFACES:
        check_public(surface, world, role, state, expected, client)
    else:
        check_admin(surface, world, role, state, expected, client)


@pytest.mark.django_db
@pytest.mark.parametrize("state", STATES)
def test_state_words_are_searchable_terms(world, state):
    """The negative search cells mean something: each title word is a term of its title in the
    index's own pipeline, as a query for it is (so only the live filter can hide it)."""
    for word in filter(None, WORDS[state]):
        assert set(query_words(word)) <= set(search_terms(_title(word)))
