from django.urls import path

from . import views
from .log import views as log_views

app_name = "search"
urlpatterns = [
    path("", views.search, name="search"),
    path("suggest/", views.suggest, name="suggest"),
    path("open/<int:pk>/", log_views.opened, name="open"),
]
