from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .taxonomy import Domain, Problem, Region, Theme


class RegionViewSet(SnippetViewSet):
    model = Region
    icon = "site"
    menu_label = "地区"
    list_display = ["full_name", "level", "slug"]
    list_filter = ["level"]
    search_fields = ["name", "full_name"]
    ordering = ["full_name"]


class TermViewSet(SnippetViewSet):
    list_display = ["name", "slug"]
    search_fields = ["name"]


class DomainViewSet(TermViewSet):
    model = Domain
    icon = "folder-open-inverse"
    menu_label = "领域"


class ThemeViewSet(TermViewSet):
    model = Theme
    icon = "tag"
    menu_label = "主题"


class ProblemViewSet(TermViewSet):
    model = Problem
    icon = "help"
    menu_label = "针对难题"


class VocabularyGroup(SnippetViewSetGroup):
    items = (RegionViewSet, DomainViewSet, ThemeViewSet, ProblemViewSet)
    menu_icon = "list-ul"
    menu_label = "分类词表"
    menu_name = "vocabularies"


register_snippet(VocabularyGroup)


# --- 导入案例 (cases.importer) ------------------------------------------------------------------
from django.urls import path, reverse  # noqa: E402
from wagtail import hooks  # noqa: E402
from wagtail.admin.menu import MenuItem  # noqa: E402

from .importer.views import ImportView, libraries_for  # noqa: E402


class ImportMenuItem(MenuItem):
    def is_shown(self, request):
        return bool(libraries_for(request.user))


@hooks.register("register_admin_urls")
def register_import_url():
    return [path("cases/import/", ImportView.as_view(), name="cases_import")]


@hooks.register("register_admin_menu_item")
def register_import_menu_item():
    return ImportMenuItem("导入案例", reverse("cases_import"), icon_name="upload", order=250)
