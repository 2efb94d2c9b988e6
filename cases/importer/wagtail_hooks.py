"""The admin's 导入案例 menu item and page."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from .views import ImportView, libraries_for


class ImportMenuItem(MenuItem):
    def is_shown(self, request):
        return bool(libraries_for(request.user))


@hooks.register("register_admin_urls")
def register_import_url():
    return [path("cases/import/", ImportView.as_view(), name="cases_import")]


@hooks.register("register_admin_menu_item")
def register_import_menu_item():
    return ImportMenuItem("导入案例", reverse("cases_import"), icon_name="upload", order=250)
