"""The admin dashboard's panels for the people who write and review cases.

An editor sees the drafts that are still theirs to finish (我的草稿) and what reviewers sent
back (退回修改, with the reviewer's comment); a reviewer sees what waits for review oldest first
(Wagtail lists the newest first), so nothing waits longest by being least visible.
"""

from wagtail.admin.ui.components import Component
from wagtail.admin.views.home import WorkflowObjectsToModeratePanel
from wagtail.models import Page, WorkflowState, get_default_page_content_type

MAX_LISTED = 10


class ReviewQueuePanel(WorkflowObjectsToModeratePanel):
    """Wagtail's own 待审核 panel, oldest submission first."""

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        context["states"].sort(key=lambda state: state["task_state"].started_at)
        return context


class EditorWorkPanel(Component):
    name = "editor_work"
    template_name = "portal/dashboard/editor_work.html"
    order = 205

    def get_context_data(self, parent_context):
        user = parent_context["request"].user
        mine = WorkflowState.objects.filter(requested_by=user)
        sent_back = (
            mine.filter(status=WorkflowState.STATUS_NEEDS_CHANGES)
            .select_related("current_task_state")
            .prefetch_related("content_object")
            .order_by("-current_task_state__finished_at")[:MAX_LISTED]
        )
        # Whoever submitted it: a page in review is no longer the owner's draft to finish.
        in_workflow = [
            int(pk)
            for pk in WorkflowState.objects.active()
            .filter(base_content_type=get_default_page_content_type())
            .values_list("object_id", flat=True)
        ]
        drafts = (
            Page.objects.filter(owner=user, has_unpublished_changes=True)
            .exclude(pk__in=in_workflow)
            .order_by("-latest_revision_created_at")[:MAX_LISTED]
        )
        return {
            "sent_back": [
                (state.content_object, state.current_task_state) for state in sent_back if state.content_object
            ],
            "drafts": list(drafts),
        }
