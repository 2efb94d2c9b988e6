"""The change journal (cases.changes): what the public sees changing is journalled once, in
order; drafts, sessions, logins and log entries are not."""

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from wagtail.models import PageViewRestriction

from cases import changes
from cases.changes import ContentChange
from cases.models import CaseIndexPage, CasePage
from cases.taxonomy import Theme
from tests.search.test_search_page import publish_case

pytestmark = pytest.mark.django_db


def journalled_since(last):
    return [(kind, ids) for _, kind, ids in changes.since(last)]


def test_publishing_unpublishing_and_deleting_a_case_journal_it():
    last = changes.latest()
    case = publish_case("日志测试案例", "正文。")
    assert journalled_since(last) == [("cases", [case.pk])]
    last = changes.latest()
    case.unpublish()
    assert journalled_since(last) == [("cases", [case.pk])]
    last = changes.latest()
    case.save_revision().publish()
    assert journalled_since(last) == [("cases", [case.pk])]
    last = changes.latest()
    CasePage.objects.get(pk=case.pk).delete()
    # Wagtail unpublishes a live page it deletes: two entries, each naming the case, and no other.
    assert journalled_since(last) == [("cases", [case.pk])] * 2


def test_drafts_sessions_logins_and_new_tags_journal_nothing(client):
    last = changes.latest()
    draft = CasePage.objects.get(slug="wuchang-1-3")
    draft.title = "草稿标题"
    draft.tags.add("草稿里的新标签")
    draft.save_revision()
    user = get_user_model().objects.create_user("reader", password="a-long-password-1")
    client.force_login(user)
    client.get("/cases/")
    assert journalled_since(last) == []


def test_moving_or_restricting_a_case_library_journals_its_cases():
    library = CaseIndexPage.objects.get()
    cases = sorted(CasePage.objects.child_of(library).values_list("pk", flat=True))
    last = changes.latest()
    restriction = PageViewRestriction.objects.create(page=library, restriction_type=PageViewRestriction.LOGIN)
    restriction.delete()
    journal = journalled_since(last)
    assert journal.count(("cases", cases)) == 2  # restricted, then public again
    assert set(kind for kind, _ in journal) <= {"cases", "site"}  # the library page itself is site content


def test_renaming_a_theme_journals_a_vocabulary_change_naming_its_cases():
    theme = Theme.objects.get(slug="服务群众")
    filed = sorted(theme.cases.values_list("pk", flat=True))
    last = changes.latest()
    theme.name = "服务群众（改名）"
    theme.save()
    assert journalled_since(last) == [("vocabulary", filed)]


def test_other_public_content_is_journalled_as_a_site_change():
    last = changes.latest()
    home = CaseIndexPage.objects.get().get_parent().specific
    home.save_revision().publish()
    assert journalled_since(last) == [("site", [])]


def test_old_entries_are_pruned_as_new_ones_are_written(monkeypatch):
    monkeypatch.setattr(changes, "PRUNE_EVERY", 1)
    old = changes.record(ContentChange.SITE)
    ContentChange.objects.filter(pk=old.pk).update(created_at=timezone.now() - changes.KEEP * 2)
    kept = changes.record(ContentChange.SITE)
    assert not ContentChange.objects.filter(pk=old.pk).exists()
    assert ContentChange.objects.filter(pk=kept.pk).exists()
