"""The API writes a theme link's mention (explicit / related / as coded) through the services, and still takes
the old list of theme ids."""

import pytest

from apps.recommendations.models import Recommendation, RecommendationTheme, Theme
from tests.api.conftest import error_of
from tests.factories import MemberStateFactory, RecommendationFactory, ReviewFactory, ThemeFactory

pytestmark = pytest.mark.usefixtures("reference_data")


@pytest.fixture
def refugees() -> Theme:
    return Theme.objects.get(scheme="project", code="dprk-refugees")


def _mentions(recommendation_id: int) -> dict[int, str]:
    return dict(RecommendationTheme.objects.filter(recommendation_id=recommendation_id).values_list("theme", "mention"))


def _shown(body: dict) -> dict[int, str]:  # type: ignore[type-arg]
    return {theme["id"]: theme["mention"] for theme in body["themes"]}


def test_an_editor_records_themes_with_their_mentions(api, editor, refugees):  # type: ignore[no-untyped-def]
    other = ThemeFactory()
    response = api(editor, token=True).post(
        "/recommendations/",
        {
            "review": ReviewFactory().pk,
            "text": "Do not return North Koreans who fled to China.",
            "recommending_states": ["USA"],
            "themes": [{"theme": refugees.pk, "mention": "explicit"}, other.pk],
        },
    )

    assert response.status_code == 201, response.json()
    assert _mentions(response.json()["id"]) == {refugees.pk: "explicit", other.pk: ""}
    assert _shown(response.json()) == {refugees.pk: "explicit", other.pk: ""}


def test_a_mention_changes_and_a_theme_sent_by_id_keeps_its_own(api, editor, refugees):  # type: ignore[no-untyped-def]
    other = ThemeFactory()
    recommendation = RecommendationFactory(recommending_states=[MemberStateFactory()])
    RecommendationTheme.objects.create(recommendation=recommendation, theme=refugees, mention="explicit")
    RecommendationTheme.objects.create(recommendation=recommendation, theme=other, mention="related")

    response = api(editor).patch(
        f"/recommendations/{recommendation.pk}/", {"themes": [refugees.pk, {"theme": other.pk, "mention": ""}]}
    )

    assert response.status_code == 200, response.json()
    assert _mentions(recommendation.pk) == {refugees.pk: "explicit", other.pk: ""}


def test_themes_left_out_of_the_list_are_unlinked(api, editor, refugees):  # type: ignore[no-untyped-def]
    recommendation = RecommendationFactory(recommending_states=[MemberStateFactory()])
    RecommendationTheme.objects.create(recommendation=recommendation, theme=ThemeFactory(), mention="")

    response = api(editor).patch(
        f"/recommendations/{recommendation.pk}/", {"themes": [{"theme": refugees.pk, "mention": "related"}]}
    )

    assert response.status_code == 200
    assert _mentions(recommendation.pk) == {refugees.pk: "related"}


@pytest.mark.parametrize(
    ("themes", "reason"),
    [
        ([{"theme": "REFUGEES", "mention": "explicit"}], "theme"),
        ([{"mention": "explicit"}], "theme"),
        ("REFUGEES", "themes"),
        ([True], "themes"),
        ([999_999_999], "themes"),
    ],
)
def test_a_malformed_theme_link_is_a_400_naming_the_field(api, editor, refugees, themes, reason):  # type: ignore[no-untyped-def]
    recommendation = RecommendationFactory(recommending_states=[MemberStateFactory()])
    response = api(editor).patch(f"/recommendations/{recommendation.pk}/", {"themes": themes})
    assert response.status_code == 400
    assert "themes" in error_of(response)["fields"]
    assert reason in str(error_of(response)["fields"])


def test_an_unknown_mention_is_a_400_and_changes_nothing(api, editor, refugees):  # type: ignore[no-untyped-def]
    recommendation = RecommendationFactory(recommending_states=[MemberStateFactory()])
    RecommendationTheme.objects.create(recommendation=recommendation, theme=refugees, mention="explicit")

    response = api(editor).patch(
        f"/recommendations/{recommendation.pk}/", {"themes": [{"theme": refugees.pk, "mention": "implicit"}]}
    )

    assert response.status_code == 400
    assert "mention" in str(error_of(response)["fields"]["themes"])
    assert _mentions(recommendation.pk) == {refugees.pk: "explicit"}


def test_the_schema_describes_both_forms_of_a_theme_link(api):  # type: ignore[no-untyped-def]
    schema = api().client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    themes = schema["components"]["schemas"]["RecommendationWriteRequest"]["properties"]["themes"]
    forms = themes["items"]["oneOf"]
    assert {"type": "integer"}.items() <= forms[0].items()
    assert forms[1]["properties"]["mention"]["enum"] == ["explicit", "related", ""]
    assert forms[1]["required"] == ["theme"]


def test_a_recommendation_written_over_the_api_is_found_by_its_new_fingerprint(api, editor):  # type: ignore[no-untyped-def]
    recommendation = RecommendationFactory(recommending_states=[MemberStateFactory()])
    old = recommendation.fingerprint
    response = api(editor).patch(f"/recommendations/{recommendation.pk}/", {"text": "A new text."})
    assert response.status_code == 200
    assert Recommendation.objects.get(pk=recommendation.pk).fingerprint not in {"", old}
