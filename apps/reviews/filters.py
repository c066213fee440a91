"""Query parameters of the statements, deadlines, reviews and sessions lists."""

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils import timezone

from apps.common.api_filters import IsoCodeFilter, RecordDateTimeFilter, StrictBooleanFilter, in_subquery
from apps.common.search import search_queryset
from apps.reviews.models import Cycle, Deadline, Review, Session, Stakeholder, Statement
from apps.states.models import MemberState
from apps.vocabulary.models import Theme


class StatementFilter(django_filters.FilterSet):
    review = django_filters.ModelChoiceFilter(queryset=Review.objects.all(), label="Review id")
    speaker_state = IsoCodeFilter(
        queryset=MemberState.objects.all(),
        to_field_name="iso3",
        field_name="speaker_state",
        label="Speaking state (ISO 3166 alpha-3, repeatable: any of them)",
    )
    speaker_stakeholder = django_filters.ModelChoiceFilter(queryset=Stakeholder.objects.all(), label="Stakeholder id")
    theme = django_filters.ModelMultipleChoiceFilter(
        queryset=Theme.objects.all(),
        to_field_name="code",
        method="filter_theme",
        label="Theme code (repeatable: any of them)",
    )
    forum = django_filters.ChoiceFilter(choices=Statement.Forum.choices)
    q = django_filters.CharFilter(
        method="filter_q",
        label='Full-text search, web-search syntax: "quoted phrase", -excluded, or. Results by rank.',
    )
    ordering = django_filters.OrderingFilter(
        fields=(
            ("id", "id"),
            ("speaking_order", "speaking_order"),
            ("review__session__number", "session"),
            ("created_at", "created_at"),
            ("updated_at", "updated_at"),
        ),
        label="Order by (prefix - for descending). Without it, by rank when q is given, else by speaking order.",
    )

    class Meta:
        model = Statement
        fields: list[str] = []

    def filter_theme(self, queryset: QuerySet[Statement], name: str, value: Any) -> Any:
        if not value:
            return queryset
        return queryset.filter(pk__in=in_subquery(Statement.themes.through, "statement_id", "theme", value))

    def filter_q(self, queryset: QuerySet[Statement], name: str, value: str) -> Any:
        """Full-text search (web-search syntax), best match first, with a `snippet` of the text."""
        return search_queryset(queryset, value, headline_field="text")


class DeadlineFilter(django_filters.FilterSet):
    review = django_filters.ModelChoiceFilter(queryset=Review.objects.all(), label="Review id")
    state_under_review = IsoCodeFilter(
        queryset=MemberState.objects.all(),
        to_field_name="iso3",
        field_name="review__state_under_review",
        label="State under review (ISO 3166 alpha-3, repeatable)",
    )
    kind = django_filters.MultipleChoiceFilter(choices=Deadline.Kind.choices, label="Kind (repeatable)")
    after = RecordDateTimeFilter(
        field_name="due_at", lookup_expr="gte", label="Due at or after (ISO 8601 date-time with offset)"
    )
    before = RecordDateTimeFilter(
        field_name="due_at", lookup_expr="lt", label="Due before (ISO 8601 date-time with offset)"
    )
    upcoming = StrictBooleanFilter(
        method="filter_upcoming", label="true: only deadlines still ahead and not cancelled; false: the others"
    )
    is_provisional = StrictBooleanFilter(field_name="is_provisional")
    ordering = django_filters.OrderingFilter(fields=(("due_at", "due_at"), ("id", "id"), ("kind", "kind")))

    class Meta:
        model = Deadline
        fields: list[str] = []

    def filter_upcoming(self, queryset: QuerySet[Deadline], name: str, value: bool) -> Any:
        ahead = {"due_at__gte": timezone.now(), "is_cancelled": False}
        return queryset.filter(**ahead) if value else queryset.exclude(**ahead)


class ReviewFilter(django_filters.FilterSet):
    state_under_review = IsoCodeFilter(
        queryset=MemberState.objects.all(),
        to_field_name="iso3",
        field_name="state_under_review",
        label="State under review (ISO 3166 alpha-3, repeatable)",
    )
    cycle = django_filters.ModelChoiceFilter(
        queryset=Cycle.objects.all(), to_field_name="number", field_name="session__cycle", label="Cycle number"
    )
    session = django_filters.ModelChoiceFilter(
        queryset=Session.objects.all(), to_field_name="number", label="Working Group session number"
    )
    status = django_filters.ChoiceFilter(choices=Review.Status.choices)
    ordering = django_filters.OrderingFilter(
        fields=(("id", "id"), ("session__number", "session"), ("dialogue_date", "dialogue_date"))
    )

    class Meta:
        model = Review
        fields: list[str] = []


class SessionFilter(django_filters.FilterSet):
    cycle = django_filters.ModelChoiceFilter(queryset=Cycle.objects.all(), to_field_name="number", label="Cycle number")
    ordering = django_filters.OrderingFilter(fields=(("number", "number"), ("starts_on", "starts_on")))

    class Meta:
        model = Session
        fields: list[str] = []


class CycleFilter(django_filters.FilterSet):
    ordering = django_filters.OrderingFilter(fields=(("number", "number"), ("start_year", "start_year")))

    class Meta:
        model = Cycle
        fields: list[str] = []


class StakeholderFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Stakeholder.Kind.choices)
    ordering = django_filters.OrderingFilter(fields=(("name", "name"), ("id", "id")))

    class Meta:
        model = Stakeholder
        fields: list[str] = []
