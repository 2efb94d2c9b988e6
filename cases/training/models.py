"""培训专题: curated case collections that trainers hand out (page, print view, Word handout)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Q
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils.http import content_disposition_header
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import Tag
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page

from portal.addresses import public_url, qr_svg, share_context
from portal.permissions import EditorialPermissionsMixin
from portal.routing import SingleChildTypeRoutingMixin

from ..blocks import html_paragraphs
from ..filters import BY_NAME
from ..pages import CasePage
from ..taxonomy import Domain, Problem, Region, Theme
from .forms import TrainingCollectionForm
from .handouts import DOCX_TYPE, build_handout


def lines(text):
    """One question (or item) a line, blank lines dropped."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class TrainingIndexPage(SingleChildTypeRoutingMixin, Page):
    """培训专题: the section holding the training collections."""

    child_page_model = "cases.TrainingCollectionPage"

    intro = RichTextField("简介", blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["portal.HomePage"]
    subpage_types = ["cases.TrainingCollectionPage"]
    max_count = 1

    class Meta:
        verbose_name = "培训专题栏目"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["collections"] = (
            TrainingCollectionPage.objects.live().public().child_of(self).order_by("-first_published_at")
        )
        return context


class TrainingCollectionPage(EditorialPermissionsMixin, RoutablePageMixin, Page):
    """A set of cases for one training session: hand-picked, found by saved criteria, or both."""

    MATCH_ALL, MATCH_ANY = "all", "any"
    # What the page, its print view and its handout say when no case of it is live.
    NO_CASES = "本专题还没有已发布的案例。"

    audience = models.CharField("培训对象", max_length=200, blank=True)
    session_dates = models.CharField("培训时间", max_length=100, blank=True, help_text="如“2026年12月1日—3日”。")
    learning_goals = models.TextField("学习目标", blank=True, help_text="每行一条。")
    introduction = RichTextField("导语", blank=True, features=["bold", "italic", "link", "ol", "ul"])
    discussion_questions = models.TextField("综合讨论题", blank=True, help_text="每行一题。")

    criteria_themes = ParentalManyToManyField(Theme, verbose_name="主题", blank=True, related_name="+")
    criteria_problems = ParentalManyToManyField(Problem, verbose_name="针对难题", blank=True, related_name="+")
    criteria_domains = ParentalManyToManyField(Domain, verbose_name="领域", blank=True, related_name="+")
    criteria_regions = ParentalManyToManyField(Region, verbose_name="地区", blank=True, related_name="+")
    criteria_tags = ParentalManyToManyField(Tag, verbose_name="标签", blank=True, related_name="+")
    criteria_year_from = models.PositiveSmallIntegerField("起始年份不早于", null=True, blank=True)
    criteria_year_to = models.PositiveSmallIntegerField("报道年份不晚于", null=True, blank=True)
    criteria_match = models.CharField(
        "条件组合",
        max_length=3,
        default=MATCH_ALL,
        choices=[(MATCH_ALL, "满足全部条件"), (MATCH_ANY, "满足任一条件")],
    )
    criteria_limit = models.PositiveSmallIntegerField("按条件最多收录", default=10)

    content_panels = Page.content_panels + [
        FieldRowPanel([FieldPanel("audience"), FieldPanel("session_dates")]),
        FieldPanel("learning_goals"),
        FieldPanel("introduction"),
        InlinePanel("collection_cases", heading="选定案例（可拖动排序）", label="案例"),
        FieldPanel("discussion_questions"),
        MultiFieldPanel(
            [
                FieldPanel("criteria_match"),
                FieldPanel("criteria_themes"),
                FieldPanel("criteria_problems"),
                FieldPanel("criteria_domains"),
                FieldPanel("criteria_regions"),
                FieldPanel("criteria_tags"),
                FieldRowPanel([FieldPanel("criteria_year_from"), FieldPanel("criteria_year_to")]),
                FieldPanel("criteria_limit"),
            ],
            heading="自动收录条件（可选）：新发布的案例符合条件即自动加入，排在选定案例之后",
        ),
    ]
    base_form_class = TrainingCollectionForm
    parent_page_types = ["cases.TrainingIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = "培训专题"
        verbose_name_plural = "培训专题"

    def clean(self):
        super().clean()
        first, last = self.criteria_year_from, self.criteria_year_to
        if first and last and first > last:
            raise ValidationError(
                {
                    "criteria_year_to": f"报道年份不晚于 {last} 年，起始年份却不早于 {first} 年："
                    "没有案例能同时满足，请调整其中一个。"
                }
            )

    @property
    def goals(self):
        return lines(self.learning_goals)

    @property
    def summary(self):
        """Its introduction as plain text: what a shared link and search engines show of it."""
        return " ".join(html_paragraphs(self.introduction))

    @property
    def questions(self):
        return lines(self.discussion_questions)

    # Each saved criterion and the filter of cases.filters.FILTERS whose rule it applies.
    CRITERIA = (
        ("criteria_themes", "theme"),
        ("criteria_problems", "problem"),
        ("criteria_domains", "domain"),
        ("criteria_tags", "tag"),
        ("criteria_regions", "region"),
    )

    def _chosen_criteria(self):
        """{field: its chosen terms} of the criteria that have any.

        A saved page answers in one query, the terms staying subqueries; a preview's unsaved
        choices live in memory and are read from there.
        """
        in_memory = getattr(self, "_cluster_related_objects", {})
        if self.pk is None or any(field in in_memory for field, _ in self.CRITERIA):
            chosen = {field: list(getattr(self, field).all()) for field, _ in self.CRITERIA}
            return {field: terms for field, terms in chosen.items() if terms}
        counts = TrainingCollectionPage.objects.filter(pk=self.pk).aggregate(
            **{field: Count(field, distinct=True) for field, _ in self.CRITERIA}
        )
        return {field: getattr(self, field).all() for field, _ in self.CRITERIA if counts[field]}

    def criteria_q(self):
        """The saved criteria as one Q, or None when there are none."""
        chosen = self._chosen_criteria()
        conditions = [
            BY_NAME[name].any_condition(terms)
            for field, name in self.CRITERIA
            if (terms := chosen.get(field)) is not None
        ]
        years = Q()
        if self.criteria_year_from:
            years &= Q(year_started__gte=self.criteria_year_from)
        if self.criteria_year_to:
            years &= Q(year_reported__lte=self.criteria_year_to)
        if not conditions and not years:
            return None
        combined = Q()
        for condition in conditions:
            combined = combined & condition if self.criteria_match == self.MATCH_ALL else combined | condition
        # The year range narrows whatever the other criteria find, under "all" and "any" alike.
        return combined & years

    def entries(self):
        """[(case, notes, questions)] in order: the hand-picked live cases, then those the criteria find."""
        cases = CasePage.objects.published()
        picked = list(self.collection_cases.all())
        picked_ids = [entry.case_id for entry in picked]
        wanted = Q(pk__in=picked_ids)
        criteria = self.criteria_q()
        if criteria is not None:
            found = cases.filter(pk__in=cases.filter(criteria).values("pk")).exclude(pk__in=picked_ids)
            wanted |= Q(pk__in=found.values("pk")[: self.criteria_limit])
        # Picked and found cases in one fetch (and one of each prefetched relation).
        fetched = list(cases.filter(wanted).prefetch_related(None).prefetch_related("key_figures"))
        by_pk = {case.pk: case for case in fetched}
        result = [
            (by_pk[entry.case_id], entry.notes, lines(entry.questions)) for entry in picked if entry.case_id in by_pk
        ]
        picked_ids = set(picked_ids)
        return result + [(case, "", []) for case in fetched if case.pk not in picked_ids]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["entries"] = self.entries()
        context.update(share_context(request, self.url))
        return context

    @path("print/")
    def print_view(self, request):
        entries = [
            (case, notes, questions, qr_svg(public_url(request, case.url))) for case, notes, questions in self.entries()
        ]
        return TemplateResponse(
            request,
            "cases/training_collection_print.html",
            {"page": self, "self": self, "entries": entries, **share_context(request, self.url)},
        )

    def handout(self, request):
        """The Word handout, served at <collection URL>handout.docx by cases.training.views."""
        response = HttpResponse(build_handout(self, self.entries(), request), content_type=DOCX_TYPE)
        name = "".join(char for char in self.title if char not in '\\/:*?"<>|').strip() or self.slug
        response["Content-Disposition"] = content_disposition_header(True, f"{name}（培训讲义）.docx")
        return response


class CollectionCase(Orderable):
    collection = ParentalKey(TrainingCollectionPage, on_delete=models.CASCADE, related_name="collection_cases")
    case = models.ForeignKey("cases.CasePage", verbose_name="案例", on_delete=models.CASCADE, related_name="+")
    notes = models.TextField("讲解要点", blank=True)
    questions = models.TextField("讨论题", blank=True, help_text="每行一题。")

    panels = [FieldPanel("case"), FieldPanel("notes"), FieldPanel("questions")]

    class Meta(Orderable.Meta):
        verbose_name = "专题案例"
        verbose_name_plural = "专题案例"
