from django.http import Http404
from django.shortcuts import redirect
from django.utils.cache import add_never_cache_headers

from cases.models import CasePage

from .recorder import is_reader, record_opened


def opened(request, pk):
    """A result link of the search page: record that a result of that search (`q` and `f`, as
    it was logged) was opened, then go to the case."""
    case = CasePage.objects.published().filter(pk=pk).first()
    if case is None:
        raise Http404
    if is_reader(request):
        record_opened(request.GET.get("q", ""), request.GET.get("f", ""))
    response = redirect(case.url)
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex"
    return response
