"""Writes to cycles, sessions, reviews, deadlines and statements.

Views, serializers, forms and commands call these; each validates with full_clean() and runs in a
transaction, so the rules hold whichever door the data comes through.
"""

from collections.abc import Iterable
from typing import Any, Protocol

from django.contrib.auth.models import AnonymousUser, User
from django.contrib.postgres.search import SearchVector
from django.core.exceptions import ValidationError
from django.db import connections, transaction
from django.db.models import QuerySet

from apps.common.search import SEARCH_CONFIG
from apps.reviews.models import Review, Stakeholder, Statement
from apps.reviews.signals import statements_changed
from apps.states.models import MemberState
from apps.vocabulary.models import Theme

STATEMENT_FIELDS = [
    "forum",
    "speaking_order",
    "text",
    "text_kind",
    "source",
    "language",
    "seconds_used",
    "source_url",
]


def statement_next_speaking_order(*, review: Review, forum: str = Statement.Forum.WORKING_GROUP) -> int:
    """The speaking order that follows the last logged statement of a review's forum."""
    last = (
        Statement.objects.filter(review=review, forum=forum, speaking_order__isnull=False)
        .order_by("-speaking_order")
        .values_list("speaking_order", flat=True)
        .first()
    )
    return (last or 0) + 1


class LinkedRecommendation(Protocol):
    """What a statement's services read of a recommendation (Statement.recommendations): the model lives in
    apps.recommendations, above this app, so it is named by its shape rather than imported."""

    pk: Any
    review_id: int
    paragraph: str


def _check_recommendations_belong(review: Review, recommendations: Iterable[LinkedRecommendation]) -> None:
    foreign = [r for r in recommendations if r.review_id != review.pk]
    if foreign:
        paragraphs = ", ".join(r.paragraph or str(r.pk) for r in foreign)
        raise ValidationError({"recommendations": f"Not recommendations of this review: {paragraphs}."})


@transaction.atomic
def statement_log(
    *,
    review: Review,
    speaker_state: MemberState | None = None,
    speaker_stakeholder: Stakeholder | None = None,
    text: str = "",
    text_kind: str = Statement.TextKind.DELIVERED,
    source: str = "",
    forum: str = Statement.Forum.WORKING_GROUP,
    speaking_order: int | None = None,
    language: str = "en",
    seconds_used: int | None = None,
    source_url: str = "",
    themes: Iterable[Theme] = (),
    recommendations: Iterable[LinkedRecommendation] = (),
    by: User | AnonymousUser | None = None,
) -> Statement:
    """Record what one speaker said. Exactly one of speaker_state and speaker_stakeholder is required."""
    if (speaker_state is None) == (speaker_stakeholder is None):
        raise ValidationError({"speaker": "Choose exactly one speaker: a state or a stakeholder."})
    recommendations = list(recommendations)
    _check_recommendations_belong(review, recommendations)
    statement = Statement(
        review=review,
        speaker_state=speaker_state,
        speaker_stakeholder=speaker_stakeholder,
        forum=forum,
        speaking_order=speaking_order,
        text=text,
        text_kind=text_kind,
        source=source,
        language=language,
        seconds_used=seconds_used,
        source_url=source_url,
        logged_by=by if isinstance(by, User) else None,
    )
    statement.full_clean()
    statement.save()
    statement.themes.set(list(themes))
    statement.recommendations.set([r.pk for r in recommendations])
    statement_search_refresh(statements=Statement.objects.filter(pk=statement.pk))
    statements_changed.send(sender=Statement)
    return statement


@transaction.atomic
def statement_update(
    *,
    statement: Statement,
    data: dict[str, Any],
    themes: Iterable[Theme] | None = None,
    recommendations: Iterable[LinkedRecommendation] | None = None,
) -> Statement:
    """Change a statement. `data` may hold the plain fields, speaker_state and speaker_stakeholder."""
    allowed = {*STATEMENT_FIELDS, "speaker_state", "speaker_stakeholder", "review"}
    unknown = set(data) - allowed
    if unknown:
        raise ValidationError({name: "This field cannot be changed." for name in unknown})
    for name, value in data.items():
        setattr(statement, name, value)
    if (statement.speaker_state is None) == (statement.speaker_stakeholder is None):
        raise ValidationError({"speaker": "Choose exactly one speaker: a state or a stakeholder."})
    statement.full_clean()
    statement.save()
    if themes is not None:
        statement.themes.set(list(themes))
    if recommendations is not None:
        recommendations = list(recommendations)
        _check_recommendations_belong(statement.review, recommendations)
        statement.recommendations.set([r.pk for r in recommendations])
    statement_search_refresh(statements=Statement.objects.filter(pk=statement.pk))
    statements_changed.send(sender=Statement)
    return statement


@transaction.atomic
def statement_delete(*, statement: Statement) -> None:
    statement.delete()
    statements_changed.send(sender=Statement)


def statement_search_refresh(*, statements: QuerySet[Statement] | None = None) -> int:
    """Recompute the stored full-text search vector of statements (all when none are given); a no-op off
    PostgreSQL. Returns rows touched."""
    if statements is None:
        statements = Statement.objects.all()
    if connections[statements.db].vendor != "postgresql":
        return 0
    return statements.update(search_vector=SearchVector("text", config=SEARCH_CONFIG))
