from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.timezone import localtime
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.models import Page, TaskState, WorkflowState

from ..publishing import publishing_gaps
from .comments import handed_back


class ReviewedPageMixin:
    """Views about one page's review, for those who may edit or publish it."""

    def dispatch(self, request, *args, page_id, **kwargs):
        self.page = get_object_or_404(Page, pk=page_id).specific
        permissions = self.page.permissions_for_user(request.user)
        if not (permissions.can_edit() or permissions.can_publish()):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ApprovedView(ReviewedPageMixin, View):
    """Where an approval from the dashboard lands: says what became of the page, then goes back
    to the page the reviewer approved from."""

    def get(self, request):
        if self._approved_last_by(request.user):
            url = self.page.get_url(request) if self.page.live else None
            buttons = [messages.button(url, "查看线上页面", new_window=True)] if url else None
            messages.success(request, self._outcome(), buttons=buttons)
        back = request.headers.get("referer", "")
        if url_has_allowed_host_and_scheme(back, {request.get_host()}, require_https=request.is_secure()):
            return redirect(back)
        return redirect(reverse("wagtailadmin_home"))

    def _approved_last_by(self, user):
        """Whether the page's last finished review step was this user's approval (so that the
        address opened again, or by hand, says nothing untrue)."""
        last = (
            TaskState.objects.filter(workflow_state__in=self.page.workflow_states.all(), finished_at__isnull=False)
            .order_by("-finished_at")
            .first()
        )
        return last is not None and last.status == TaskState.STATUS_APPROVED and last.finished_by_id == user.pk

    def _outcome(self):
        title = f"《{self.page.title}》"
        if self.page.workflow_in_progress:
            return f"已批准{title}这一步的审核，等待下一步审核。"
        if self.page.live and not self.page.has_unpublished_changes:
            return f"已批准并发布{title}。"
        if self.page.go_live_at:
            return f"已批准{title}，将于{localtime(self.page.go_live_at):%Y年%m月%d日 %H:%M}发布。"
        return f"已批准{title}。"


class NotReadyView(ReviewedPageMixin, WagtailAdminTemplateMixin, TemplateView):
    """Where a refused approval lands: what the page still lacks, read again now."""

    page_title = "批准前检查"
    header_icon = "warning"
    template_name = "cases/review/not_ready.html"

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.get_page_title()}]

    def _may_approve(self):
        task = self.page.current_workflow_task
        return task is not None and "approve" in [name for name, *_ in task.get_actions(self.page, self.request.user)]

    def get_context_data(self, **kwargs):
        # Read now: another reviewer may have approved or sent it back since (退回修改 is no
        # longer a review).
        state = self.page.current_workflow_state
        in_review = state is not None and state.status == WorkflowState.STATUS_IN_PROGRESS
        comment, whole = handed_back(self.request.GET.get("comment", ""), self.request.user)
        return super().get_context_data(
            page=self.page,
            gaps=publishing_gaps(self.page),
            in_review=in_review,
            may_approve=in_review and self._may_approve(),
            comment=comment,
            comment_whole=whole,
            **kwargs,
        )
