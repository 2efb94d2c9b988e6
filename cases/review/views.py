from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.views.generic import TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.models import Page

from ..publishing import publishing_gaps


class NotReadyView(WagtailAdminTemplateMixin, TemplateView):
    """Where a refused approval lands: what the page still lacks, read again now."""

    page_title = "批准前检查"
    header_icon = "warning"
    template_name = "cases/review/not_ready.html"

    def dispatch(self, request, *args, page_id, **kwargs):
        self.page = get_object_or_404(Page, pk=page_id).specific
        permissions = self.page.permissions_for_user(request.user)
        if not (permissions.can_edit() or permissions.can_publish()):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            page=self.page,
            gaps=publishing_gaps(self.page),
            in_review=self.page.workflow_in_progress,
            comment=self.request.GET.get("comment", ""),
            **kwargs,
        )
