"""Teaching search a cadre's own words: from a search that found little, a reviewer adds what
she typed (or the part of it that names a problem: 有怨气) as an alias of a vocabulary term, so
that every later search saying so finds the cases filed under the term, in every process (the
term's save goes through the change journal like any other)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import FormView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.log_actions import log
from wagtail.permission_policies import ModelPermissionPolicy

from cases.models import CasePage
from cases.taxonomy import MAX_ALIAS_LENGTH, Domain, Problem, Theme
from search.case_search import search_cases
from search.text import compact

from .links import public_search_url
from .models import SearchLog

# In the order the form lists them: a cadre's words most often name a problem.
TERM_MODELS = {"problem": Problem, "theme": Theme, "domain": Domain}


def editable_models(user):
    """The kinds of term (TERM_MODELS' keys) whose aliases `user` may change."""
    return [
        kind for kind, model in TERM_MODELS.items() if ModelPermissionPolicy(model).user_has_permission(user, "change")
    ]


class AliasForm(forms.Form):
    term = forms.ChoiceField(label="加到哪个词条")
    alias = forms.CharField(
        label="别名",
        max_length=MAX_ALIAS_LENGTH,
        error_messages={"max_length": "别名最多 %(limit_value)d 个字（现在 %(show_value)d 个）。"},
        help_text=(
            f"最多 {MAX_ALIAS_LENGTH} 个字。写出这条搜索里说出问题的那几个字（如“有怨气”“人手不够”），"
            "不要写“怎么办”之类的提问用语：以后凡是包含这个别名的搜索，都会找到归入该词条的案例。"
        ),
    )

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        # No term chosen for her: a wrong one would send every later search saying so astray.
        self.fields["term"].choices = [("", "请选择")] + [
            (
                TERM_MODELS[kind]._meta.verbose_name,
                [(f"{kind}:{pk}", f"{name}（{count} 个已发布案例）") for pk, name, count in _terms_with_counts(kind)],
            )
            for kind in kinds
        ]

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            kind, pk = cleaned["term"].split(":")
            cleaned["term"] = with_alias(TERM_MODELS[kind].objects.all(), pk, cleaned["alias"])
        return cleaned


def with_alias(terms, pk, alias):
    """The term `pk` of `terms` (a queryset) with `alias` added, checked as the term's own form
    checks it; a ValidationError naming the field at fault if it may not have it."""
    try:
        term = terms.get(pk=pk)
    except ObjectDoesNotExist:
        raise ValidationError({"term": "这个词条刚被删除了，请另选一个。"}) from None
    if compact(alias) in {compact(surface) for surface in (term.name, *term.alias_list)}:
        raise ValidationError({"alias": f"“{alias}”已是“{term.name}”的名称或别名。"})
    had = len(term.alias_list)
    term.aliases = "\n".join([*term.alias_list, alias])
    if len(term.alias_list) != had + 1:
        raise ValidationError({"alias": "一次只加一个别名：别名里不能有顿号、逗号、分号或换行。"})
    try:
        term.full_clean()
    except ValidationError as error:
        raise ValidationError({"alias": error.message_dict.get("aliases") or error.messages}) from None
    return term


def _terms_with_counts(kind):
    """(pk, name, how many published cases are filed under it) of each term of `kind`."""
    published = Q(cases__in=CasePage.objects.published())
    return (
        TERM_MODELS[kind]
        .objects.annotate(count=Count("cases", filter=published, distinct=True))
        .order_by("name")
        .values_list("pk", "name", "count")
    )


class AddAliasView(WagtailAdminTemplateMixin, FormView):
    page_title = "把搜索的说法加为词条别名"
    header_icon = "search"
    form_class = AliasForm
    template_name = "search_log/add_alias.html"

    def dispatch(self, request, *args, **kwargs):
        self.kinds = editable_models(request.user)
        if not self.kinds:
            raise PermissionDenied
        self.query = (request.GET.get("query") or request.POST.get("query") or "").strip()[
            : SearchLog._meta.get_field("query").max_length
        ]
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "kinds": self.kinds}

    def get_initial(self):
        return {"alias": self.query if len(self.query) <= MAX_ALIAS_LENGTH else ""}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["query"] = self.query
        if self.query:
            now = search_cases({"q": self.query})
            context["now"] = {"found": _found(now), "notes": now.errors}
            context["search_url"] = public_search_url({"query": self.query})
        context["back_url"] = reverse("search_log_few_results")
        return context

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("search_log_few_results"), "label": "无结果或结果很少的搜索"},
            {"url": "", "label": self.get_page_title()},
        ]

    def form_valid(self, form):
        checked, alias = form.cleaned_data["term"], form.cleaned_data["alias"]
        try:
            with transaction.atomic():
                # Read again under a lock: an alias another reviewer added meanwhile is kept.
                term = with_alias(type(checked).objects.select_for_update(), checked.pk, alias)
                term.save()
                log(instance=term, action="wagtail.edit", user=self.request.user)
        except ValidationError as error:
            for field, said in error.message_dict.items():
                for message in said:
                    form.add_error(field, message)
            return self.form_invalid(form)
        message = f"已把“{alias}”加为{term._meta.verbose_name}“{term.name}”的别名。"
        if self.query:
            message += f"现在搜索“{self.query}”{_found(search_cases({'q': self.query}))}。"
        messages.success(self.request, message)
        return redirect("search_log_few_results")


def _found(results):
    """What a search finds now, by words: what an alias is there to change."""
    if results.by_meaning:
        return f"按词语仍找不到案例（按意思找到 {results.total} 个）"
    return f"找到 {results.total} 个案例"
