"""The managed vocabularies a case is filed under: region tree, domain, theme, problem."""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.text import slugify
from wagtail.admin.panels import FieldPanel
from wagtail.search import index

from search.text import compact, meaningful_words

from .edit_conflicts import KeepsOthersEditsForm

_ALIAS_SEPARATORS = re.compile(r"[\n\r、,，;；]+")
MAX_ALIAS_LENGTH = 20


def unicode_slug(text):
    return slugify(text, allow_unicode=True)


class Term(index.Indexed, models.Model):
    """A flat vocabulary term; its slug is what listing URLs filter on (?theme=<slug>)."""

    name = models.CharField("名称", max_length=100, unique=True)
    slug = models.SlugField(
        "网址名",
        max_length=100,
        unique=True,
        allow_unicode=True,
        blank=True,
        help_text="用于筛选网址，留空则按名称生成。",
    )
    description = models.TextField("说明", blank=True)
    aliases = models.TextField(
        "别名",
        blank=True,
        help_text="同一事物的其他叫法，每行一个（也可用顿号、逗号分隔），如“党员老龄化”；搜索别名会找到归入本词条的案例。",
    )

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("aliases"), FieldPanel("description")]
    base_form_class = KeepsOthersEditsForm
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        abstract = True
        ordering = ["pk"]

    def __str__(self):
        return self.name

    @property
    def alias_list(self):
        """The aliases, each once, without the name itself."""
        found = []
        for alias in _ALIAS_SEPARATORS.split(self.aliases or ""):
            alias = alias.strip()
            if alias and alias != self.name and alias not in found:
                found.append(alias)
        return found

    def clean(self):
        super().clean()
        too_long = [alias for alias in self.alias_list if len(alias) > MAX_ALIAS_LENGTH]
        if too_long:
            raise ValidationError({"aliases": f"别名“{too_long[0][:30]}”过长：每个别名最多 {MAX_ALIAS_LENGTH} 个字。"})
        # A search or a document naming the alias must name the term, not a character or a sign.
        too_short = [alias for alias in self.alias_list if sum(map(str.isalnum, alias)) < 2]
        if too_short:
            raise ValidationError({"aliases": f"别名“{too_short[0][:30]}”太短：至少要有两个汉字、字母或数字。"})
        # Every question holds such words: as an alias, they would make every question name the term.
        empty = [alias for alias in self.alias_list if not meaningful_words(alias)]
        if empty:
            raise ValidationError(
                {"aliases": f"别名“{empty[0][:30]}”只有提问和虚词（如“怎么办”“村里”），请写出问题本身的说法。"}
            )
        # A query names one term for a name or an alias, whatever its kind: one held by two terms
        # would silently stop naming one of them.
        mine = {compact(alias): alias for alias in self.alias_list}
        for other in self._other_terms():
            for surface in (other.name, *other.alias_list):
                held = f"已是{other._meta.verbose_name}“{other.name}”的{'名称' if surface == other.name else '别名'}"
                if compact(surface) in mine:
                    raise ValidationError({"aliases": f"“{mine[compact(surface)]}”{held}，不能再作为别名。"})
                if compact(surface) == compact(self.name):
                    raise ValidationError({"name": f"“{self.name}”{held}，不能作为名称。"})

    def _other_terms(self):
        for model in (Domain, Theme, Problem):
            terms = model.objects.only("name", "aliases")
            yield from terms.exclude(pk=self.pk) if model is type(self) else terms

    def save(self, *args, **kwargs):
        self.slug = self.slug or unicode_slug(self.name)
        self.aliases = "\n".join(self.alias_list)
        super().save(*args, **kwargs)


class Domain(Term):
    class Meta(Term.Meta):
        verbose_name = "领域"
        verbose_name_plural = "领域"


class Theme(Term):
    class Meta(Term.Meta):
        verbose_name = "主题"
        verbose_name_plural = "主题"


class Problem(Term):
    class Meta(Term.Meta):
        verbose_name = "针对难题"
        verbose_name_plural = "针对难题"


class Region(index.Indexed, models.Model):
    """A place in the 省 → 市 → 县 tree.

    `full_name` (e.g. 黑龙江省哈尔滨市五常市) is stored rather than walked up on every
    display, so listings show places without a query per card.
    """

    PROVINCE, CITY, COUNTY = "省", "市", "县"
    LEVELS = [(PROVINCE, "省级"), (CITY, "地市级"), (COUNTY, "县级")]

    name = models.CharField("名称", max_length=100)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    level = models.CharField("层级", max_length=2, choices=LEVELS)
    slug = models.SlugField(
        "网址名",
        max_length=100,
        unique=True,
        allow_unicode=True,
        blank=True,
        help_text="用于筛选网址，留空则按名称生成；重名地区请手工区分。",
    )
    full_name = models.CharField("全称", max_length=300, editable=False)

    panels = [FieldPanel("name"), FieldPanel("parent"), FieldPanel("level"), FieldPanel("slug")]
    base_form_class = KeepsOthersEditsForm
    search_fields = [index.SearchField("full_name"), index.AutocompleteField("name")]

    class Meta:
        verbose_name = "地区"
        verbose_name_plural = "地区"
        ordering = ["full_name"]
        constraints = [models.UniqueConstraint(fields=["parent", "name"], name="unique_region_name_per_parent")]

    def __str__(self):
        return self.full_name or self.name

    def clean(self):
        # Filters, facets and provinces rely on the tree being at most three levels deep.
        depth, ancestor = 1, self.parent
        while ancestor is not None and depth <= 3:
            if self.pk and ancestor.pk == self.pk:
                raise ValidationError({"parent": "上级不能是本地区或其下级地区。"})
            depth, ancestor = depth + 1, ancestor.parent
        if self.pk:
            depth += 2 if Region.objects.filter(parent__parent=self).exists() else int(self.children.exists())
        if depth > 3:
            raise ValidationError({"parent": "地区最多三级（省、市、县）：此处添加或移动会超过三级。"})

    def save(self, *args, **kwargs):
        self.full_name = (self.parent.full_name if self.parent else "") + self.name
        if not self.slug:
            # Place names repeat (鼓楼区 in 南京 and 福州): fall back to the full name.
            taken = Region.objects.filter(slug=unicode_slug(self.name)).exclude(pk=self.pk).exists()
            self.slug = unicode_slug(self.full_name if taken else self.name)
        super().save(*args, **kwargs)
        # A renamed or moved region renames everything below it.
        for child in self.children.all():
            child.save()

    @staticmethod
    def within_q(regions, field="region"):
        """Q: `field` is one of `regions` (a Region, or a queryset of them) or lies below one.

        Regions are three levels deep (省 → 市 → 县), so this is a join, not a walk of the tree.
        """
        lookup = "exact" if isinstance(regions, Region) else "in"
        return (
            Q(**{f"{field}__{lookup}": regions})
            | Q(**{f"{field}__parent__{lookup}": regions})
            | Q(**{f"{field}__parent__parent__{lookup}": regions})
        )

    @property
    def province(self):
        region = self
        while region.parent is not None:  # not parent_id: the importer's new regions are unsaved
            region = region.parent
        return region
