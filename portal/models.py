from django.contrib.auth.models import AbstractUser
from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.images.models import AbstractImage, AbstractRendition, Image
from wagtail.models import Page

from search.listing import home_page_context


class User(AbstractUser):
    """The portal's user; its own model from the start so fields can be added without pain."""

    class Meta(AbstractUser.Meta):
        verbose_name = "用户"
        verbose_name_plural = "用户"


class PortalImage(AbstractImage):
    """An image whose alternative text is required and whose origin is recorded."""

    description = models.CharField(
        "替代文字",
        max_length=255,
        help_text="向看不到图片的读者描述图片内容（必填）。",
    )
    source = models.CharField("来源", max_length=255, blank=True)
    credit = models.CharField("作者 / 版权", max_length=255, blank=True)

    admin_form_fields = Image.admin_form_fields + ("source", "credit")

    class Meta(AbstractImage.Meta):
        verbose_name = "图片"
        verbose_name_plural = "图片"


class PortalRendition(AbstractRendition):
    image = models.ForeignKey(PortalImage, on_delete=models.CASCADE, related_name="renditions")

    class Meta:
        unique_together = (("image", "filter_spec", "focal_point_key"),)


class HomePage(Page):
    """The site's front page: what the library is, latest and featured cases, ways to browse."""

    intro = RichTextField("简介", blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]

    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = "首页"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(home_page_context())
        return context
