"""Reads of cycles, sessions, reviews, deadlines, stakeholders and statements."""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, IntegerField, Model, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from apps.reviews.filters import StatementFilter
from apps.reviews.models import (
    AdvanceQuestion,
    Cycle,
    Deadline,
    Review,
    Session,
    SpeakersListEntry,
    Stakeholder,
    Statement,
)
from apps.states.models import MemberState
from apps.vocabulary.models import Theme


def deadline_upcoming_list(*, limit: int | None = None) -> QuerySet[Deadline]:
    """Deadlines not yet past and not cancelled, nearest first."""
    deadlines = (
        Deadline.objects.filter(due_at__gte=timezone.now(), is_cancelled=False)
        .select_related("review__state_under_review", "review__session")
        .order_by("due_at")
    )
    return deadlines[:limit] if limit else deadlines


def deadline_list() -> QuerySet[Deadline]:
    return Deadline.objects.select_related("review__state_under_review", "review__session")


def cycle_list() -> QuerySet[Cycle]:
    return Cycle.objects.all()


def session_list() -> QuerySet[Session]:
    return Session.objects.select_related("cycle")


def stakeholder_list() -> QuerySet[Stakeholder]:
    return Stakeholder.objects.all()


def _count_of(model: type[Model]) -> Coalesce:
    # A correlated subquery per count: two Count() joins on the same row would multiply each other.
    counted = (
        model._default_manager.filter(review=OuterRef("pk"))
        .order_by()
        .values("review")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _recommendation_model() -> type[Model]:
    """The model Statement.recommendations names by label: recommendations sit above reviews (README,
    "Layout"), so reviews reach them through that relation, never by importing apps.recommendations."""
    return Statement._meta.get_field("recommendations").related_model  # type: ignore[return-value]


def speakers_not_heard_list(*, review: Review | None = None) -> QuerySet[SpeakersListEntry]:
    """Delegations inscribed on a speakers' list that were not heard, in the source's order."""
    entries = SpeakersListEntry.objects.filter(status=SpeakersListEntry.Status.NOT_HEARD).select_related(
        "speaker_state"
    )
    return entries.filter(review=review) if review is not None else entries


def advance_question_list(*, review: Review | None = None) -> QuerySet[AdvanceQuestion]:
    """Advance written questions, in the source's order of submitting states."""
    questions = AdvanceQuestion.objects.select_related("submitting_state")
    return questions.filter(review=review) if review is not None else questions


def review_list() -> QuerySet[Review]:
    """Reviews with their state, session, troika, deadlines, speakers not heard, advance questions and
    counts: 1 query + 4 prefetches."""
    return (
        Review.objects.select_related("state_under_review", "session__cycle")
        .prefetch_related(
            Prefetch("troika", queryset=MemberState.objects.only("id", "iso3", "name")),
            Prefetch("deadlines", queryset=Deadline.objects.order_by("due_at")),
            Prefetch("speakers_list", queryset=speakers_not_heard_list(), to_attr="speakers_not_heard"),
            Prefetch("advance_questions", queryset=advance_question_list()),
        )
        .annotate(statements_total=_count_of(Statement), recommendations_total=_count_of(_recommendation_model()))
    )


def statement_base_list() -> QuerySet[Statement]:
    """Every statement with what a list shows: 1 query + 2 prefetches."""
    return Statement.objects.select_related(
        "review__state_under_review", "review__session", "speaker_state", "speaker_stakeholder"
    ).prefetch_related(
        Prefetch("themes", queryset=Theme.objects.only("id", "scheme", "code", "name")),
        Prefetch(
            "recommendations", queryset=_recommendation_model()._default_manager.only("id", "review_id", "paragraph")
        ),
    )


def statement_list(*, filters: Mapping[str, Any] | None = None) -> QuerySet[Statement]:
    """Statements matching `filters` (the StatementFilter's parameters); ValidationError on unknown values."""
    queryset = statement_base_list()
    if not filters:
        return queryset
    filterset = StatementFilter(filters, queryset=queryset)
    if not filterset.is_valid():
        raise ValidationError(filterset.errors)
    return filterset.qs
