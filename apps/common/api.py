"""The API's shared pieces: one error format, one pagination, full_clean() on plain writes.

Query parameters live in apps/common/api_filters.py and the schema's extras in api_schema.py: this module
is imported by DRF's settings (pagination, exception handler), before DRF's generic views exist.
"""

from functools import cached_property
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import EmptyPage, InvalidPage, Page, Paginator
from django.db import IntegrityError, models
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404
from rest_framework import exceptions, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param
from rest_framework.views import exception_handler as drf_exception_handler

from apps.common.keyset import InvalidCursor, cursor_after, ordered, rows_after

# A list counts at most this many rows: past it the count says "at least COUNT_CAP" (count_is_exact false),
# so a broad full-text search over a large table never pays for an unbounded COUNT(*).
COUNT_CAP = 10_000
# Page numbers stop here: past the cap a page is an OFFSET, and page 99999999999999999999 overflowed PostgreSQL's
# bigint (a 500). A million pages of 1 to 200 rows are more than the record holds; cursors go on past the cap.
MAX_PAGE_NUMBER = 1_000_000


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the current state of the record."
    default_code = "conflict"


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "payload_too_large"


# -- pagination -------------------------------------------------------------------------------------
class CappedPage(Page):
    """A page that knows whether another follows even where the count stopped at the cap."""

    def __init__(self, object_list: Any, number: int, paginator: Any, more: bool | None = None) -> None:
        super().__init__(object_list, number, paginator)
        self.more = more

    def has_next(self) -> bool:
        return super().has_next() if self.more is None else self.more

    def next_page_number(self) -> int:
        return super().next_page_number() if self.more is None else self.number + 1

    def previous_page_number(self) -> int:
        return super().previous_page_number() if self.more is None else self.number - 1


# Lists of up to this many rows are sliced plainly: sorting them whole is cheap, and the narrow subquery
# doubles the joins PostgreSQL plans (~4 ms of planning for a page of a few rows filtered three ways).
NARROW_PAGES_FROM = 1000


def page_rows(object_list: Any, bottom: int, top: int, count: int | None = None) -> list[Any]:
    """Rows bottom..top of a list; for a QuerySet of more than NARROW_PAGES_FROM rows (`count`, when known),
    the page's ids are chosen by a narrow subquery first.

    Sorting whole rows (texts, joined names) makes PostgreSQL sort wide tuples, on disk past work_mem: page 50
    of the recommendations sorted ~2,500 rows of 700 bytes in ~19 ms. `WHERE id IN (SELECT id … ORDER BY …
    LIMIT … OFFSET …) ORDER BY …` sorts ids with their sort keys, then fetches and re-sorts the page's rows
    only (annotations such as a search snippet are computed for those rows only). Same rows, same order,
    same number of queries.
    """
    if (
        not isinstance(object_list, models.QuerySet)
        or object_list.query.distinct
        or object_list.query.combinator
        or (count is not None and count <= NARROW_PAGES_FROM)
    ):
        return list(object_list[bottom:top])
    return list(object_list.filter(pk__in=object_list.values("pk")[bottom:top]))


class CappedPaginator(Paginator):
    """A Paginator whose count stops at COUNT_CAP (SELECT COUNT(*) FROM (... LIMIT cap + 1)).

    Past the cap the pages go on: each fetches one row more than it shows, to know whether another follows.
    """

    count_is_exact = True

    def counted(self) -> int:
        """Matching rows up to COUNT_CAP + 1; a view can supply its own (StandardPagination: `count_rows`)."""
        # values("pk") drops the select list's annotations (a ts_headline per row would be costly).
        queryset: Any = self.object_list
        return int(queryset.order_by().values("pk")[: COUNT_CAP + 1].count())

    def rows(self, bottom: int, top: int) -> list[Any]:
        """The rows of a page; a view can supply its own (StandardPagination: the view's `page_rows`)."""
        return page_rows(self.object_list, bottom, top, self.count)

    @cached_property
    def count(self) -> int:
        counted = self.counted() if isinstance(self.object_list, models.QuerySet) else len(self.object_list)
        self.count_is_exact = counted <= COUNT_CAP
        return min(counted, COUNT_CAP)

    def page(self, number: Any) -> CappedPage:
        count = self.count
        if self.count_is_exact:
            number = self.validate_number(number)
            bottom = (number - 1) * self.per_page
            return CappedPage(self.rows(bottom, min(bottom + self.per_page, count)), number, self)
        number = int(number)
        if number < 1:
            raise EmptyPage("That page number is less than 1")
        bottom = (number - 1) * self.per_page
        rows = self.rows(bottom, bottom + self.per_page + 1)
        if not rows and number > 1:
            raise EmptyPage("That page contains no results")
        return CappedPage(rows[: self.per_page], number, self, more=len(rows) > self.per_page)


def _positive_int_param(request: Request, name: str, default: int, maximum: int | None = None) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    bound = f" between 1 and {maximum}" if maximum else " of at least 1"
    try:
        value = int(raw)
    except ValueError:
        raise exceptions.ValidationError({name: [f"Enter a whole number{bound}."]}) from None
    if value < 1 or (maximum is not None and value > maximum):
        raise exceptions.ValidationError({name: [f"Enter a whole number{bound}."]})
    return value


class StandardPagination(PageNumberPagination):
    """`page` and `page_size` (1 to 200), links, and a count capped at COUNT_CAP with `count_is_exact`.

    Past the cap the `next` links carry a `cursor` (apps/common/keyset.py) instead of a page number: the
    rows after the last one shown, in the same order, at any depth (a page number is an OFFSET, bounded by
    MAX_PAGE_NUMBER). A very common search ranked approximately (RecommendationViewSet.page_rows) keeps page
    numbers: its order is not one a cursor can name.
    """

    page_size = 50
    page_size_query_param = "page_size"
    cursor_query_param = "cursor"
    max_page_size = 200
    django_paginator_class = CappedPaginator

    def get_page_size(self, request: Request) -> int:
        return _positive_int_param(request, self.page_size_query_param, self.page_size, self.max_page_size)

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> list[Any]:
        self.request = request
        self.next_cursor: str | None = None
        self.cursor_mode = False
        page_size = self.get_page_size(request)
        page_number = _positive_int_param(request, self.page_query_param, 1, MAX_PAGE_NUMBER)
        cursor = request.query_params.get(self.cursor_query_param)
        keyed = isinstance(queryset, models.QuerySet)
        if keyed:
            try:
                queryset = ordered(queryset)  # the primary key breaks ties: pages and cursors agree on the order
            except TypeError:  # an ordering by expression or at random: page numbers only
                keyed = False
        if cursor is not None and keyed:
            return self._cursor_page(queryset, cursor, page_size, view)
        paginator = self.django_paginator_class(queryset, page_size)
        view_rows = getattr(view, "page_rows", None)
        if view_rows is not None and isinstance(paginator, CappedPaginator):
            # e.g. a very common search term ranks a bounded candidate set (RecommendationViewSet.page_rows)
            paginator.rows = lambda bottom, top: view_rows(queryset, bottom, top, paginator.count)  # type: ignore[method-assign]
        view_count = getattr(view, "count_rows", None)
        if view_count is not None and isinstance(paginator, CappedPaginator):
            # e.g. a list filtered by theme alone counts the link table (RecommendationViewSet.count_rows)
            default_count = paginator.counted

            def counted() -> int:
                own = view_count(queryset, COUNT_CAP + 1)
                return default_count() if own is None else own

            paginator.counted = counted  # type: ignore[method-assign]
        try:
            self.page = paginator.page(page_number)
        except InvalidPage as exc:
            raise exceptions.NotFound(f"Invalid page: {exc}.") from None
        rows = list(self.page)
        ranked_approximately = getattr(view, "approximate_ranking", False)
        if keyed and rows and self.page.has_next() and not paginator.count_is_exact and not ranked_approximately:
            self.next_cursor = cursor_after(queryset, rows[-1])
        return rows

    def _cursor_page(self, queryset: Any, cursor: str, page_size: int, view: Any) -> list[Any]:
        """The rows after the cursor; the view's page_rows (if any) fetches them, as for a numbered page."""
        self.cursor_mode = True
        self.page = CappedPage([], 1, CappedPaginator(queryset, page_size))
        try:
            after = rows_after(queryset, cursor)
        except InvalidCursor as exc:
            raise exceptions.ValidationError({self.cursor_query_param: [str(exc)]}) from None
        view_rows = getattr(view, "page_rows", None)
        # count 0: the rows after a cursor are fetched as a short list (no narrow subquery, no approximate rank).
        rows = view_rows(after, 0, page_size + 1, 0) if view_rows is not None else list(after[: page_size + 1])
        if len(rows) > page_size:
            rows = rows[:page_size]
            self.next_cursor = cursor_after(queryset, rows[-1])
        return rows

    def get_next_link(self) -> str | None:
        assert self.page is not None and self.request is not None  # set by paginate_queryset()
        url = self.request.build_absolute_uri()
        if self.next_cursor is not None:
            return replace_query_param(remove_query_param(url, self.page_query_param), "cursor", self.next_cursor)
        if self.cursor_mode or not self.page.has_next():
            return None
        return replace_query_param(url, self.page_query_param, self.page.next_page_number())

    def get_previous_link(self) -> str | None:
        assert self.page is not None and self.request is not None  # set by paginate_queryset()
        if self.cursor_mode:  # cursors go forward; the first page is the list without one
            return remove_query_param(self.request.build_absolute_uri(), self.cursor_query_param)
        if not self.page.has_previous():
            return None
        url = self.request.build_absolute_uri()
        number = self.page.previous_page_number()
        if number == 1:
            return remove_query_param(url, self.page_query_param)
        return replace_query_param(url, self.page_query_param, number)

    def get_paginated_response(self, data: Any) -> Response:
        assert self.page is not None  # set by paginate_queryset()
        paginator = self.page.paginator
        return Response(
            {
                "count": paginator.count,
                "count_is_exact": getattr(paginator, "count_is_exact", True),
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["count", "count_is_exact", "next", "previous", "results"],
            "properties": {
                "count": {
                    "type": "integer",
                    "description": f"Matching rows, counted up to {COUNT_CAP}.",
                    "example": 252,
                },
                "count_is_exact": {
                    "type": "boolean",
                    "description": f"False when more than {COUNT_CAP} rows match: `count` is then a lower bound.",
                },
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "previous": {"type": "string", "nullable": True, "format": "uri"},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": f"Page number, 1 to {MAX_PAGE_NUMBER}.",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_NUMBER},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Rows per page, 1 to {self.max_page_size} (default {self.page_size}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": f"Past {COUNT_CAP} rows, `next` links carry a cursor: the rows after the last one shown.",
                "schema": {"type": "string"},
            },
        ]


# -- writes -----------------------------------------------------------------------------------------
class RecordDateTimeField(serializers.DateTimeField):
    """A date-time of the UPR record: years 1990 to 2100.

    Outside that span a value is a typing slip; and before 1894 Geneva ran on local mean time, whose
    +00:34:08 offset no ISO 8601 / RFC 3339 reader accepts.
    """

    def to_internal_value(self, value: Any) -> Any:
        moment = super().to_internal_value(value)
        if not 1990 <= moment.year <= 2100:
            raise serializers.ValidationError("Enter a date-time between the years 1990 and 2100.")
        return moment


class CleanedModelSerializer(serializers.ModelSerializer):
    """A ModelSerializer for the plain reference records: it validates what a client sends; the view then
    calls the record's service (`cycle_create`, `theme_update`, …), whose full_clean() makes the model's
    validators and named constraints answer a 400 with field errors instead of an IntegrityError.
    """

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateTimeField: RecordDateTimeField,
    }

    def create(self, validated_data: dict[str, Any]) -> Any:
        raise NotImplementedError("Writes go through the record's service: the view's perform_create calls it.")

    def update(self, instance: Any, validated_data: dict[str, Any]) -> Any:
        raise NotImplementedError("Writes go through the record's service: the view's perform_update calls it.")


# -- errors -----------------------------------------------------------------------------------------
def _flatten(detail: Any) -> Any:
    if isinstance(detail, dict):
        return {key: _flatten(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_flatten(item) for item in detail]
    return str(detail)


def _convert(exc: Exception) -> Exception:
    """Django's and the database's exceptions, as the API exceptions they mean."""
    if isinstance(exc, DjangoValidationError):
        if not hasattr(exc, "error_dict"):
            return exceptions.ValidationError({"non_field_errors": exc.messages})
        return exceptions.ValidationError(
            {
                ("non_field_errors" if name == NON_FIELD_ERRORS else name): msgs
                for name, msgs in exc.message_dict.items()
            }
        )
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied()
    if isinstance(exc, ProtectedError | RestrictedError):
        names = sorted({str(type(obj)._meta.verbose_name_plural) for obj in exc.args[1]})
        return Conflict(f"Still referred to by {', '.join(names)}: delete or move those first.")
    if isinstance(exc, IntegrityError):
        # full_clean() catches what the constraints forbid; this is the race between two writers.
        return Conflict("The change conflicts with another record (a uniqueness or integrity rule).")
    return exc


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Render every API error as {"error": {"code", "message", "fields"}} with its 4xx status."""
    exc = _convert(exc)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    fields: dict[str, Any] = {}
    if isinstance(exc, exceptions.ValidationError):
        detail = _flatten(exc.detail)
        if isinstance(detail, dict):
            fields = detail
            message = f"Invalid input: {', '.join(detail)}." if detail else "Invalid input."
        else:
            fields = {"non_field_errors": detail}
            message = "; ".join(detail) if isinstance(detail, list) else str(detail)
        code = "invalid"
    elif isinstance(exc, exceptions.APIException):
        message = str(exc.detail) if not isinstance(exc.detail, dict | list) else "Request failed."
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else str(exc.default_code)
    else:
        message, code = "Request failed.", "error"
    response.data = error_body(code, message, fields)
    if isinstance(exc, exceptions.Throttled):
        response.data["error"]["code"] = "throttled"
    return response


def error_body(code: str, message: str, fields: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}
