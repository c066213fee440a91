"""Statements over the API: logged by editors (token or session), filtered, searched."""

import pytest

from apps.reviews.models import Statement
from tests.api.conftest import error_of
from tests.factories import RecommendationFactory, ReviewFactory, StakeholderFactory, StatementFactory

pytestmark = pytest.mark.django_db


def test_an_editor_logs_a_statement_with_a_token(reference_data, api, editor):
    review = ReviewFactory()
    recommendation = RecommendationFactory(review=review)

    response = api(editor, token=True).post(
        "/statements/",
        {
            "review": review.pk,
            "speaker_state": "USA",
            "speaking_order": 3,
            "text": "We urge China to respect the principle of non-refoulement.",
            "seconds_used": 45,
            "source_url": "https://webtv.un.org/en/asset/k1x/k1xsl1d2d6#t=1h2m",
            "recommendations": [recommendation.pk],
        },
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["speaker"] == {
        "kind": "state",
        "iso3": "USA",
        "id": body["speaker"]["id"],
        "name": body["speaker"]["name"],
    }
    assert body["recommendations"] == [{"id": recommendation.pk, "paragraph": recommendation.paragraph}]
    statement = Statement.objects.get(pk=body["id"])
    assert statement.logged_by == editor
    assert statement.history.count() == 1


def test_a_stakeholder_speaks_too(reference_data, api, editor):
    review = ReviewFactory()
    unhcr = StakeholderFactory(name="Office of the UN High Commissioner for Refugees", acronym="UNHCR")

    response = api(editor).post("/statements/", {"review": review.pk, "speaker_stakeholder": unhcr.pk, "text": "..."})

    assert response.status_code == 201, response.json()
    assert response.json()["speaker"]["kind"] == "stakeholder"
    assert response.json()["speaker"]["iso3"] is None


def test_it_rejects_a_statement_with_two_speakers_or_none(reference_data, api, editor):
    review = ReviewFactory()
    stakeholder = StakeholderFactory()
    client = api(editor)

    both = client.post(
        "/statements/", {"review": review.pk, "speaker_state": "USA", "speaker_stakeholder": stakeholder.pk}
    )
    neither = client.post("/statements/", {"review": review.pk, "text": "Who said this?"})

    for response in (both, neither):
        assert response.status_code == 400
        assert "speaker" in error_of(response)["fields"]


def test_it_rejects_a_recommendation_of_another_review(reference_data, api, editor):
    review = ReviewFactory()
    elsewhere = RecommendationFactory()

    response = api(editor).post(
        "/statements/", {"review": review.pk, "speaker_state": "DEU", "recommendations": [elsewhere.pk]}
    )

    assert response.status_code == 400
    assert "recommendations" in error_of(response)["fields"]


def test_it_rejects_a_speaking_order_already_taken(reference_data, api, editor):
    first = StatementFactory(speaking_order=1)

    response = api(editor).post(
        "/statements/", {"review": first.review_id, "speaker_state": "AUT", "speaking_order": 1}
    )

    assert response.status_code == 400
    assert error_of(response)["code"] == "invalid"


def test_statements_filter_by_review_speaker_forum_and_theme(reference_data, api, editor):
    review = ReviewFactory()
    usa = StatementFactory(review=review, speaker_state__iso3="XUS", speaking_order=1)
    StatementFactory(review=review, speaking_order=2, forum=Statement.Forum.COUNCIL_ADOPTION)
    StatementFactory(speaking_order=1)
    client = api()

    assert client.get("/statements/", {"review": review.pk}).json()["count"] == 2
    assert [s["id"] for s in client.get("/statements/", {"speaker_state": "xus"}).json()["results"]] == [usa.pk]
    assert client.get("/statements/", {"review": review.pk, "forum": "council_adoption"}).json()["count"] == 1
    assert client.get("/statements/", {"theme": "dprk-refugees"}).json()["count"] == 0
    assert client.get("/statements/", {"forum": "plenary"}).status_code == 400


def test_an_editor_corrects_and_deletes_a_statement(reference_data, api, editor):
    statement = StatementFactory()
    client = api(editor, token=True)

    changed = client.patch(f"/statements/{statement.pk}/", {"text": "Corrected from the webcast.", "seconds_used": 50})
    assert changed.status_code == 200
    assert (changed.json()["text"], changed.json()["seconds_used"]) == ("Corrected from the webcast.", 50)

    assert client.delete(f"/statements/{statement.pk}/").status_code == 204
    assert not Statement.objects.filter(pk=statement.pk).exists()
