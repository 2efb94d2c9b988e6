"""RSS and Atom feeds of newly published cases: all of them, or those of one theme."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from .models import CaseIndexPage, CasePage
from .taxonomy import Theme

FEED_LENGTH = 20


def _library_url(**params):
    index = CaseIndexPage.objects.live().public().first()
    url = index.url if index else "/"
    return f"{url}?{urlencode(params)}" if params else url


def _newest(cases):
    return cases.order_by("-first_published_at", "pk")[:FEED_LENGTH]


class LatestCasesFeed(Feed):
    # RSS readers take every title and description as HTML, and so do Atom readers an entry's
    # summary; Atom titles and subtitles are text. Ours are all plain text, so the markup is
    # escaped where a reader would render it.
    rendered_as_html = True

    def plain(self, text):
        return escape(text) if self.rendered_as_html else text

    def title(self):
        return self.plain(f"{settings.WAGTAIL_SITE_NAME}：最新案例")

    def description(self):
        return "新近发布的基层党建典型案例。"

    def link(self):
        return _library_url()

    def items(self):
        return _newest(CasePage.objects.published())

    def item_title(self, case):
        return self.plain(case.title)

    def item_description(self, case):
        return escape(case.summary)

    def item_link(self, case):
        return case.url

    def item_pubdate(self, case):
        return case.first_published_at

    def item_updateddate(self, case):
        return case.last_published_at

    def item_categories(self, case):
        return [theme.name for theme in case.themes.all()]


class LatestCasesAtomFeed(LatestCasesFeed):
    feed_type = Atom1Feed
    rendered_as_html = False

    def subtitle(self):
        return self.description()


class ThemeCasesFeed(LatestCasesFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Theme, slug=slug)

    def title(self, theme):
        return self.plain(f"{settings.WAGTAIL_SITE_NAME}：“{theme.name}”主题的最新案例")

    def description(self, theme):
        return self.plain(theme.description or f"新近发布的“{theme.name}”主题基层党建典型案例。")

    def link(self, theme):
        return _library_url(theme=theme.slug)

    def items(self, theme):
        return _newest(CasePage.objects.published().filter(themes=theme))


class ThemeCasesAtomFeed(ThemeCasesFeed):
    feed_type = Atom1Feed
    rendered_as_html = False

    def subtitle(self, theme):
        return self.description(theme)
