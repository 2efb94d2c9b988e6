"""The editorial workflow, driven through the real Wagtail admin over HTTP."""

import io
import json
import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from wagtail.models import GroupApprovalTask, Revision, Task, Workflow, WorkflowState, WorkflowTask
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from cases.models import CaseIndexPage, CasePage, KeyFigure, ReviewTask, TrainingCollectionPage, TrainingIndexPage
from cases.slugs import pinyin_slug
from cases.taxonomy import Problem, Region
from portal.editorial import EDITORS, REVIEWERS, TASK_NAME, TRAINERS, WORKFLOW_NAME
from portal.setup import setup_portal
from tests.admin_forms import case_form_data

pytestmark = pytest.mark.django_db


def make_user(username, group):
    user = get_user_model().objects.create_user(username, f"{username}@example.com", "pw-" + username)
    user.groups.add(Group.objects.get(name=group))
    return user


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def editor():
    return make_user("editor1", EDITORS)


@pytest.fixture
def other_editor():
    return make_user("editor2", EDITORS)


@pytest.fixture
def reviewer():
    return make_user("reviewer1", REVIEWERS)


def new_case_data(**overrides):
    case = CasePage(
        title="测试新案例：网格党建",
        slug="test-wangge",
        summary="测试摘要：网格化党建。",
        region=Region.objects.get(name="兴山县"),
        source_title="测试来源",
        body=[{"type": "section", "value": {"kind": "做法", "heading": "主要做法", "text": "<p>推行网格化党建。</p>"}}],
    )
    return case_form_data(case, **overrides)


def create_draft(client, **overrides):
    index = CaseIndexPage.objects.get()
    response = client.post(f"/admin/pages/add/cases/casepage/{index.pk}/", new_case_data(**overrides))
    assert response.status_code == 302, response.content.decode()[:2000]
    return CasePage.objects.get(slug="test-wangge")


def submit(client, case, **overrides):
    data = case_form_data(case, **overrides)
    data["action-submit"] = "提交审核"
    return client.post(f"/admin/pages/{case.pk}/edit/", data)


def workflow_action(client, case, action, comment=""):
    state = WorkflowState.objects.get(base_content_type__isnull=False, object_id=str(case.pk), status="in_progress")
    return client.post(
        f"/admin/pages/workflow/action/{case.pk}/{action}/{state.current_task_state.pk}/", {"comment": comment}
    )


def slugs_found(query):
    response = Client().get("/search/", {"q": query, "format": "json"})
    return [result["slug"] for result in json.loads(response.content)["results"]]


def test_setup_is_idempotent():
    assert setup_portal() == []
    index = CaseIndexPage.objects.get()
    assert index.get_workflow().name == WORKFLOW_NAME


def test_wagtails_english_defaults_are_retired_unless_in_use():
    """Wagtail's migrations leave a "Moderators approval" workflow on the root and two groups."""
    assert list(Workflow.objects.filter(active=True).values_list("name", flat=True)) == [WORKFLOW_NAME]
    assert not Task.objects.filter(active=True).exclude(name=TASK_NAME).exists()
    assert not Group.objects.filter(name__in=["Moderators", "Editors"]).exists()
    kept = Group.objects.create(name="Editors")
    make_user("someone", "Editors")
    assert setup_portal() == []
    assert Group.objects.filter(pk=kept.pk).exists()  # someone is in it: an administrator's now


def test_draft_submit_approve_goes_live_and_notifies(editor, reviewer):
    editor_client, reviewer_client = logged_in(editor), logged_in(reviewer)
    case = create_draft(editor_client)
    assert not case.live
    assert Client().get("/cases/test-wangge/").status_code == 404

    mail.outbox.clear()
    assert submit(editor_client, case).status_code == 302
    case.refresh_from_db()
    assert case.workflow_in_progress and not case.live
    assert [message.to for message in mail.outbox] == [[reviewer.email]]
    assert Client().get("/cases/test-wangge/").status_code == 404
    assert "test-wangge" not in slugs_found("网格党建")
    # Reviewers see it waiting on their dashboard.
    assert case.title in reviewer_client.get("/admin/").content.decode()

    mail.outbox.clear()
    response = workflow_action(reviewer_client, case, "approve")
    assert response.status_code in (200, 302)
    case.refresh_from_db()
    assert case.live
    assert Client().get(case.url).status_code == 200
    assert "test-wangge" in slugs_found("网格党建")
    assert editor.email in [address for message in mail.outbox for address in message.to]


def test_editors_cannot_publish_unpublish_or_delete(editor):
    client = logged_in(editor)
    case = CasePage.objects.get(slug="wuchang-1-3")
    live_title = case.title

    data = case_form_data(case, title="编辑擅自修改的标题")
    data["action-publish"] = "发布"
    client.post(f"/admin/pages/{case.pk}/edit/", data)
    case.refresh_from_db()
    # Saved as a draft (the form was valid), but not published.
    assert case.get_latest_revision_as_object().title == "编辑擅自修改的标题"
    assert case.title == live_title and case.live and case.has_unpublished_changes
    assert Client().get(case.url).content.decode().count("编辑擅自修改的标题") == 0

    client.post(f"/admin/pages/{case.pk}/unpublish/")
    client.post(f"/admin/pages/{case.pk}/delete/")
    case.refresh_from_db()
    assert case.live
    perms = case.permissions_for_user(editor)
    assert perms.can_edit() and not perms.can_publish() and not perms.can_unpublish() and not perms.can_delete()


def test_editors_delete_only_their_own_unsubmitted_drafts(editor, other_editor, reviewer):
    draft = create_draft(logged_in(editor))
    assert draft.owner == editor
    logged_in(other_editor).post(f"/admin/pages/{draft.pk}/delete/")
    assert CasePage.objects.filter(pk=draft.pk).exists(), "a colleague's draft must survive"

    submit(logged_in(editor), draft)
    logged_in(editor).post(f"/admin/pages/{draft.pk}/delete/")
    assert CasePage.objects.filter(pk=draft.pk).exists(), "a case in review is the reviewer's to remove"

    assert draft.permissions_for_user(reviewer).can_delete()
    own = CasePage.objects.get(pk=draft.pk)
    own.current_workflow_state.cancel(user=editor)
    assert own.permissions_for_user(editor).can_delete()
    logged_in(editor).post(f"/admin/pages/{own.pk}/delete/")
    assert not CasePage.objects.filter(pk=own.pk).exists()


def test_reviewer_can_unpublish_and_search_forgets_the_case(reviewer):
    case = CasePage.objects.get(slug="wuchang-1-3")
    assert "wuchang-1-3" in slugs_found("1+3模式")
    response = logged_in(reviewer).post(f"/admin/pages/{case.pk}/unpublish/")
    assert response.status_code == 302
    case.refresh_from_db()
    assert not case.live
    assert "wuchang-1-3" not in slugs_found("1+3模式")
    assert Client().get("/cases/wuchang-1-3/").status_code == 404


def test_reject_with_comment_then_resubmit(editor, reviewer):
    editor_client, reviewer_client = logged_in(editor), logged_in(reviewer)
    case = create_draft(editor_client)
    submit(editor_client, case)
    mail.outbox.clear()
    workflow_action(reviewer_client, case, "reject", comment="请补充成效数据")
    state = WorkflowState.objects.get(object_id=str(case.pk))
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    assert editor.email in [address for message in mail.outbox for address in message.to]
    assert "请补充成效数据" in editor_client.get(f"/admin/pages/{case.pk}/edit/").content.decode()

    case.refresh_from_db()
    assert submit(editor_client, case, summary="补充后的摘要。").status_code == 302
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_IN_PROGRESS


def test_a_case_is_sent_back_only_with_a_reason(editor, reviewer):
    case = create_draft(logged_in(editor))
    submit(logged_in(editor), case)
    reviewer_client = logged_in(reviewer)
    state = WorkflowState.objects.get(object_id=str(case.pk), status="in_progress")
    url = f"/admin/pages/workflow/action/{case.pk}/reject/{state.current_task_state.pk}/"
    response = reviewer_client.post(url, {"comment": "  "}, headers={"x-requested-with": "XMLHttpRequest"})
    assert "请写明需要修改什么" in json.loads(response.content)["html"]
    workflow_action(reviewer_client, case, "reject", comment="")  # the dashboard's form, no script
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    # The page editor hands on its modal's data unchecked: refused all the same.
    data = case_form_data(CasePage.objects.get(pk=case.pk))
    data.update({"action-workflow-action": "true", "workflow-action-name": "reject"})
    data["workflow-action-extra-data"] = json.dumps({"comment": ""})
    reviewer_client.post(f"/admin/pages/{case.pk}/edit/", data)
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    workflow_action(reviewer_client, case, "reject", comment="请补充成效数据")
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES


def test_incomplete_cases_cannot_be_submitted(editor):
    client = logged_in(editor)
    case = create_draft(client, region="", summary="")
    response = submit(client, case, region="", summary="", source_title="")
    assert response.status_code == 200
    html = response.content.decode()
    for message in ("提交审核前请选择地区", "提交审核前请填写摘要", "提交审核前请填写来源"):
        assert message in html
    # Not only "nothing saved": the editor's autosave keeps what the form holds, blanks included.
    assert "这次没有保存或提交" in html and "会照表单现状另存草稿" in html
    assert not WorkflowState.objects.filter(object_id=str(case.pk)).exists()


def test_a_new_case_with_a_chinese_address_gets_it_in_pinyin_until_first_published(editor, reviewer):
    index = CaseIndexPage.objects.get()
    data = new_case_data(slug="测试新案例-网格党建")
    assert logged_in(editor).post(f"/admin/pages/add/cases/casepage/{index.pk}/", data).status_code == 302
    case = CasePage.objects.get(title="测试新案例：网格党建")
    assert case.slug == pinyin_slug("测试新案例-网格党建") and case.slug.isascii()
    # Once published, an address the editor writes in Chinese is kept: links to it are out.
    live = CasePage.objects.get(slug="xingshan-lianghui-liangping")
    data = case_form_data(live, slug="兴山两会两评")
    data["action-publish"] = "发布"
    assert logged_in(reviewer).post(f"/admin/pages/{live.pk}/edit/", data).status_code == 302
    assert CasePage.objects.get(pk=live.pk).slug == "兴山两会两评"


def test_an_empty_paragraph_is_named_in_chinese_above_the_form(editor):
    """Wagtail sums up a faulty stream as "Validation error in StreamBlock" where it lists the
    form's errors (as it does beside an error of the whole form: an unchecked figure); the body
    says it in Chinese, and its block still shows what is missing."""
    from wagtail.test.utils.form_data import streamfield

    client = logged_in(editor)
    case = with_unchecked_figure(create_draft(client))
    data = case_form_data(case)
    empty = streamfield([("section", {"kind": "做法", "heading": "", "text": rich_text("")})])
    data.update(nested_form_data({"body": empty, "summary": ""}))
    html = submit_data(client, case, data).content.decode()
    assert "Validation error" not in html
    assert "正文: 有段落需要修改，见下方正文中标出的位置。" in html


def submit_data(client, case, data):
    return client.post(f"/admin/pages/{case.pk}/edit/", {**data, "action-submit": "提交审核"})


def test_a_case_reported_before_it_started_is_not_saved(editor):
    client = logged_in(editor)
    case = create_draft(client)
    response = client.post(
        f"/admin/pages/{case.pk}/edit/", case_form_data(case, year_started="2012", year_reported="2009")
    )
    assert response.status_code == 200 and "报道年份（2009）早于起始年份（2012）" in response.content.decode()
    assert CasePage.objects.get(pk=case.pk).get_latest_revision_as_object().year_started != 2012


def with_unchecked_figure(case):
    KeyFigure.objects.create(page=case, label="党员人数", value="500余", unit="人", auto_detected=True)
    case.save_revision()
    return CasePage.objects.get(pk=case.pk)


def test_unchecked_key_figures_are_kept_in_a_draft_but_not_submitted(editor):
    client = logged_in(editor)
    case = with_unchecked_figure(create_draft(client))
    assert client.post(f"/admin/pages/{case.pk}/edit/", case_form_data(case)).status_code == 302  # a draft
    response = submit(client, case)
    html = response.content.decode()
    assert response.status_code == 200
    assert "还有 1 项关键数据没有核对（党员人数500余人）" in html and "请对照原文核对这项数据" in html
    assert not WorkflowState.objects.filter(object_id=str(case.pk)).exists()
    # Checked (the box unticked, as the form posts it), it goes.
    case.key_figures.update(auto_detected=False)
    assert submit(client, case).status_code == 302
    assert WorkflowState.objects.filter(object_id=str(case.pk), status="in_progress").exists()


def test_a_reviewer_sends_back_from_the_editor_what_could_not_be_approved(editor, reviewer):
    case = create_draft(logged_in(editor))
    submit(logged_in(editor), case)
    with_unchecked_figure(case)  # a figure left unchecked, as in a case submitted before the rule
    data = case_form_data(CasePage.objects.get(pk=case.pk))
    data.update({"action-workflow-action": "true", "workflow-action-name": "reject"})
    data["workflow-action-extra-data"] = json.dumps({"comment": "请核对关键数据。"})
    response = logged_in(reviewer).post(f"/admin/pages/{case.pk}/edit/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    state = WorkflowState.objects.get(object_id=str(case.pk))
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES


def test_unchecked_key_figures_are_not_published_by_a_reviewer(reviewer):
    client = logged_in(reviewer)
    case = with_unchecked_figure(create_draft(client))
    data = case_form_data(case)
    data["action-publish"] = "发布"
    response = client.post(f"/admin/pages/{case.pk}/edit/", data)
    assert response.status_code == 200 and "没有核对" in response.content.decode()
    assert not CasePage.objects.get(pk=case.pk).live
    data = case_form_data(case, **{"key_figures-0-DELETE": "on"})
    data["action-publish"] = "发布"
    assert client.post(f"/admin/pages/{case.pk}/edit/", data).status_code == 302
    assert CasePage.objects.get(pk=case.pk).live


def bulk_publish(client, pages, include_descendants=False):
    ids = "&".join(f"id={page.pk}" for page in pages)
    data = {"include_descendants": "on"} if include_descendants else {}
    return client.post(f"/admin/bulk/wagtailcore/page/publish/?{ids}&next=/admin/", data, follow=True)


def test_bulk_publishing_checks_what_the_edit_form_checks(editor, reviewer):
    client = logged_in(reviewer)
    unchecked = with_unchecked_figure(create_draft(logged_in(editor)))
    ready = CasePage.objects.get(slug="wuchang-1-3")
    ready.unpublish()
    html = bulk_publish(client, [ready, unchecked]).content.decode()
    assert "没有发布任何页面：有 1 个页面还不能发布。“测试新案例：网格党建”：还有 1 项关键数据没有核对" in html
    assert not CasePage.objects.filter(pk__in=[ready.pk, unchecked.pk], live=True).exists()
    # Ticking the library with its drafts below is refused for the same draft.
    html = bulk_publish(client, [CaseIndexPage.objects.get()], include_descendants=True).content.decode()
    assert "“测试新案例：网格党建”" in html and not CasePage.objects.filter(pk=unchecked.pk, live=True).exists()
    assert not CasePage.objects.get(pk=ready.pk).live
    unchecked.key_figures.update(auto_detected=False)
    unchecked.save_revision()
    bulk_publish(client, [ready, unchecked])
    assert CasePage.objects.filter(pk__in=[ready.pk, unchecked.pk], live=True).count() == 2


def test_an_empty_collection_is_not_bulk_published(reviewer):
    collection = TrainingCollectionPage(title="空专题", slug="kong")
    TrainingIndexPage.objects.get().add_child(instance=collection)
    collection.unpublish()
    html = bulk_publish(logged_in(reviewer), [collection]).content.decode()
    assert "“空专题”：专题还没有案例" in html and not TrainingCollectionPage.objects.get(pk=collection.pk).live


def test_an_imported_drafts_record_and_original_are_kept_as_the_importer_wrote_them(editor):
    client = logged_in(editor)
    case = create_draft(client)
    case.import_notes, case.source_text = "由导入程序生成。", "第一行\n第二行"
    case.save_revision()
    data = case_form_data(case, import_notes="改过的记录", source_text="改过的原文")
    assert client.post(f"/admin/pages/{case.pk}/edit/", data).status_code == 302
    saved = CasePage.objects.get(pk=case.pk).get_latest_revision_as_object()
    assert (saved.import_notes, saved.source_text) == ("由导入程序生成。", "第一行\n第二行")


def test_a_text_boxs_line_ends_are_saved_as_typed_lines(editor):
    client = logged_in(editor)
    case = create_draft(client)
    client.post(f"/admin/pages/{case.pk}/edit/", case_form_data(case, summary="第一行\r\n第二行"))
    assert CasePage.objects.get(pk=case.pk).get_latest_revision_as_object().summary == "第一行\n第二行"


def test_a_revision_comparison_says_yes_or_no(reviewer):
    case = CasePage.objects.get(slug="shangnan-gongjian-gongfu")
    first = case.latest_revision
    case.source_complete = not case.source_complete
    KeyFigure.objects.create(page=case, label="党员人数", value="500余", auto_detected=True)
    second = case.save_revision(user=reviewer)
    html = logged_in(reviewer).get(f"/admin/pages/{case.pk}/revisions/compare/{first.pk}...{second.pk}/")
    html = html.content.decode()
    values = [re.sub(r"<[^>]+>", "", value).strip() for value in re.findall(r"<dd>(.*?)</dd>", html, re.S)]
    assert values and not {"True", "False", "None"} & set(values)
    assert '<span class="deletion">是</span><span class="addition">否</span>' in html  # 原文完整
    assert "是" in values  # the new figure's 导入时自动识别


def test_a_case_under_review_is_locked_for_other_editors(editor, other_editor):
    case = create_draft(logged_in(editor))
    submit(logged_in(editor), case)
    case.refresh_from_db()
    client = logged_in(other_editor)
    client.post(f"/admin/pages/{case.pk}/edit/", case_form_data(case, title="别人改的标题"))
    assert CasePage.objects.get(pk=case.pk).get_latest_revision_as_object().title != "别人改的标题"
    assert case.get_lock().for_user(other_editor)


def test_preview_needs_login(editor):
    case = create_draft(logged_in(editor))
    response = Client().get(f"/admin/pages/{case.pk}/view_draft/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert logged_in(editor).get(f"/admin/pages/{case.pk}/view_draft/").status_code == 200


@pytest.mark.parametrize(
    "vocabulary, typed, found",
    [
        ("problem", "集体", "集体经济薄弱"),
        ("problem", "老龄化", "党员队伍老化"),
        ("region", "兴山", "湖北省宜昌市兴山县"),
    ],
)
def test_a_reviewer_searches_a_vocabulary_list_by_name_or_alias(reviewer, vocabulary, typed, found):
    client = logged_in(reviewer)
    for path in ("", "results/"):  # the page, and the list its search box fetches as one types
        response = client.get(f"/admin/snippets/cases/{vocabulary}/{path}", {"q": typed})
        assert response.status_code == 200 and found in response.content.decode()


def test_a_problem_cases_are_filed_under_is_not_deleted(reviewer):
    client = logged_in(reviewer)
    used = Problem.objects.get(name="集体经济薄弱")
    for url in (f"/admin/snippets/cases/problem/delete/{used.pk}/", f"/admin/bulk/cases/problem/delete/?id={used.pk}"):
        html = client.post(url, follow=True).content.decode()
        assert "“集体经济薄弱”还用在" in html and "个案例" in html and "不能删除" in html
        assert Problem.objects.filter(pk=used.pk).exists()
    unused = Problem.objects.create(name="测试难题甲")
    client.post(f"/admin/snippets/cases/problem/delete/{unused.pk}/")
    assert not Problem.objects.filter(pk=unused.pk).exists()


def test_a_region_a_collection_collects_by_is_not_deleted(reviewer):
    region = Region.objects.create(name="测试县", parent=Region.objects.get(name="宜昌市"), level=Region.COUNTY)
    collection = TrainingCollectionPage(title="按地区收录", slug="an-diqu")
    TrainingIndexPage.objects.get().add_child(instance=collection)
    collection.criteria_regions.add(region)
    collection.save()
    html = logged_in(reviewer).post(f"/admin/snippets/cases/region/delete/{region.pk}/", follow=True).content.decode()
    assert "“测试县”还用在 1 个培训专题的收录条件中" in html and Region.objects.filter(pk=region.pk).exists()


def test_only_reviewers_change_the_vocabularies(editor, reviewer):
    assert logged_in(editor).get("/admin/snippets/cases/theme/add/").status_code in (302, 403)
    assert logged_in(reviewer).get("/admin/snippets/cases/theme/add/").status_code == 200
    response = logged_in(editor).post("/admin/snippets/cases/theme/add/", {"name": "编辑新增主题"})
    assert response.status_code in (302, 403)
    from cases.taxonomy import Theme

    assert not Theme.objects.filter(name="编辑新增主题").exists()


def test_scheduled_go_live_and_expiry(reviewer, monkeypatch):
    case = CasePage.objects.get(slug="xingshan-lianghui-liangping")
    case.unpublish()
    go_live = timezone.now() + timedelta(days=1)
    data = case_form_data(case, go_live_at=go_live.strftime("%Y-%m-%d %H:%M"))
    data["action-publish"] = "发布"
    logged_in(reviewer).post(f"/admin/pages/{case.pk}/edit/", data)
    case.refresh_from_db()
    assert not case.live
    assert Revision.page_revisions.filter(object_id=str(case.pk), approved_go_live_at__isnull=False).exists()
    call_command("publish_scheduled", stdout=open("/dev/null", "w"))
    assert not CasePage.objects.get(pk=case.pk).live

    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + timedelta(days=2))
    call_command("publish_scheduled", stdout=open("/dev/null", "w"))
    monkeypatch.setattr(timezone, "now", real_now)
    case.refresh_from_db()
    assert case.live and "xingshan-lianghui-liangping" in slugs_found("两会两评")

    CasePage.objects.filter(pk=case.pk).update(expire_at=timezone.now() - timedelta(minutes=1))
    call_command("publish_scheduled", stdout=open("/dev/null", "w"))
    case.refresh_from_db()
    assert not case.live and case.expired
    assert "xingshan-lianghui-liangping" not in slugs_found("两会两评")


def test_revisions_can_be_compared_and_reverted(reviewer):
    case = CasePage.objects.get(slug="shangnan-gongjian-gongfu")
    first = case.latest_revision
    case.summary = "改动后的摘要"
    second = case.save_revision(user=reviewer)
    client = logged_in(reviewer)
    compare = client.get(f"/admin/pages/{case.pk}/revisions/compare/{first.pk}...{second.pk}/")
    assert compare.status_code == 200 and "改动后的摘要" in compare.content.decode()
    revert = client.get(f"/admin/pages/{case.pk}/revisions/{first.pk}/revert/")
    assert revert.status_code == 200


def test_reviewers_cannot_approve_an_incomplete_case_from_the_editor(editor, reviewer):
    case = create_draft(logged_in(editor))
    submit(logged_in(editor), case)
    case.refresh_from_db()
    data = case_form_data(case, summary="", source_title="")
    data["action-workflow-action"] = "true"
    data["workflow-action-name"] = "approve"
    response = logged_in(reviewer).post(f"/admin/pages/{case.pk}/edit/", data)
    assert response.status_code == 200 and "提交审核前请填写摘要" in response.content.decode()
    case.refresh_from_db()
    assert not case.live


@pytest.mark.parametrize("comment", ["", "看过了"])
def test_approving_from_the_dashboard_checks_the_draft_saved_during_review(editor, reviewer, comment):
    """A draft saved while the case is in review is what approval publishes: from the dashboard
    (with or without a comment) it is refused, says why, and the review stays open."""
    case = create_draft(logged_in(editor))
    submit(logged_in(editor), case)
    with_unchecked_figure(CasePage.objects.get(pk=case.pk))
    client = logged_in(reviewer)
    response = workflow_action(client, case, "approve", comment)
    assert response.status_code == 302 and response.url.startswith(f"/admin/cases/{case.pk}/not-ready/")
    assert not CasePage.objects.get(pk=case.pk).live
    state = WorkflowState.objects.get(object_id=str(case.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert not state.current_task_state.comment
    page = client.get(response.url).content.decode()
    assert "没有批准，也没有发布" in page and "还有 1 项关键数据没有核对（党员人数500余人）" in page
    # The comment typed with the approval was not saved: it is handed back to copy.
    if comment:
        assert "没有保存，这里留给您复制" in page and f"<blockquote>{comment}</blockquote>" in page
    else:
        assert "没有保存" not in page
    # Checked, the same click approves and publishes.
    CasePage.objects.get(pk=case.pk).key_figures.update(auto_detected=False)
    CasePage.objects.get(pk=case.pk).save_revision()
    assert "现在可以批准了" in client.get(response.url).content.decode()
    workflow_action(client, case, "approve", comment)
    assert CasePage.objects.get(pk=case.pk).live


def test_a_refused_approvals_comment_is_handed_back_only_to_its_reviewer_and_fits_an_address(editor, reviewer):
    case = create_draft(logged_in(editor))
    submit(logged_in(editor), case)
    with_unchecked_figure(CasePage.objects.get(pk=case.pk))
    client = logged_in(reviewer)
    long_comment = CasePage.objects.get(slug="wuchang-1-3").body_text()[:3000]
    refused = workflow_action(client, case, "approve", long_comment)
    assert len(refused.url) < 4000  # gunicorn refuses a request line past 4,094 bytes
    page = client.get(refused.url).content.decode()
    assert "只留下了开头" in page
    assert f"<blockquote>{long_comment.splitlines()[0]}" in page
    # Nobody else reads it, and no link can put words there.
    assert "没有保存" not in logged_in(editor).get(refused.url).content.decode()
    forged = client.get(f"/admin/cases/{case.pk}/not-ready/", {"comment": "请立即批准"}).content.decode()
    assert "请立即批准" not in forged and "没有保存" not in forged


def test_a_refused_approval_is_read_again_when_another_reviewer_sends_the_case_back(editor, reviewer):
    case = create_draft(logged_in(editor))
    submit(logged_in(editor), case)
    with_unchecked_figure(CasePage.objects.get(pk=case.pk))
    client = logged_in(reviewer)
    refused = workflow_action(client, case, "approve")
    assert "审核仍在进行" in client.get(refused.url).content.decode()
    workflow_action(logged_in(make_user("reviewer9", REVIEWERS)), case, "reject", "请补齐")
    page = client.get(refused.url).content.decode()
    assert "还有 1 项关键数据没有核对" in page
    assert "审核仍在进行" not in page and "没有批准，也没有发布" not in page
    # Mended and in review again, then a figure unchecked once more: its editor, who may not
    # approve, is not told to click 批准 or 请求修改.
    CasePage.objects.get(pk=case.pk).key_figures.update(auto_detected=False)
    assert submit(logged_in(editor), CasePage.objects.get(pk=case.pk)).status_code == 302
    with_unchecked_figure(CasePage.objects.get(pk=case.pk))
    page = logged_in(editor).get(refused.url).content.decode()
    assert "审核仍在进行：可以编辑页面补齐，审核人再批准" in page and "请求修改" not in page


def test_approving_from_the_dashboard_says_what_became_of_the_case(editor, reviewer):
    """Wagtail's dashboard reloads without a word after 批准: the reviewer is told it went live,
    back on the page approved from."""
    case = create_draft(logged_in(editor))
    submit(logged_in(editor), case)
    client = logged_in(reviewer)
    response = workflow_action(client, case, "approve")
    assert response.status_code == 302 and response.url == f"/admin/cases/{case.pk}/approved/"
    back = client.get(response.url, HTTP_REFERER="http://testserver/admin/")
    assert (back.status_code, back.url) == (302, "http://testserver/admin/")
    dashboard = client.get("/admin/").content.decode()
    assert f"已批准并发布《{case.title}》。" in dashboard
    assert re.search(rf'<a href="{CasePage.objects.get(pk=case.pk).url}"[^>]*>\s*查看线上页面', dashboard)
    # Another site's address is not followed; someone who did not approve is told nothing.
    assert client.get(response.url, HTTP_REFERER="https://example.com/").url == "/admin/"
    other = logged_in(make_user("reviewer9", REVIEWERS))
    other.get(response.url)
    assert "已批准并发布" not in other.get("/admin/").content.decode()


def test_only_those_who_may_edit_a_page_read_why_it_was_not_approved(editor):
    trainer = make_user("trainer9", TRAINERS)
    case = CasePage.objects.get(slug="wuchang-1-3")
    refused = logged_in(trainer).get(f"/admin/cases/{case.pk}/not-ready/")
    assert (refused.status_code, refused.url) == (302, "/admin/")  # Wagtail's "no permission" redirect
    page = logged_in(editor).get(f"/admin/cases/{case.pk}/not-ready/").content.decode()
    assert "不在审核中" in page and "审核仍在进行" not in page  # a live case, not in review


@pytest.mark.parametrize("site", ["as set up", "step renamed", "both steps"])
def test_setup_moves_a_sites_plain_approval_step_and_its_reviews_to_the_checking_one(editor, site):
    """A site set up before the review checked what it approves: its pending review is kept, and
    no plain approval step is left to approve without checking."""
    workflow = Workflow.objects.get(name=WORKFLOW_NAME)
    checking = ReviewTask.objects.get(name=TASK_NAME)
    plain = GroupApprovalTask.objects.create(name="旧的审核步骤" if site == "step renamed" else TASK_NAME)
    plain.groups.set([Group.objects.get(name=REVIEWERS)])
    if site == "both steps":
        WorkflowTask.objects.filter(workflow=workflow).update(sort_order=1)
        WorkflowTask.objects.create(workflow=workflow, task=plain, sort_order=0)
    else:
        WorkflowTask.objects.filter(workflow=workflow).update(task=plain)
        checking.delete()
    # An administrator's own step stays, even one reviewers share with others.
    other = GroupApprovalTask.objects.create(name="主管领导审批")
    other.groups.set([Group.objects.get(name=EDITORS), Group.objects.get(name=REVIEWERS)])
    WorkflowTask.objects.create(workflow=workflow, task=other, sort_order=5)
    case = create_draft(logged_in(editor))
    submit(logged_in(editor), case)
    assert WorkflowState.objects.get(object_id=str(case.pk)).current_task_state.task_id == plain.pk

    setup_portal()
    setup_portal()
    checking = ReviewTask.objects.get(name=TASK_NAME, active=True)
    steps = WorkflowTask.objects.filter(workflow=workflow).order_by("sort_order")
    assert [step.task_id for step in steps] == [checking.pk, other.pk]
    state = WorkflowState.objects.get(object_id=str(case.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS and state.current_task_state.task_id == checking.pk
    assert not GroupApprovalTask.objects.get(pk=plain.pk).active


def test_a_reviewer_edits_a_problems_aliases_and_search_finds_its_cases_by_them(reviewer, client):
    from cases.taxonomy import Problem

    problem = Problem.objects.get(name="党员发展难")
    edit = f"/admin/snippets/cases/problem/edit/{problem.pk}/"
    page = logged_in(reviewer).get(edit)
    assert page.status_code == 200 and "别名" in page.content.decode()
    data = {"name": problem.name, "slug": problem.slug, "aliases": "入党的人少\n", "description": ""}
    response = logged_in(reviewer).post(edit, data)
    assert response.status_code == 302
    problem.refresh_from_db()
    assert problem.alias_list == ["入党的人少"]
    found = client.get("/search/", {"q": "入党的人少怎么办", "format": "json"}).json()
    filed = set(problem.cases.live().values_list("slug", flat=True))
    assert filed and {result["slug"] for result in found["results"]} >= filed
    # Another term's name is refused, in Chinese, and nothing is saved.
    refused = logged_in(reviewer).post(edit, {**data, "aliases": "集体经济薄弱"})
    assert (
        refused.status_code == 200
        and "“集体经济薄弱”已是针对难题“集体经济薄弱”的名称，不能再作为别名" in refused.content.decode()
    )
    problem.refresh_from_db()
    assert problem.alias_list == ["入党的人少"]


def _opened_with(html):
    import html as entities

    return entities.unescape(re.search(r'name="opened_with" value="([^"]*)"', html).group(1))


def test_a_term_saved_by_another_reviewer_meanwhile_is_not_overwritten(reviewer):
    """Two reviewers edit one problem's aliases at once: the second save is refused with what
    the first saved, her own input kept; saving again after looking replaces it."""
    problem = Problem.objects.get(name="党员发展难")
    edit = f"/admin/snippets/cases/problem/edit/{problem.pk}/"
    first, second = logged_in(reviewer), logged_in(make_user("reviewer2", REVIEWERS))
    opened = {"name": problem.name, "slug": problem.slug, "description": problem.description}
    first_form = _opened_with(first.get(edit).content.decode())
    second_form = _opened_with(second.get(edit).content.decode())

    saved = first.post(edit, {**opened, "aliases": "入党的人少", "opened_with": first_form})
    assert saved.status_code == 302
    refused = second.post(edit, {**opened, "aliases": "没人入党", "opened_with": second_form})
    html = refused.content.decode()
    assert refused.status_code == 200
    assert "您打开此页后，别人修改并保存了它：别名现为“入党的人少”" in html
    assert "别人已改为“入党的人少”" in html  # beside the field as well
    assert "没人入党" in html  # her input is still on the page
    problem.refresh_from_db()
    assert problem.alias_list == ["入党的人少"]

    # Having looked, she merges both and saves: the form now knows what it replaces.
    again = second.post(edit, {**opened, "aliases": "入党的人少\r\n没人入党", "opened_with": _opened_with(html)})
    assert again.status_code == 302
    problem.refresh_from_db()
    assert problem.alias_list == ["入党的人少", "没人入党"]


def test_a_term_changed_meanwhile_to_what_she_typed_or_in_a_field_she_left(reviewer):
    problem = Problem.objects.get(name="党员发展难")
    edit = f"/admin/snippets/cases/problem/edit/{problem.pk}/"
    client = logged_in(reviewer)
    opened = {"name": problem.name, "slug": problem.slug, "aliases": problem.aliases, "description": ""}
    form = _opened_with(client.get(edit).content.decode())
    Problem.objects.filter(pk=problem.pk).update(aliases="入党的人少")
    # Someone saved what she is saving too: no conflict.
    assert client.post(edit, {**opened, "aliases": "入党的人少", "opened_with": form}).status_code == 302
    # Someone changed the description she left alone: her save of the aliases keeps it.
    form = _opened_with(client.get(edit).content.decode())
    Problem.objects.filter(pk=problem.pk).update(description="另一位审核人写的说明")
    saved = client.post(edit, {**opened, "aliases": "入党的人少\n党员少", "opened_with": form})
    assert saved.status_code == 302
    problem.refresh_from_db()
    assert problem.description == "另一位审核人写的说明" and problem.alias_list == ["入党的人少", "党员少"]
    # Both changed the description, differently: refused, with what is there now. The slug
    # she left, changed meanwhile too, is shown as it is now, so that saving again keeps it.
    form = _opened_with(client.get(edit).content.decode())
    Problem.objects.filter(pk=problem.pk).update(description="第三种说明", slug="dangyuan-fazhan-nan")
    refused = client.post(edit, {**opened, "aliases": "入党的人少", "description": "我的说明", "opened_with": form})
    html = refused.content.decode()
    assert refused.status_code == 200 and "说明现为“第三种说明”" in html and 'value="dangyuan-fazhan-nan"' in html
    problem.refresh_from_db()
    assert problem.description == "第三种说明"
    again = {**opened, "slug": "dangyuan-fazhan-nan", "aliases": "入党的人少", "description": "我的说明"}
    assert client.post(edit, {**again, "opened_with": _opened_with(html)}).status_code == 302
    problem.refresh_from_db()
    assert (problem.description, problem.slug) == ("我的说明", "dangyuan-fazhan-nan")
    # An altered hidden field is no conflict and no error.
    broken = client.post(edit, {**opened, "opened_with": "[" * 100000})
    assert broken.status_code == 302


def test_a_region_saved_meanwhile_is_not_overwritten_and_one_left_alone_saves(reviewer):
    region = Region.objects.get(full_name="湖北省宜昌市兴山县")
    edit = f"/admin/snippets/cases/region/edit/{region.pk}/"
    client = logged_in(reviewer)
    data = {"name": region.name, "parent": region.parent_id, "level": region.level, "slug": region.slug}
    form = _opened_with(client.get(edit).content.decode())
    assert client.post(edit, {**data, "opened_with": form}).status_code == 302  # nothing changed meanwhile
    Region.objects.filter(pk=region.pk).update(slug="xingshan-county")
    refused = client.post(edit, {**data, "slug": "xingshan-xian", "opened_with": form})
    assert refused.status_code == 200 and "网址名现为“xingshan-county”" in refused.content.decode()
    region.refresh_from_db()
    assert region.slug == "xingshan-county"
    # The same save with the address left as she found it keeps theirs.
    assert client.post(edit, {**data, "opened_with": form}).status_code == 302
    region.refresh_from_db()
    assert region.slug == "xingshan-county"


def collection_form_data(picked=(), **overrides):
    data = nested_form_data(
        {
            "title": "培训专题：党员队伍建设",
            "slug": "test-dangyuan-duiwu",
            "audience": "村党组织书记",
            "session_dates": "",
            "learning_goals": "",
            "introduction": rich_text("<p>选编党员队伍建设的案例。</p>"),
            "collection_cases": inline_formset([{"case": case.pk, "notes": "", "questions": ""} for case in picked]),
            "discussion_questions": "你村党员队伍有哪些问题？",
            "criteria_match": "all",
            "criteria_limit": 10,
        }
    )
    return {**data, **overrides}


def test_a_new_collection_with_a_chinese_address_gets_it_in_pinyin(reviewer):
    """Trainers hand a collection out by link and QR code: its address is short, plain letters."""
    trainer = logged_in(make_user("trainer1", TRAINERS))
    training = TrainingIndexPage.objects.get()
    data = collection_form_data(slug="培训专题党员队伍建设")
    assert trainer.post(f"/admin/pages/add/cases/trainingcollectionpage/{training.pk}/", data).status_code == 302
    collection = TrainingCollectionPage.objects.get(title="培训专题：党员队伍建设")
    assert collection.slug == pinyin_slug("培训专题党员队伍建设") and collection.slug.isascii()


def test_a_trainer_writes_a_training_collection_and_a_reviewer_publishes_it(reviewer):
    trainer = logged_in(make_user("trainer1", TRAINERS))
    training = TrainingIndexPage.objects.get()
    add_url = f"/admin/pages/add/cases/trainingcollectionpage/{training.pk}/"
    assert trainer.get(add_url).status_code == 200
    picked = [CasePage.objects.get(slug="xingshan-lianghui-liangping")]
    response = trainer.post(add_url, collection_form_data(picked, **{"action-submit": "提交审核"}))
    assert response.status_code == 302, response.content.decode()[:2000]
    collection = TrainingCollectionPage.objects.get(slug="test-dangyuan-duiwu")
    assert not collection.live and collection.current_workflow_state.status == "in_progress"
    # A trainer has no editor's rights on cases, and cannot publish.
    case_index = CaseIndexPage.objects.get()
    assert trainer.get(f"/admin/pages/add/cases/casepage/{case_index.pk}/").status_code in (302, 403)
    assert not collection.permissions_for_user(collection.owner).can_publish()
    assert workflow_action(logged_in(reviewer), collection, "approve").status_code in (200, 302)
    collection.refresh_from_db()
    assert collection.live


def test_an_empty_collection_is_drafted_but_not_submitted():
    trainer = logged_in(make_user("trainer1", TRAINERS))
    add_url = f"/admin/pages/add/cases/trainingcollectionpage/{TrainingIndexPage.objects.get().pk}/"
    response = trainer.post(add_url, collection_form_data(**{"action-submit": "提交审核"}))
    assert response.status_code == 200 and "专题还没有案例" in response.content.decode()
    assert not TrainingCollectionPage.objects.filter(slug="test-dangyuan-duiwu").exists()
    assert trainer.post(add_url, collection_form_data()).status_code == 302  # a draft may be empty
    collection = TrainingCollectionPage.objects.get(slug="test-dangyuan-duiwu")
    # Criteria alone are enough: they find the cases.
    edit_url = f"/admin/pages/{collection.pk}/edit/"
    theme = CasePage.objects.get(slug="xingshan-lianghui-liangping").themes.first()
    response = trainer.post(edit_url, collection_form_data(criteria_themes=[theme.pk], **{"action-submit": "提交审核"}))
    assert response.status_code == 302, response.content.decode()[:2000]


def test_a_trainer_who_picks_an_unpublished_case_is_told_so(editor):
    draft = create_draft(logged_in(editor))
    trainer = logged_in(make_user("trainer1", TRAINERS))
    add_url = f"/admin/pages/add/cases/trainingcollectionpage/{TrainingIndexPage.objects.get().pk}/"
    live = CasePage.objects.get(slug="xingshan-lianghui-liangping")
    response = trainer.post(add_url, collection_form_data([live, draft]), follow=True)
    html = response.content.decode()
    assert (
        "选定的案例中有 1 个尚未发布（测试新案例：网格党建）" in html
        and live.title not in html.split("尚未发布")[1][:60]
    )
    response = trainer.post(add_url, collection_form_data([live], slug="test-2"), follow=True)
    assert "尚未发布" not in response.content.decode()


def dashboard(client):
    response = client.get("/admin/")
    assert response.status_code == 200
    return response.content.decode()


def panel(html, name):
    """The content of one dashboard panel."""
    return html.split(f'id="{name}-content"')[1].split("</section>")[0]


def test_the_dashboard_shows_an_editor_their_drafts_and_what_was_sent_back(editor, reviewer):
    editor_client = logged_in(editor)
    assert "没有未完成的草稿" in dashboard(editor_client)
    case = create_draft(editor_client)
    html = dashboard(editor_client)
    drafts = panel(html, "my-drafts")
    assert case.title in drafts and "草稿，尚未提交审核" in drafts
    assert submit(editor_client, case).status_code == 302
    assert case.title not in panel(dashboard(editor_client), "my-drafts")  # in review now
    workflow_action(logged_in(reviewer), case, "reject", comment="请补充成效数据的出处。")
    html = dashboard(editor_client)
    sent_back = panel(html, "sent-back")
    assert case.title in sent_back and "请补充成效数据的出处。" in sent_back


def test_a_reviewer_sees_the_oldest_submission_first(editor, reviewer):
    editor_client = logged_in(editor)
    first = create_draft(editor_client)
    submit(editor_client, first)
    index = CaseIndexPage.objects.get()
    editor_client.post(
        f"/admin/pages/add/cases/casepage/{index.pk}/", new_case_data(title="测试新案例：第二个", slug="test-second")
    )
    submit(editor_client, CasePage.objects.get(slug="test-second"))
    html = dashboard(logged_in(reviewer))
    assert html.index("测试新案例：网格党建") < html.index("测试新案例：第二个")


def test_demo_users_have_roles_and_chinese_names_and_are_made_once(monkeypatch):
    monkeypatch.setenv("DEMO_EDITOR_PASSWORD", "editor-demo-pw")
    out = io.StringIO()
    call_command("create_demo_users", stdout=out)
    editor = get_user_model().objects.get(username="bianji")
    assert editor.check_password("editor-demo-pw") and editor.get_full_name() == "演示编辑"
    assert list(editor.groups.values_list("name", flat=True)) == [EDITORS]
    assert get_user_model().objects.get(username="admin").is_superuser
    call_command("create_demo_users", stdout=out)
    assert "已存在，密码未改动" in out.getvalue() and get_user_model().objects.filter(username="bianji").count() == 1
