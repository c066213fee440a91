import pytest
from django.core.exceptions import ValidationError

from apps.reviews.models import Statement
from apps.reviews.services import statement_log, statement_next_speaking_order, statement_update
from tests.factories import MemberStateFactory, RecommendationFactory, ReviewFactory, StakeholderFactory

pytestmark = pytest.mark.django_db


def test_it_logs_a_statement_with_its_recommendations(editor) -> None:
    review = ReviewFactory()
    recommendation = RecommendationFactory(review=review)
    statement = statement_log(
        review=review,
        speaker_state=MemberStateFactory(),
        text="Respect non-refoulement.",
        speaking_order=1,
        recommendations=[recommendation],
        by=editor,
    )
    assert statement.logged_by == editor
    assert list(statement.recommendations.all()) == [recommendation]


def test_it_refuses_a_statement_without_speaker() -> None:
    with pytest.raises(ValidationError, match="exactly one speaker"):
        statement_log(review=ReviewFactory(), text="Anonymous")


def test_it_refuses_a_statement_with_two_speakers() -> None:
    with pytest.raises(ValidationError, match="exactly one speaker"):
        statement_log(
            review=ReviewFactory(), speaker_state=MemberStateFactory(), speaker_stakeholder=StakeholderFactory()
        )


def test_it_refuses_recommendations_of_another_review() -> None:
    with pytest.raises(ValidationError, match="Not recommendations of this review"):
        statement_log(
            review=ReviewFactory(), speaker_state=MemberStateFactory(), recommendations=[RecommendationFactory()]
        )


def test_it_validates_the_source_link() -> None:
    with pytest.raises(ValidationError) as error:
        statement_log(review=ReviewFactory(), speaker_state=MemberStateFactory(), source_url="not a url")
    assert "source_url" in error.value.message_dict


def test_the_next_speaking_order_follows_the_last_one() -> None:
    review = ReviewFactory()
    assert statement_next_speaking_order(review=review) == 1
    statement_log(review=review, speaker_state=MemberStateFactory(), speaking_order=7)
    assert statement_next_speaking_order(review=review) == 8


def test_an_update_is_kept_in_the_history() -> None:
    statement = statement_log(review=ReviewFactory(), speaker_state=MemberStateFactory(), text="First words")
    statement_update(statement=statement, data={"text": "Corrected words"})
    assert [h.text for h in Statement.history.filter(id=statement.pk).order_by("history_date")] == [
        "First words",
        "Corrected words",
    ]
