from django.conf import settings
from django.urls import include, path, re_path
from django.views.generic import TemplateView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from cases import feeds
from cases import views as case_views
from cases.training import views as training_views
from search import views as search_views
from search.api import api_router

from . import views

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("search/", include("search.urls")),
    path("compare/", include("cases.training.urls")),
    re_path(
        r"^(?P<page_path>(?:[\w\-]+/)+)handout\.docx$", training_views.collection_handout, name="collection_handout"
    ),
    # Open data: the read-only API, feeds of new cases, sitemap and robots.txt.
    path("api/v2/", api_router.urls),
    path("feeds/cases/", feeds.LatestCasesFeed(), name="feed_cases"),
    path("feeds/cases/atom/", feeds.LatestCasesAtomFeed(), name="feed_cases_atom"),
    # Theme slugs are Unicode words (农村社区建设), which the <slug:> converter would refuse.
    re_path(r"^feeds/themes/(?P<slug>[-\w]+)/$", feeds.ThemeCasesFeed(), name="feed_theme"),
    re_path(r"^feeds/themes/(?P<slug>[-\w]+)/atom/$", feeds.ThemeCasesAtomFeed(), name="feed_theme_atom"),
    re_path(
        # At most nine digits: a pk any database's integer column holds (a longer one is a 404).
        r"^share/cases/(?P<pk>[0-9]{1,9})/(?P<digest>[0-9a-f]{16})\.png$",
        case_views.share_image,
        name="case_share_image",
    ),
    path("stats/", search_views.statistics, name="statistics"),
    path("stats.json", search_views.statistics_json, name="statistics_json"),
    path("stats.csv", search_views.statistics_csv, name="statistics_csv"),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("favicon.ico", views.favicon, name="favicon"),
    path(
        "robots.txt",
        TemplateView.as_view(template_name="robots.txt", content_type="text/plain; charset=utf-8"),
        name="robots_txt",
    ),
]

if getattr(settings, "SERVE_MEDIA", False):
    # Development and the demo only; in production the web server in front serves uploads.
    from django.views.static import serve

    # Only the images, as deploy/nginx serves them: documents go through their own view.
    prefix = settings.MEDIA_URL.strip("/")
    urlpatterns += [
        re_path(rf"^{prefix}/(?P<path>(?:original_images|images)/.*)$", serve, {"document_root": settings.MEDIA_ROOT})
    ]

urlpatterns += [path("", include(wagtail_urls))]

handler400 = views.bad_request
