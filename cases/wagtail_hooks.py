from django.contrib import messages
from django.shortcuts import redirect
from django.urls import path
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .filters import BY_NAME
from .publishing import publishing_gaps
from .review.views import ApprovedView, NotReadyView
from .taxonomy import Domain, Problem, Region, Theme
from .training.models import TrainingCollectionPage


class VocabularyViewSet(SnippetViewSet):
    # The lists search with the database's own LIKE: the vocabularies are not in a Wagtail
    # search index (readers' search has its own), and asking one for them failed (a 500).
    search_backend_name = None


class RegionViewSet(VocabularyViewSet):
    model = Region
    icon = "site"
    menu_label = "地区"
    list_display = ["full_name", "level", "slug"]
    list_filter = ["level"]
    search_fields = ["name", "full_name"]
    ordering = ["full_name"]


class TermViewSet(VocabularyViewSet):
    list_display = ["name", "slug"]
    search_fields = ["name", "aliases"]


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


@hooks.register("register_admin_urls")
def register_review_urls():
    return [
        path("cases/<int:page_id>/approved/", ApprovedView.as_view(), name="cases_approved"),
        path("cases/<int:page_id>/not-ready/", NotReadyView.as_view(), name="cases_not_ready"),
    ]


SHOWN_REFUSALS = 5


@hooks.register("before_bulk_action")
def refuse_to_bulk_publish_what_is_not_ready(request, action_type, objects, action):
    """Publishing pages ticked in a listing (and their drafts below, if asked) skips the edit
    form: the same rules are checked here, and nothing is published if any page fails them."""
    if action_type != "publish":
        return None
    pages = list(objects)
    if request.POST.get("include_descendants"):
        # Wagtail publishes the drafts below that this user may publish, and only those.
        below = [draft for page in objects for draft in page.get_descendants().not_live()]
        pages += [draft for draft in below if draft.permissions_for_user(request.user).can_publish()]
    refused = [f"“{page.title}”：{''.join(gaps)}" for page in pages if (gaps := publishing_gaps(page))]
    if not refused:
        return None
    shown = "".join(refused[:SHOWN_REFUSALS]) + ("……" if len(refused) > SHOWN_REFUSALS else "")
    messages.error(request, f"没有发布任何页面：有 {len(refused)} 个页面还不能发布。{shown}")
    return redirect(action.next_url)


# The training collections' criterion naming each vocabulary, by the filter it applies.
CRITERIA_OF = {BY_NAME[name].model: field for field, name in TrainingCollectionPage.CRITERIA}
VOCABULARIES = tuple(viewset.model for viewset in VocabularyGroup.items)


def _uses(term):
    """(cases filed under `term`, training collections whose criteria name it)."""
    return term.cases.count(), TrainingCollectionPage.objects.filter(**{CRITERIA_OF[type(term)]: term}).count()


@hooks.register("before_delete_snippet")
def refuse_to_delete_terms_in_use(request, instances):
    """A term cases are filed under, or collections collect by, is not deleted from under them
    (the cases, their search and the collections would lose it without a word)."""
    refusals = []
    for term in instances:
        if type(term) not in VOCABULARIES:
            continue
        cases, collections = _uses(term)
        if cases or collections:
            where = "、".join(
                filter(
                    None,
                    (f"{cases} 个案例" if cases else "", f"{collections} 个培训专题的收录条件" if collections else ""),
                )
            )
            refusals.append(f"“{term.name}”还用在 {where}中")
    if not refusals:
        return None
    messages.error(
        request,
        "；".join(refusals) + "，不能删除。请先在这些案例和专题中去掉它；另一种叫法可以作为别名加到保留的词条上。",
    )
    # Back to the vocabulary's list (its delete view would ask this hook again).
    return redirect(type(instances[0]).snippet_viewset.get_url_name("list"))
