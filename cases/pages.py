"""The case pages: 案例库 (CaseIndexPage) and 典型案例 (CasePage), with their figures and related cases."""

from django import forms
from django.conf import settings
from django.db import models
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.utils.functional import cached_property
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import Tag, TaggedItemBase
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.api import APIField
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page, PageManager
from wagtail.search import index

from portal.addresses import share_context
from portal.permissions import EditorialPermissionsMixin
from portal.querysets import PortalPageQuerySet
from portal.routing import SingleChildTypeRoutingMixin
from search.text.fields import SegmentedAutocompleteField, SegmentedField

from . import finding, fingerprints, share_card
from .blocks import CaseBodyBlock, html_paragraphs
from .comparing import MAX_COMPARED
from .forms import CasePageForm
from .named_places import places_named_in
from .quoted_names import quoted_names_in
from .serializers import (
    KeyFigureSerializer,
    PageUrlField,
    RegionSerializer,
    SourceSerializer,
    TagSerializer,
    TermSerializer,
)
from .taxonomy import Domain, Problem, Region, Theme


class CaseIndexPage(SingleChildTypeRoutingMixin, Page):
    """案例库: the listing of published cases, filterable by query parameters."""

    child_page_model = "cases.CasePage"
    child_select_related = ("region", "domain")

    intro = RichTextField("简介", blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]

    parent_page_types = ["portal.HomePage"]
    subpage_types = ["cases.CasePage"]

    class Meta:
        verbose_name = "案例库"
        verbose_name_plural = "案例库"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(finding.case_listing(request, self), max_compared=MAX_COMPARED)
        return context


class CasePageTag(TaggedItemBase):
    content_object = ParentalKey("cases.CasePage", on_delete=models.CASCADE, related_name="tagged_items")


def listing_year(year_started, year_reported):
    """A case's year in the newest-first order: the year it was reported, else the year it
    started (it is at least that recent); a case with neither comes after every dated one."""
    return year_reported if year_reported is not None else year_started


LISTING_YEAR = Coalesce("year_reported", "year_started")  # listing_year, in SQL


class CasePageQuerySet(PortalPageQuerySet):
    def visible(self):
        """Live, public cases, nothing more: what a reader may see, and so all that search may
        learn from (the words, names and sentences it reads from case texts)."""
        return self.live().public()

    def published(self):
        """Live, public cases with what a listing card shows, newest first: every public surface
        starts here, so nothing unpublished or private reaches a reader."""
        return (
            self.visible()
            .defer("source_text")  # the imported document, often the largest column; no listing shows it
            .select_related("region", "domain")
            .prefetch_related("themes")
            .order_by(LISTING_YEAR.desc(nulls_last=True), "-first_published_at", "pk")
        )


class CasePage(EditorialPermissionsMixin, Page):
    """典型案例: one typical case, structured from its source document."""

    UNIT_LEVELS = [(level, level) for level in ("省", "市", "县", "乡镇", "村", "社区")]

    objects = PageManager.from_queryset(CasePageQuerySet)()

    model_name = models.CharField(
        "模式名称", max_length=100, blank=True, help_text="案例自己使用的名称，如“1+3模式”“两会两评”。"
    )
    summary = models.TextField("摘要", blank=True)
    featured = models.BooleanField("首页推荐", default=False)
    lead_image = models.ForeignKey(
        settings.WAGTAILIMAGES_IMAGE_MODEL,
        verbose_name="题图",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = StreamField(CaseBodyBlock(), verbose_name="正文", blank=True)

    region = models.ForeignKey(
        Region, verbose_name="地区", null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    unit_level = models.CharField("单位层级", max_length=4, choices=UNIT_LEVELS, blank=True)
    year_started = models.PositiveSmallIntegerField("起始年份", null=True, blank=True)
    year_reported = models.PositiveSmallIntegerField("报道年份", null=True, blank=True)
    domain = models.ForeignKey(
        Domain, verbose_name="领域", null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    themes = ParentalManyToManyField(Theme, verbose_name="主题", blank=True, related_name="cases")
    problems = ParentalManyToManyField(Problem, verbose_name="针对难题", blank=True, related_name="cases")
    tags = ClusterTaggableManager("标签", through=CasePageTag, blank=True)

    source_title = models.CharField("原文标题", max_length=300, blank=True)
    source_publisher = models.CharField("发布媒体 / 出版者", max_length=200, blank=True)
    source_author = models.CharField("作者", max_length=200, blank=True)
    source_date = models.CharField("发布日期", max_length=50, blank=True, help_text="按原文写法，如 2017-03-16。")
    source_url = models.URLField("原文网址", max_length=500, blank=True)
    source_file = models.CharField("原始文件", max_length=200, blank=True, help_text="资料库中的原始文件名。")
    source_complete = models.BooleanField(
        "原文完整", default=True, help_text="原文被截断时取消勾选，页面会提示“原文不完整”。"
    )
    source_note = models.TextField("编者说明", blank=True, help_text="整理、转换或推断了什么。")
    source_text = models.TextField(
        "原文", blank=True, help_text="导入时的原始文字（清理之前），供审核人核对；不在页面上显示。"
    )
    body_fingerprint = models.CharField(
        "正文指纹", max_length=64, blank=True, editable=False, db_index=True, help_text="查找重复导入的案例。"
    )
    named_places = models.TextField(
        "文中地名",
        blank=True,
        editable=False,
        help_text="正文提到的本地区乡镇和村，一行一个，保存时提取：搜索把它们当作词，也认拼音。",
    )
    quoted_names = models.TextField(
        "文中引号里的名称",
        blank=True,
        editable=False,
        help_text="正文用引号标出的做法名称（如“赔树还田”），一行一个，保存时提取：搜索认它们的拼音和错别字。",
    )
    import_notes = models.TextField(
        "导入记录",
        blank=True,
        help_text="导入程序删除、改动和推断了什么，供编辑和审核人核对；只在后台显示，读者看不到。",
    )
    # What the importer found the text to name, as {"domain": pk, "themes": [pk …], "problems": [pk …]}:
    # offered beside those fields until the case is first published (cases.forms), never applied.
    import_suggestions = models.JSONField("导入建议", default=dict, blank=True, editable=False)

    # Wagtail's index serves the admin's page search only: title and model name, segmented.
    # Readers' search has the project's own case index (search.engines), not a second copy here.
    search_fields = [
        field for field in Page.search_fields if not isinstance(field, (index.SearchField, index.AutocompleteField))
    ] + [
        SegmentedField("title", boost=2),
        SegmentedField("model_name"),
        SegmentedAutocompleteField("title"),
        SegmentedAutocompleteField("model_name"),
    ]

    # The open-data API (cases.api): readable names rather than ids, one query per relation.
    api_fields = [
        "model_name",
        "summary",
        "place",
        APIField("region", serializer=RegionSerializer()),
        "unit_level",
        "year_started",
        "year_reported",
        "years",
        APIField("domain", serializer=TermSerializer()),
        APIField("themes", serializer=TermSerializer(many=True)),
        APIField("problems", serializer=TermSerializer(many=True)),
        APIField("tags", serializer=TagSerializer(many=True)),
        APIField("key_figures", serializer=KeyFigureSerializer(many=True)),
        APIField("source", serializer=SourceSerializer(source="*")),
        APIField("url", serializer=PageUrlField()),
    ]

    content_panels = Page.content_panels + [
        FieldPanel("model_name"),
        FieldPanel("summary"),
        FieldPanel("lead_image"),
        FieldPanel("body"),
    ]
    taxonomy_panels = [
        FieldRowPanel([FieldPanel("region"), FieldPanel("unit_level")]),
        FieldRowPanel([FieldPanel("year_started"), FieldPanel("year_reported")]),
        FieldPanel("domain"),
        FieldPanel("themes", widget=forms.CheckboxSelectMultiple),
        FieldPanel("problems", widget=forms.CheckboxSelectMultiple),
        FieldPanel("tags"),
    ]
    figure_panels = [InlinePanel("key_figures", label="关键数据")]
    source_panels = [
        FieldPanel("source_title"),
        FieldRowPanel([FieldPanel("source_publisher"), FieldPanel("source_author"), FieldPanel("source_date")]),
        FieldPanel("source_url"),
        FieldRowPanel([FieldPanel("source_file"), FieldPanel("source_complete")]),
        FieldPanel("source_note"),
        FieldPanel("import_notes"),
        FieldPanel("source_text"),
    ]
    related_panels = [InlinePanel("related_case_links", label="相关案例")]
    promote_panels = Page.promote_panels + [MultiFieldPanel([FieldPanel("featured")], heading="推荐")]

    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading="内容"),
            ObjectList(taxonomy_panels, heading="分类"),
            ObjectList(figure_panels, heading="关键数据"),
            ObjectList(source_panels, heading="来源"),
            ObjectList(related_panels, heading="相关案例"),
            ObjectList(promote_panels, heading="推广"),
            ObjectList(Page.settings_panels, heading="设置"),
        ]
    )

    base_form_class = CasePageForm
    parent_page_types = ["cases.CaseIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = "典型案例"
        verbose_name_plural = "典型案例"
        indexes = [
            # Every column search.engines.database.catalogue reads of a case: SQLite then never reads the rows,
            # whose long body pushed the later columns onto overflow pages (at 100,000 cases the
            # catalogue's query took 1.5 s, 0.8 s through this index).
            models.Index(
                fields=["year_reported", "year_started", "region", "domain", "featured", "model_name"],
                name="casepage_catalogue_idx",
            ),
        ]

    @property
    def place(self):
        return self.region.full_name if self.region_id else ""

    @property
    def years(self):
        start, end = self.year_started, self.year_reported
        if start and end and start != end:
            return f"{start}—{end}年"
        return f"{start or end}年" if (start or end) else ""

    def search_headline(self):
        """Title, model name, summary, place and vocabulary terms: what a match ranks highest on."""
        names = [self.title, self.model_name, self.summary, self.place]
        names.append(self.domain.name if self.domain_id else "")
        names += [term.name for term in (*self.themes.all(), *self.problems.all(), *self.tags.all())]
        return "\n".join(name for name in names if name)

    def save(self, *args, update_fields=None, **kwargs):
        # Wagtail saves a page's bookkeeping alone (update_fields) on every draft: no body, no digest.
        if update_fields is None or "body" in update_fields:
            text = fingerprints.body_text(self.body.raw_data)
            self.body_fingerprint = fingerprints.fingerprint(text)
            whole = "\n".join([self.title, self.summary, text])
            self.named_places = "\n".join(places_named_in(whole, self.place))
            self.quoted_names = "\n".join(quoted_names_in(whole))
            if update_fields is not None:
                update_fields = {*update_fields, "body_fingerprint", "named_places", "quoted_names"}
        return super().save(*args, update_fields=update_fields, **kwargs)

    def body_text(self):
        """The body as plain text, a paragraph a line (for the index and for snippets)."""
        lines = []
        for block in self.body:
            if block.block_type == "section":
                lines.append(block.value["heading"])
                lines += html_paragraphs(block.value["text"].source)
            elif block.block_type == "quote":
                lines += [block.value["text"], block.value["attribution"]]
            elif block.block_type == "image":
                lines.append(block.value["caption"])
        return "\n".join(line.strip() for line in lines if line and line.strip())

    @cached_property
    def sections(self):
        """(anchor, heading) of each section, for the table of contents."""
        return [
            (f"section-{index}", block.value["heading"])
            for index, block in enumerate(self.body)
            if block.block_type == "section"
        ]

    def vocabulary_terms(self):
        """(themes, problems, tags): for a saved case in one query rather than three; a
        preview's unsaved choices live in memory and are read from there."""
        in_memory = getattr(self, "_cluster_related_objects", {})
        if self.pk is None or {"themes", "problems", "tagged_items"} & set(in_memory):
            return list(self.themes.all()), list(self.problems.all()), list(self.tags.all())
        kinds = (Theme, Problem, Tag)

        def term_rows(terms, kind):
            return terms.order_by().annotate(kind=Value(kind)).values_list("kind", "pk", "name", "slug")

        rows = term_rows(Theme.objects.filter(cases=self), 0).union(
            term_rows(Problem.objects.filter(cases=self), 1),
            term_rows(Tag.objects.filter(cases_casepagetag_items__content_object=self), 2),
            all=True,
        )
        terms = ([], [], [])
        for kind, pk, name, slug in sorted(rows):
            terms[kind].append(kinds[kind](pk=pk, name=name, slug=slug))
        return terms

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["og_type"] = "article"
        context.update(share_context(request, self.url))
        context["site_name"] = settings.WAGTAIL_SITE_NAME
        context["key_figures"] = list(self.key_figures.all())
        context["share_image_path"] = share_card.address(self, context["key_figures"])
        context["themes"], context["problems"], context["tag_list"] = themes, problems, tags = self.vocabulary_terms()
        context["related_cases"], context["related_is_automatic"] = finding.related_cases(self, themes, problems, tags)
        return context


def vocabulary_links():
    """{"theme"|"problem"|"tag": (table, case column, term column)} of the tables linking cases
    to their terms, for the grouped queries of facets and similar cases."""

    def columns(through):
        # By the model each column points at: field order differs (taggit declares the tag first).
        (case_field,) = (field for field in through._meta.fields if field.related_model is CasePage)
        (term_field,) = (field for field in through._meta.fields if field.is_relation and field is not case_field)
        return through._meta.db_table, case_field.column, term_field.column

    return {
        "theme": columns(CasePage.themes.through),
        "problem": columns(CasePage.problems.through),
        "tag": columns(CasePageTag),
    }


class KeyFigure(Orderable):
    """A figure the source gives, written exactly as the source writes it."""

    page = ParentalKey(CasePage, on_delete=models.CASCADE, related_name="key_figures")
    label = models.CharField("指标", max_length=100)
    value = models.CharField("数值", max_length=50, help_text="照原文书写，如“500余”“3.2”。")
    unit = models.CharField("单位", max_length=20, blank=True)
    year = models.PositiveSmallIntegerField("年份", null=True, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)
    auto_detected = models.BooleanField(
        "导入时自动识别", default=False, help_text="核对原文无误后取消勾选。只在后台显示。"
    )

    panels = [
        # The label on a row of its own: an imported one (村党支部现有党员) is cut off in a quarter.
        FieldPanel("label"),
        FieldRowPanel([FieldPanel("value"), FieldPanel("unit"), FieldPanel("year")]),
        FieldRowPanel([FieldPanel("note"), FieldPanel("auto_detected")]),
    ]

    class Meta(Orderable.Meta):
        verbose_name = "关键数据"
        verbose_name_plural = "关键数据"

    def __str__(self):
        return f"{self.label}：{self.value}{self.unit}"


class RelatedCase(Orderable):
    page = ParentalKey(CasePage, on_delete=models.CASCADE, related_name="related_case_links")
    case = models.ForeignKey(CasePage, verbose_name="案例", on_delete=models.CASCADE, related_name="related_from")

    panels = [FieldPanel("case", heading="案例")]

    class Meta(Orderable.Meta):
        verbose_name = "相关案例"
        verbose_name_plural = "相关案例"
