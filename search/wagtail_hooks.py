"""The admin's 统计 page: the public page's figures, for everyone who works in the admin."""

from django.template.response import TemplateResponse
from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from .statistics import page_context


def admin_statistics(request):
    return TemplateResponse(request, "search/admin_statistics.html", page_context())


@hooks.register("register_admin_urls")
def register_statistics_url():
    return [path("stats/", admin_statistics, name="search_statistics")]


@hooks.register("register_admin_menu_item")
def register_statistics_menu_item():
    return MenuItem("统计", reverse("search_statistics"), icon_name="table", order=260)
