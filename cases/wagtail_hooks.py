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
