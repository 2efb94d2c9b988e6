from django.contrib import messages
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .taxonomy import Domain, Problem, Region, Theme
from .training.models import TrainingCollectionPage


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


@hooks.register("after_create_page")
@hooks.register("after_edit_page")
def warn_of_unpublished_picks(request, page):
    """A collection lists only live cases: a trainer who picked a draft is told so, not left to
    find it missing from the page, the print view and the handout."""
    if not isinstance(page, TrainingCollectionPage):
        return
    waiting = [entry.case.title for entry in page.collection_cases.all() if not entry.case.live]
    if waiting:
        messages.warning(
            request,
            f"选定的案例中有 {len(waiting)} 个尚未发布（{'、'.join(waiting)}）："
            "它们发布之前，专题页面、打印版和讲义都不会列出。",
        )
