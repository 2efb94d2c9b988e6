"""Pages of engine results, as Django's Paginator reads them."""

from dataclasses import replace

from django.core.paginator import Paginator

from .engines.interface import MAX_RESULT_WINDOW


class EngineResults:
    """A request's ranked case ids as Paginator reads them: a count and slices, each slice one
    engine request. The slice first asked for is fetched with the count, so a valid page costs
    one request; facets and notes come with the first."""

    def __init__(self, run, request):
        self.run, self.request = run, request
        self.window = (request.offset, request.offset + request.limit)
        self.response = self.facets = None
        self.notes, self.unseen = [], []

    def _fetch(self, start, stop):
        first = self.response is None
        request = replace(self.request, offset=start, limit=stop - start, facets=self.request.facets and first)
        self.response, self.window = self.run(request), (start, stop)
        if first:
            self.facets, self.notes, self.unseen = self.response.facets, self.response.notes, self.response.unseen

    def count(self):
        """As many as Paginator may page through: as far as the engine pages."""
        return self._response().pageable

    @property
    def total(self):
        """The matches in all."""
        return self._response().total

    def _response(self):
        if self.response is None:
            self._fetch(*self.window)
        return self.response

    def __getitem__(self, window):
        if self.response is None or window.start != self.window[0] or window.stop > self.window[1]:
            self._fetch(window.start, window.stop)
        return self.response.ids[: window.stop - window.start]

    @property
    def snippets(self):
        """The snippets the engine marked for the page last fetched."""
        return self.response.snippets if self.response else {}


def first_window(page_number, size):
    """(offset, offset + size) of the page asked for, never past the result window (Paginator
    corrects a wrong guess, e.g. a page past the end, with a second request)."""
    try:
        number = max(1, int(page_number))
    except (TypeError, ValueError):
        number = 1
    start = min((number - 1) * size, MAX_RESULT_WINDOW - size)
    return start, start + size


def paginate(run, request, page_number, size):
    """(the Paginator page asked for, its EngineResults) of `request` answered by `run`."""
    start, stop = first_window(page_number, size)
    results = EngineResults(run, replace(request, offset=start, limit=stop - start))
    return Paginator(results, size).get_page(page_number), results
