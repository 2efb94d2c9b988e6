"""The open-data API (Wagtail API v2, read-only): published cases and their structured fields.

/api/v2/pages/ lists live, public cases and filters them with the case library's own
parameters (cases.filters). search.api adds ?search= (the site's Chinese search) to this view
set, and portal.urls registers that one.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404
from rest_framework.filters import BaseFilterBackend
from rest_framework.response import Response
from wagtail.api.v2.filters import FieldsFilter, OrderingFilter
from wagtail.api.v2.pagination import WagtailPagination
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.v2.views import PagesAPIViewSet

from search.text import CONTROL_CHARACTERS

from .filters import PARAMETERS, CaseFilter
from .models import CasePage

# NUL and other C0 controls: PostgreSQL refuses NUL in a query, and no slug or word holds them.
# No id or offset comes near it; past 64 bits an id or OFFSET overflows the database driver.
MAX_NUMBER = 10**15


class CaseFilterBackend(BaseFilterBackend):
    """?region= ?theme= ?problem= ?domain= ?tag= ?year=, exactly as on the case library."""

    def filter_queryset(self, request, queryset, view):
        case_filter = CaseFilter.from_params(request.GET)
        view.messages += case_filter.errors
        return case_filter.apply(queryset)


class _Window:
    """Stands in for a queryset in Wagtail's pagination and keeps the slice it takes."""

    window = None

    def count(self):
        return 0

    def __getitem__(self, window):
        self.window = (window.start, window.stop)
        return []


def page_window(request):
    """(offset, offset + limit) of the page asked for, by Wagtail's own pagination rules; a
    malformed offset or limit is a 400 explained in Chinese."""
    recorder = _Window()
    try:
        WagtailPagination().paginate_queryset(recorder, request)
    except BadRequestError as error:
        limit_max = getattr(settings, "WAGTAILAPI_LIMIT_MAX", 20)
        most = f"，limit 不能大于 {limit_max}" if limit_max else ""
        raise BadRequestError(f"offset 和 limit 须为不小于 0 的整数{most}。") from error
    return recorder.window


class CasePagination(WagtailPagination):
    """Wagtail's pagination, its errors in Chinese."""

    def paginate_queryset(self, queryset, request, view=None):
        page_window(request)
        return super().paginate_queryset(queryset, request, view)


class CasePagesAPIViewSet(PagesAPIViewSet):
    """Cases only, with every structured field in listings too (they are what the API is for)."""

    model = CasePage
    filter_backends = [FieldsFilter, OrderingFilter, CaseFilterBackend]
    pagination_class = CasePagination
    known_query_parameters = frozenset(
        ["limit", "offset", "fields", "order", "format", "_", "type", "site", *PARAMETERS]
    )
    # Public data: no login, and no password hashing for whoever sends Basic credentials.
    authentication_classes = []

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.messages = []
        texts = [key + value for key, values in request.GET.lists() for value in values]
        if any(CONTROL_CHARACTERS.search(text) for text in texts):
            raise BadRequestError("查询参数中不能含有控制字符。")
        try:
            offset = int(request.GET.get("offset", 0))
        except ValueError:
            offset = 0  # the pagination explains a malformed offset
        if offset > MAX_NUMBER:
            raise BadRequestError(f"offset 不能大于 {MAX_NUMBER}。")

    def get_object(self):
        try:
            if self.kwargs["pk"] > MAX_NUMBER:
                raise Http404
            return super().get_object()
        except Http404 as error:
            raise Http404("没有这个案例，或它尚未发布。") from error

    def handle_exception(self, exc):
        # A value the database field cannot take (e.g. ?first_published_at=明天) is the client's error.
        if isinstance(exc, ValidationError):
            return Response({"message": " ".join(exc.messages)}, status=400)
        return super().handle_exception(exc)

    def check_query_parameters(self, queryset):
        allowed = self.known_query_parameters.union(self.get_available_fields(queryset.model, db_fields_only=True))
        unknown = sorted(set(self.request.GET) - allowed)
        if unknown:
            raise BadRequestError(
                f"未知的查询参数：{'、'.join(name[:50] for name in unknown)}。"
                f"可用的有：{'、'.join(PARAMETERS)}"
                f"{'、search' if 'search' in self.known_query_parameters else ''}、字段名（如 slug、unit_level）"
                "以及 limit、offset、order、fields。"
            )

    @classmethod
    def get_available_fields(cls, model, db_fields_only=False):
        fields = super().get_available_fields(model, db_fields_only)
        if db_fields_only:
            # Relations are filtered by slug through CaseFilter (?region=山东省), never by id.
            fields = [name for name in fields if not model._meta.get_field(name).is_relation]
        return fields

    @classmethod
    def get_listing_default_fields(cls, model):
        return super().get_listing_default_fields(model) + cls.get_body_fields_names(model)

    def get_queryset(self):
        if (self.request.GET.get("type") or "cases.CasePage").lower() != "cases.casepage":
            raise BadRequestError("此接口只提供典型案例：type 只能是 cases.CasePage。")
        return (
            CasePage.objects.published()
            .filter(pk__in=self.get_base_queryset().values("pk"))
            # Three levels (省 → 市 → 县): the province without a query per case.
            .select_related("region__parent__parent")
            .prefetch_related("problems", "tags", "key_figures")
        )

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["meta"]["messages"] = self.messages
        return response
