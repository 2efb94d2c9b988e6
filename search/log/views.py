from django.http import Http404
from django.shortcuts import redirect
from django.utils.cache import add_never_cache_headers
from wagtail.models import Page

from .recorder import is_reader, record_opened


def opened(request, pk):
    """A result link of the search page (a case, or a promoted page): record that a result of
    that search (`q` and `f`, as it was logged) was opened, then go to the page. Only to a live,
    public page of this site: never a redirect elsewhere."""
    page = Page.objects.live().public().filter(pk=pk).first()
    if page is None or page.url is None:
        raise Http404
    if is_reader(request):
        record_opened(request.GET.get("q", ""), request.GET.get("f", ""))
    response = redirect(page.url)
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex"
    return response
