"""The admin's 搜索报告 menu (under 报告) and its pages."""

from django.contrib.auth.models import Permission
from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from .aliases import AddAliasView
from .reports import REPORTS, PromoteView


class ReportMenuItem(MenuItem):
    def __init__(self, report, url, order):
        super().__init__(report.page_title, url, icon_name="search", order=order)
        self.report = report

    def is_shown(self, request):
        return self.report.permission_policy.user_has_any_permission(request.user, self.report.any_permission_required)


@hooks.register("register_admin_urls")
def register_report_urls():
    urls = [
        path("reports/searches/promote/", PromoteView.as_view(), name="search_log_promote"),
        path("reports/searches/alias/", AddAliasView.as_view(), name="search_log_alias"),
    ]
    for slug, report in REPORTS:
        urls += [
            path(f"reports/searches/{slug}/", report.as_view(), name=report.index_url_name),
            path(
                f"reports/searches/{slug}/results/",
                report.as_view(results_only=True),
                name=report.index_results_url_name,
            ),
        ]
    return urls


def _menu_item(report, order):
    return ReportMenuItem(report, reverse(report.index_url_name), order)


for _order, (_slug, _report) in enumerate(REPORTS):
    hooks.register("register_reports_menu_item", lambda report=_report, order=_order: _menu_item(report, 1000 + order))


@hooks.register("construct_reports_menu")
def hide_wagtail_search_terms(request, menu_items):
    # Wagtail's own search-terms report counts hits this portal does not record (the search
    # log does, privacy first): it would stay empty.
    menu_items[:] = [item for item in menu_items if item.name != "search-terms"]


@hooks.register("register_permissions")
def register_search_log_permission():
    # So that administrators can give the reports to a group in 设置 › 用户组.
    return Permission.objects.filter(content_type__app_label="search_log", codename="view_searchlog")
