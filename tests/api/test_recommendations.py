"""Recommendations over the API: filters and search on the real fixtures, writes through the services."""

import pytest
from django.db import connection

from apps.recommendations.models import Recommendation
from tests.api.conftest import error_of
from tests.factories import RecommendationFactory, ReviewFactory

pytestmark = pytest.mark.django_db

# China's recommendations on North Korean refugees in the fixtures, 2009 to 2024 (2024: press paraphrases).
# 2009: the refugee file's 82(a) is the report's paragraph 82, which paragraph 117 of A/HRC/11/25 refers to whole.
REFUGEE_PARAGRAPHS = {"28(g)", "82", "186.66", "186.241", "186.242", "186.243", "28.301", ""}


def paragraphs(response) -> list[str]:
    assert response.status_code == 200, response.json()
    return [row["paragraph"] for row in response.json()["results"]]


def test_it_lists_chinas_refugee_recommendations_across_cycles(reference_data, api):
    response = api().get("/recommendations/", {"state_under_review": "CHN", "theme": "dprk-refugees", "page_size": 200})

    rows = response.json()["results"]
    assert response.json()["count"] == 9
    assert {row["paragraph"] for row in rows} == REFUGEE_PARAGRAPHS
    assert {row["cycle"] for row in rows} == {1, 2, 3, 4}
    assert all(row["state_under_review"] == {"iso3": "CHN", "name": "China"} for row in rows)


def test_it_narrows_the_refugee_theme_to_one_cycle(reference_data, api):
    assert paragraphs(api().get("/recommendations/", {"theme": "dprk-refugees", "cycle": 3})) == ["28.301"]


def test_it_finds_what_the_republic_of_korea_recommended_on_refugees(reference_data, api):
    found = paragraphs(api().get("/recommendations/", {"recommending_state": "kor", "theme": "dprk-refugees"}))
    assert sorted(found) == ["", "186.242", "186.243"]


def test_repeated_parameters_match_any_of_their_values(reference_data, api):
    both = api().get("/recommendations/", {"recommending_state": ["KOR", "CZE"], "theme": "dprk-refugees"})
    assert sorted(paragraphs(both)) == ["", "", "186.241", "186.242", "186.243", "82"]


def test_it_filters_on_response_session_and_verbatim(reference_data, api):
    client = api()
    assert client.get("/recommendations/", {"session": 17, "response": "noted"}).json()["count"] == 48
    assert client.get("/recommendations/", {"session": 31, "response": "supported"}).json()["count"] == 284
    paraphrases = client.get("/recommendations/", {"verbatim": "false"}).json()
    assert paraphrases["count"] == 2
    assert {row["text_status"] for row in paraphrases["results"]} == {"paraphrase"}


def test_it_orders_on_request(reference_data, api):
    rows = api().get("/recommendations/", {"review": 2, "ordering": "-id", "page_size": 3}).json()["results"]
    ids = [row["id"] for row in rows]
    assert ids == sorted(ids, reverse=True)


@pytest.mark.parametrize(
    ("parameter", "value"),
    [
        ("state_under_review", "XXX"),
        ("recommending_state", "Narnia"),
        ("theme", "no-such-theme"),
        ("cycle", "99"),
        ("session", "abc"),
        ("review", "0"),
        ("response", "maybe"),
        ("action_category", "6"),
        ("verbatim", "perhaps"),
        ("ordering", "text"),
        ("stat_under_review", "CHN"),
    ],
)
def test_an_unknown_filter_value_is_a_400_naming_the_parameter(reference_data, api, parameter, value):
    response = api().get("/recommendations/", {parameter: value})

    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "invalid"
    assert list(error["fields"]) == [parameter]
    assert parameter in error["message"]


def test_the_search_falls_back_to_substrings_off_postgresql(reference_data, api):
    if connection.vendor == "postgresql":
        pytest.skip("the SQLite fallback; PostgreSQL's search is tested in test_search.py")
    found = paragraphs(api().get("/recommendations/", {"q": '"non-refoulement" -escapees', "page_size": 200}))
    assert {"186.241", "186.243"} <= set(found)
    assert all(row is not None for row in found)


# -- writes -----------------------------------------------------------------------------------------
def test_an_editor_records_a_recommendation_with_its_states_and_themes(reference_data, api, editor):
    review = ReviewFactory()
    response = api(editor, token=True).post(
        "/recommendations/",
        {
            "review": review.pk,
            "paragraph": "12.3",
            "text": "Respect the principle of non-refoulement.",
            "recommending_states": ["USA", "DEU"],
            "response": "noted",
            "action_category": 5,
        },
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert {s["iso3"] for s in body["recommending_states"]} == {"DEU", "USA"}
    assert (body["response"], body["action_category"], body["paragraph"]) == ("noted", 5, "12.3")
    saved = Recommendation.objects.get(pk=body["id"])
    assert saved.fingerprint  # set by the service
    assert saved.history.count() == 1


def test_it_answers_field_errors_from_the_service(reference_data, api, editor):
    existing = RecommendationFactory(paragraph="7.1")
    client = api(editor)

    duplicate = client.post(
        "/recommendations/",
        {"review": existing.review_id, "paragraph": "7.1", "text": "Again.", "recommending_states": ["USA"]},
    )
    assert duplicate.status_code == 400
    assert "paragraph" in str(error_of(duplicate)["fields"])

    no_state = client.post("/recommendations/", {"review": existing.review_id, "text": "x", "recommending_states": []})
    assert no_state.status_code == 400
    assert "recommending_states" in error_of(no_state)["fields"]

    paraphrase = client.post(
        "/recommendations/",
        {"review": existing.review_id, "text": "x", "recommending_states": ["USA"], "text_status": "paraphrase"},
    )
    assert paraphrase.status_code == 400
    assert error_of(paraphrase)["code"] == "invalid"

    bad_category = client.patch(f"/recommendations/{existing.pk}/", {"action_category": 9})
    assert bad_category.status_code == 400
    assert "action_category" in error_of(bad_category)["fields"]


def test_a_partial_update_keeps_the_relations_it_does_not_name(reference_data, api, editor):
    recommendation = Recommendation.objects.get(review__session__number=17, paragraph="186.241")
    states = {s.iso3 for s in recommendation.recommending_states.all()}
    themes = set(recommendation.themes.values_list("code", flat=True))

    response = api(editor).patch(f"/recommendations/{recommendation.pk}/", {"response_label": "rejected"})

    assert response.status_code == 200
    assert response.json()["response_label"] == "rejected"
    assert {s["iso3"] for s in response.json()["recommending_states"]} == states
    assert {t["code"] for t in response.json()["themes"]} == themes


def test_deleting_a_state_still_referred_to_is_a_409(reference_data, api, editor):
    response = api(editor).delete("/member-states/CHN/")

    assert response.status_code == 409
    assert error_of(response)["code"] == "conflict"
    assert api().get("/member-states/CHN/").status_code == 200
