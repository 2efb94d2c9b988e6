from django.urls import path, re_path

from . import views
from .log import views as log_views

app_name = "search"
urlpatterns = [
    path("", views.search, name="search"),
    path("suggest/", views.suggest, name="suggest"),
    # At most nine digits: a pk any database's integer column holds (a longer one is a 404).
    re_path(r"^open/(?P<pk>[0-9]{1,9})/$", log_views.opened, name="open"),
]
