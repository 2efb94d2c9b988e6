"""Routing for index pages whose children are all of one page type."""

from django.apps import apps
from django.http import Http404


class SingleChildTypeRoutingMixin:
    """Route to a child as its own page type in one query.

    Wagtail's Page.route fetches the generic child page and then its specific row, one query
    each, for every request below this page. Set `child_page_model` ("app.Model", the page's
    only subpage type) and `child_select_related` (what the child's page always shows).
    """

    child_page_model = None
    child_select_related = ()

    def route(self, request, path_components):
        if not path_components:
            return super().route(request, path_components)
        child = (
            apps.get_model(self.child_page_model)
            .objects.child_of(self)
            .select_related(*self.child_select_related)
            .filter(slug=path_components[0])
            .first()
        )
        if child is None:
            raise Http404
        child._cached_parent_obj = self
        return child.route(request, path_components[1:])
