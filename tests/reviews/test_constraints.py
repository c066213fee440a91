import pytest
from django.db import IntegrityError, transaction

from apps.reviews.models import Review, Statement
from tests.factories import (
    MemberStateFactory,
    RecommendationFactory,
    ReviewFactory,
    StakeholderFactory,
    StatementFactory,
)

pytestmark = pytest.mark.django_db


def test_a_state_is_reviewed_once_per_session() -> None:
    review = ReviewFactory()
    with pytest.raises(IntegrityError, match="review_one_per_state_session|UNIQUE"), transaction.atomic():
        Review.objects.create(state_under_review=review.state_under_review, session=review.session)


def test_a_statement_needs_a_speaker() -> None:
    review = ReviewFactory()
    with pytest.raises(IntegrityError, match="statement_exactly_one_speaker|CHECK"), transaction.atomic():
        Statement.objects.create(review=review, text="Who said this?")


def test_a_statement_has_only_one_speaker() -> None:
    with pytest.raises(IntegrityError, match="statement_exactly_one_speaker|CHECK"), transaction.atomic():
        StatementFactory(speaker_state=MemberStateFactory(), speaker_stakeholder=StakeholderFactory())


def test_a_stakeholder_can_speak_alone() -> None:
    statement = StatementFactory(speaker_state=None, speaker_stakeholder=StakeholderFactory(acronym="UNHCR"))
    assert statement.speaker_stakeholder.acronym == "UNHCR"


def test_two_speakers_cannot_share_a_speaking_order() -> None:
    first = StatementFactory(speaking_order=3)
    with pytest.raises(IntegrityError, match="statement_unique_speaking_order|UNIQUE"), transaction.atomic():
        StatementFactory(review=first.review, speaking_order=3)


def test_a_paragraph_is_unique_within_a_review() -> None:
    recommendation = RecommendationFactory(paragraph="186.241")
    with (
        pytest.raises(IntegrityError, match="recommendation_unique_paragraph_per_review|UNIQUE"),
        transaction.atomic(),
    ):
        RecommendationFactory(review=recommendation.review, paragraph="186.241")


def test_recommendations_without_a_known_paragraph_may_coexist() -> None:
    first = RecommendationFactory(paragraph="")
    second = RecommendationFactory(review=first.review, paragraph="")
    assert first.pk != second.pk


def test_the_same_paragraph_may_appear_in_another_review() -> None:
    RecommendationFactory(paragraph="28.1")
    assert RecommendationFactory(paragraph="28.1").paragraph == "28.1"


def test_action_category_is_between_1_and_5() -> None:
    with (
        pytest.raises(IntegrityError, match="recommendation_action_category_1_to_5|CHECK"),
        transaction.atomic(),
    ):
        RecommendationFactory(action_category=6)


def test_a_paraphrase_must_say_where_it_comes_from() -> None:
    with (
        pytest.raises(IntegrityError, match="recommendation_paraphrase_has_source|CHECK"),
        transaction.atomic(),
    ):
        RecommendationFactory(text_status="paraphrase", text_source="")


def test_a_deadline_time_zone_must_be_a_real_zone() -> None:
    from django.core.exceptions import ValidationError

    from tests.factories import DeadlineFactory

    deadline = DeadlineFactory.build(review=ReviewFactory(), timezone="Europe")  # a folder of the tz database
    with pytest.raises(ValidationError) as error:
        deadline.full_clean()
    assert "timezone" in error.value.message_dict
