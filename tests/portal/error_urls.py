"""The site's URLs plus views that fail on purpose, for the error-page tests."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import path

from portal.urls import urlpatterns as site_urlpatterns


def broken(request):
    raise RuntimeError("a bug in a view")


def forbidden(request):
    raise PermissionDenied


def suspicious(request):
    raise SuspiciousOperation("bad input")


urlpatterns = [
    path("__broken__/", broken),
    path("__forbidden__/", forbidden),
    path("__suspicious__/", suspicious),
    *site_urlpatterns,
]
