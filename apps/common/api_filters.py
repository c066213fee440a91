"""Query parameters shared by the API's lists: strict about what they accept (a 400, never a silent ignore)."""

import datetime as dt
from collections.abc import Iterable
from typing import Any

import django_filters
from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_filters import utils
from django_filters.fields import IsoDateTimeField
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions
from rest_framework.request import Request

# Parameters every list accepts besides its filters: pagination (pages, or a cursor past the count cap), and
# `format` (reserved for the exports).
COMMON_QUERY_PARAMS = frozenset({"page", "page_size", "cursor", "format"})


class StrictFilterBackend(DjangoFilterBackend):
    """django-filter, plus a 400 for a query parameter the list does not know.

    A misspelt filter (`?stat_under_review=CHN`) would otherwise be ignored and answer the whole,
    unfiltered list: a script would never notice.
    """

    def filter_queryset(self, request: Request, queryset: Any, view: Any) -> Any:
        filterset_class = self.get_filterset_class(view, queryset)
        known = set(COMMON_QUERY_PARAMS)
        if filterset_class is not None:
            known |= set(filterset_class.base_filters)
        unknown = sorted(set(request.query_params) - known)
        if unknown:
            raise exceptions.ValidationError(
                {name: [f"Unknown query parameter. Known: {', '.join(sorted(known))}."] for name in unknown}
            )
        if not set(request.query_params) - COMMON_QUERY_PARAMS:
            # No filter given (a detail URL, an unfiltered list): building and validating the FilterSet would
            # change nothing (no filter here has a default) and cost ~3 ms, half a detail's budget. Given
            # filters still apply, on a detail URL too, as DRF does (a 404 when the record does not match).
            return queryset
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid() and self.raise_exception:
            raise utils.translate_validation(filterset.errors)
        view.applied_filterset = filterset  # its cleaned values, for a view's cheaper count (count_rows)
        return filterset.qs


class _UpperCaseMultipleChoiceField(forms.ModelMultipleChoiceField):
    def clean(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            value = [v.strip().upper() if isinstance(v, str) else v for v in value]
        return super().clean(value)


class IsoCodeFilter(django_filters.ModelMultipleChoiceFilter):
    """A repeatable ISO 3166 alpha-3 parameter (case-insensitive); an unknown code is a 400."""

    field_class = _UpperCaseMultipleChoiceField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("distinct", False)  # used on foreign keys; many-to-many ones filter with in_subquery()
        super().__init__(*args, **kwargs)

    def get_filter_predicate(self, v: Any) -> dict[str, Any]:
        # django-filter would compare the foreign key with the code ("speaker_state = 'USA'"); use the state.
        return {self.field_name: v}


class StrictBooleanFilter(django_filters.TypedChoiceFilter):
    """`true` or `false` (also 1/0, yes/no); anything else is a 400, never silently ignored."""

    CHOICES = [("true", "true"), ("false", "false"), ("1", "1"), ("0", "0"), ("yes", "yes"), ("no", "no")]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("choices", self.CHOICES)
        kwargs.setdefault("coerce", lambda value: value in {"true", "1", "yes", True})
        kwargs.setdefault("empty_value", None)
        super().__init__(*args, **kwargs)

    def filter(self, qs: Any, value: Any) -> Any:
        if value is None or value == "":
            return qs
        return super().filter(qs, value)


# PostgreSQL's timestamptz accepts UTC offsets up to 15:59:59 (Python's datetime, up to 23:59): a value past
# it failed in the database ("time zone displacement out of range"), a 500.
MAX_UTC_OFFSET = dt.timedelta(hours=15, minutes=59, seconds=59)


class RecordDateTimeFormField(IsoDateTimeField):
    """An ISO 8601 date-time whose offset and UTC value the database can hold; else a 400 naming the limit."""

    def to_python(self, value: Any) -> dt.datetime | None:
        moment = super().to_python(value)
        if moment is None:
            return None
        offset = moment.utcoffset()
        if offset is not None and abs(offset) > MAX_UTC_OFFSET:
            raise forms.ValidationError(_("Enter a UTC offset between -15:59 and +15:59."), code="offset_out_of_range")
        try:
            return moment.astimezone(dt.UTC)
        except OverflowError:  # e.g. 0001-01-01T00:00+01:00 falls before year 1 in UTC
            raise forms.ValidationError(
                _("Enter a date-time between the years 1 and 9999 in UTC."), code="out_of_range"
            ) from None


class RecordDateTimeFilter(django_filters.IsoDateTimeFilter):
    """IsoDateTimeFilter with RecordDateTimeFormField: an offset the database rejects is a 400, not a 500."""

    field_class = RecordDateTimeFormField


def in_subquery(through: type[models.Model], owner_field: str, target_field: str, values: Iterable[Any]) -> Any:
    """`pk__in` a many-to-many table's rows: filters on a repeatable relation without DISTINCT."""
    return through._default_manager.filter(**{f"{target_field}__in": list(values)}).values(owner_field)
