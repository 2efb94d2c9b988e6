from django.http import Http404
from django.shortcuts import redirect
from django.utils.cache import add_never_cache_headers

from cases.models import CasePage

from .recorder import is_reader, mark_opened


def opened(request, pk):
    """A result link of the search page: credit the search with an opened result, then go to the
    case. `q` and `f` name the search as it was logged."""
    case = CasePage.objects.published().filter(pk=pk).first()
    if case is None:
        raise Http404
    if is_reader(request):
        mark_opened(request.GET.get("q", "")[:100], request.GET.get("f", "")[:500])
    response = redirect(case.url)
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex"
    return response
