"""The reviewers' step of the editorial workflow (portal.editorial puts it in 案例审核)."""

from urllib.parse import urlencode

from django import forms
from django.urls import reverse
from wagtail.forms import TaskStateCommentForm
from wagtail.models import AbstractGroupApprovalTask

from ..publishing import publishing_gaps
from .comments import carried_comment


class ChangesRequestedForm(TaskStateCommentForm):
    """A case sent back says why: the editor sees nothing else of what the reviewer wants."""

    comment = forms.CharField(
        label="修改意见",
        widget=forms.Textarea({"rows": 3}),
        error_messages={"required": "请写明需要修改什么：退回后编辑只能看到这条意见。"},
    )


class ReviewTask(AbstractGroupApprovalTask):
    """Wagtail's group approval, refusing to approve what cannot go live.

    Approving publishes the latest revision. From the page editor the form's checks ran first;
    from the dashboard or the workflow history nothing has checked a draft saved during review,
    so the same rules are asked here and the reviewer is sent to a page saying what is missing.
    """

    def on_action(self, task_state, user, action_name, **kwargs):
        page = task_state.workflow_state.content_object
        if action_name == "reject" and not kwargs.get("comment", "").strip():
            # The page editor hands on its modal's data unchecked: a sending back without a
            # reason, which that modal's form refuses, goes no further here either.
            return reverse("wagtailadmin_pages:edit", args=[page.pk])
        if action_name == "approve":
            if publishing_gaps(page):
                # The comment typed with the approval is not saved: the page hands it back.
                comment = kwargs.get("comment", "")
                return reverse("cases_not_ready", args=[page.pk]) + (
                    f"?{urlencode({'comment': carried_comment(comment, user)})}" if comment else ""
                )
        redirect_url = super().on_action(task_state, user, action_name, **kwargs)
        if action_name == "approve" and not redirect_url:
            # Wagtail's dashboard reloads without a word after an approval: this page says what
            # it did (the page editor ignores the URL and confirms on its own).
            return reverse("cases_approved", args=[page.pk])
        return redirect_url

    def get_form_for_action(self, action):
        return ChangesRequestedForm if action == "reject" else super().get_form_for_action(action)

    @classmethod
    def get_description(cls):
        return "所选用户组的成员审核；案例缺少发布所需的内容时不能批准。"

    class Meta:
        verbose_name = "审核人审核（发布前检查）"
        verbose_name_plural = "审核人审核（发布前检查）"
