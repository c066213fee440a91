"""Writes to cycles, sessions, reviews, deadlines and statements.

Views, serializers, forms and commands call these; each validates with full_clean() and runs in a
transaction, so the rules hold whichever door the data comes through.
"""

from collections.abc import Iterable, Mapping
from typing import Any, Protocol

from django.contrib.auth.models import AnonymousUser, User
from django.contrib.postgres.search import SearchVector
from django.core.exceptions import ValidationError
from django.db import connections, transaction
from django.db.models import QuerySet

from apps.common.search import SEARCH_CONFIG
from apps.common.services import editable_fields, record_assign, record_save
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


def statement_recommendations_check(*, review: Review, recommendations: Iterable[LinkedRecommendation]) -> None:
    """Refuse recommendations of another review (the admin's form asks this too, to show it beside the field)."""
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
    statement_recommendations_check(review=review, recommendations=recommendations)
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
    """Change a statement. `data` may hold the plain fields, speaker_state and speaker_stakeholder.

    Recommendations are checked against the review the statement ends with (a statement moved to another
    review cannot keep the old review's recommendations)."""
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
        statement_recommendations_check(review=statement.review, recommendations=recommendations)
        statement.recommendations.set([r.pk for r in recommendations])
    elif "review" in data:
        statement_recommendations_check(review=statement.review, recommendations=statement.recommendations.all())
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


# -- the reference records --------------------------------------------------------------------------
# Each is validated by full_clean() (fields and named constraints) in its own transaction. Those that
# appear in the exports (cycle and session numbers, a review's year, a stakeholder's name) also ask for
# the prebuilt files to be rebuilt; deadlines, speakers' lists and advance questions are not exported.
@transaction.atomic
def cycle_create(**fields: Any) -> Cycle:
    cycle = Cycle()
    record_assign(cycle, fields, fields=editable_fields(Cycle))
    record_save(cycle)
    statements_changed.send(sender=Review)
    return cycle


@transaction.atomic
def cycle_update(*, cycle: Cycle, data: Mapping[str, Any]) -> Cycle:
    record_assign(cycle, data, fields=editable_fields(Cycle))
    record_save(cycle)
    statements_changed.send(sender=Review)
    return cycle


@transaction.atomic
def cycle_delete(*, cycle: Cycle) -> None:
    """Refused (ProtectedError) while sessions belong to it."""
    cycle.delete()
    statements_changed.send(sender=Review)


@transaction.atomic
def session_create(**fields: Any) -> Session:
    session = Session()
    record_assign(session, fields, fields=editable_fields(Session))
    record_save(session)
    statements_changed.send(sender=Review)
    return session


@transaction.atomic
def session_update(*, session: Session, data: Mapping[str, Any]) -> Session:
    record_assign(session, data, fields=editable_fields(Session))
    record_save(session)
    statements_changed.send(sender=Review)
    return session


@transaction.atomic
def session_delete(*, session: Session) -> None:
    """Refused (ProtectedError) while reviews belong to it."""
    session.delete()
    statements_changed.send(sender=Review)


@transaction.atomic
def review_create(*, troika: Iterable[MemberState] = (), **fields: Any) -> Review:
    review = Review()
    record_assign(review, fields, fields=editable_fields(Review))
    record_save(review, relations={"troika": troika})
    statements_changed.send(sender=Review)
    return review


@transaction.atomic
def review_update(*, review: Review, data: Mapping[str, Any], troika: Iterable[MemberState] | None = None) -> Review:
    record_assign(review, data, fields=editable_fields(Review))
    record_save(review, relations={"troika": troika})
    statements_changed.send(sender=Review)
    return review


@transaction.atomic
def review_delete(*, review: Review) -> None:
    """Refused (ProtectedError) while recommendations belong to it; its deadlines and statements go with it."""
    review.delete()
    statements_changed.send(sender=Review)


@transaction.atomic
def stakeholder_create(**fields: Any) -> Stakeholder:
    stakeholder = Stakeholder()
    record_assign(stakeholder, fields, fields=editable_fields(Stakeholder))
    record_save(stakeholder)
    statements_changed.send(sender=Review)
    return stakeholder


@transaction.atomic
def stakeholder_update(*, stakeholder: Stakeholder, data: Mapping[str, Any]) -> Stakeholder:
    record_assign(stakeholder, data, fields=editable_fields(Stakeholder))
    record_save(stakeholder)
    statements_changed.send(sender=Review)
    return stakeholder


@transaction.atomic
def stakeholder_delete(*, stakeholder: Stakeholder) -> None:
    """Refused (ProtectedError) while statements name it as their speaker."""
    stakeholder.delete()
    statements_changed.send(sender=Review)


@transaction.atomic
def deadline_create(**fields: Any) -> Deadline:
    deadline = Deadline()
    record_assign(deadline, fields, fields=editable_fields(Deadline))
    return record_save(deadline)


@transaction.atomic
def deadline_update(*, deadline: Deadline, data: Mapping[str, Any]) -> Deadline:
    record_assign(deadline, data, fields=editable_fields(Deadline))
    return record_save(deadline)


@transaction.atomic
def deadline_delete(*, deadline: Deadline) -> None:
    deadline.delete()


@transaction.atomic
def speakers_list_entry_create(**fields: Any) -> SpeakersListEntry:
    entry = SpeakersListEntry()
    record_assign(entry, fields, fields=editable_fields(SpeakersListEntry))
    return record_save(entry)


@transaction.atomic
def speakers_list_entry_update(*, entry: SpeakersListEntry, data: Mapping[str, Any]) -> SpeakersListEntry:
    record_assign(entry, data, fields=editable_fields(SpeakersListEntry))
    return record_save(entry)


@transaction.atomic
def speakers_list_entry_delete(*, entry: SpeakersListEntry) -> None:
    entry.delete()


@transaction.atomic
def advance_question_create(**fields: Any) -> AdvanceQuestion:
    question = AdvanceQuestion()
    record_assign(question, fields, fields=editable_fields(AdvanceQuestion))
    return record_save(question)


@transaction.atomic
def advance_question_update(*, question: AdvanceQuestion, data: Mapping[str, Any]) -> AdvanceQuestion:
    record_assign(question, data, fields=editable_fields(AdvanceQuestion))
    return record_save(question)


@transaction.atomic
def advance_question_delete(*, question: AdvanceQuestion) -> None:
    question.delete()
