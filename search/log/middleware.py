from .recorder import take


class SearchLogMiddleware:
    """Log public searches; placed outside the page cache, so that cached answers count too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        take(request, response)
        return response
