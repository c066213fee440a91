"""A recommendation edited in the admin is written by recommendation_update: its fingerprint follows its text,
so a later import of the same text matches it instead of creating a duplicate (issue 11)."""

from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from apps.recommendations.fingerprint import recommendation_fingerprint
from apps.recommendations.models import Recommendation, RecommendationTheme, Theme
from apps.states.selectors import state_spellings
from tests.admin_forms import admin_page_data
from tests.factories import ThemeFactory

pytestmark = pytest.mark.usefixtures("reference_data")

NEW_TEXT = "Ensure that no asylum seeker from the DPRK is forcibly returned, in line with non-refoulement."


@pytest.fixture
def mexico_2018() -> Recommendation:
    """China 2018, 28.301 (Mexico): general refugee language, linked to the DPRK-refugee theme as related."""
    return Recommendation.objects.get(
        review__state_under_review__iso3="CHN", review__session__number=31, paragraph="28.301"
    )


def _change_url(recommendation: Recommendation) -> str:
    return reverse("admin:recommendations_recommendation_change", args=[recommendation.pk])


def _theme_rows(data: dict, rows: list[tuple[Theme, str]]) -> None:  # type: ignore[type-arg]
    """Replace the themes inline's rows by new ones (the existing rows are marked for deletion)."""
    prefix = "recommendationtheme_set"
    existing = int(data[f"{prefix}-TOTAL_FORMS"])
    for i in range(existing):
        data[f"{prefix}-{i}-DELETE"] = "on"
    for offset, (theme, mention) in enumerate(rows):
        data[f"{prefix}-{existing + offset}-theme"] = str(theme.pk)
        data[f"{prefix}-{existing + offset}-mention"] = mention
    data[f"{prefix}-TOTAL_FORMS"] = str(existing + len(rows))


def test_a_text_edited_in_the_admin_is_matched_by_a_later_import(
    client_for, staff, mexico_2018, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    client = client_for(staff)
    data = admin_page_data(client.get(_change_url(mexico_2018)))
    data["text"] = NEW_TEXT
    assert client.post(_change_url(mexico_2018), data).status_code == 302

    mexico_2018.refresh_from_db()
    states = list(mexico_2018.recommending_states.all())
    assert mexico_2018.fingerprint == recommendation_fingerprint(NEW_TEXT, state_names=state_spellings(states=states))

    upload = tmp_path / "edited.csv"
    upload.write_text(f'state_under_review,session,text,recommending_states\nCHN,31,"{NEW_TEXT}",MEX\n')
    call_command("import_recommendations", str(upload), "--format", "csv", verbosity=0)
    assert Recommendation.objects.filter(review=mexico_2018.review, text=NEW_TEXT).count() == 1


@pytest.mark.usefixtures("postgres")
def test_a_text_edited_in_the_admin_is_found_by_search(client_for, staff, mexico_2018) -> None:  # type: ignore[no-untyped-def]
    client = client_for(staff)
    data = admin_page_data(client.get(_change_url(mexico_2018)))
    data["text"] = "Protect the xylophonists of every province."
    assert client.post(_change_url(mexico_2018), data).status_code == 302
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT search_vector @@ plainto_tsquery('english', 'xylophonist') FROM recommendations_recommendation"
            " WHERE id = %s",
            [mexico_2018.pk],
        )
        assert cursor.fetchone() == (True,)


def test_the_admin_sets_a_recommendations_themes_with_their_mentions(client_for, staff, mexico_2018) -> None:  # type: ignore[no-untyped-def]
    client = client_for(staff)
    refugees, other = Theme.objects.get(scheme="project", code="dprk-refugees"), ThemeFactory()
    data = admin_page_data(client.get(_change_url(mexico_2018)))
    _theme_rows(data, [(refugees, "explicit"), (other, "")])
    assert client.post(_change_url(mexico_2018), data).status_code == 302
    links = RecommendationTheme.objects.filter(recommendation=mexico_2018)
    assert sorted((link.theme_id, link.mention) for link in links) == sorted(
        [(refugees.pk, "explicit"), (other.pk, "")]
    )


def test_a_theme_listed_twice_in_the_admin_is_refused_on_the_form(client_for, staff, mexico_2018) -> None:  # type: ignore[no-untyped-def]
    client = client_for(staff)
    theme = ThemeFactory()
    data = admin_page_data(client.get(_change_url(mexico_2018)))
    _theme_rows(data, [(theme, "explicit"), (theme, "related")])
    response = client.post(_change_url(mexico_2018), data)
    assert response.status_code == 200
    assert "listed twice" in response.content.decode()
    assert not RecommendationTheme.objects.filter(recommendation=mexico_2018, theme=theme).exists()


def test_a_recommendation_added_in_the_admin_gets_its_fingerprint_and_themes(client_for, staff, mexico_2018) -> None:  # type: ignore[no-untyped-def]
    client = client_for(staff)
    theme = ThemeFactory()
    data = admin_page_data(client.get(_change_url(mexico_2018)), with_inlines=False)
    data.update({"paragraph": "28.999", "text": NEW_TEXT})
    data.update(
        {
            "recommendationtheme_set-TOTAL_FORMS": "1",
            "recommendationtheme_set-0-theme": str(theme.pk),
            "recommendationtheme_set-0-mention": "related",
        }
    )
    assert client.post(reverse("admin:recommendations_recommendation_add"), data).status_code == 302
    added = Recommendation.objects.get(review=mexico_2018.review, paragraph="28.999")
    assert added.fingerprint == recommendation_fingerprint(NEW_TEXT)
    assert list(RecommendationTheme.objects.filter(recommendation=added).values_list("theme", "mention")) == [
        (theme.pk, "related")
    ]
