"""Logging statements during the webcast: speed, clear messages, history."""

import pytest

from apps.reviews.models import Stakeholder, Statement
from apps.states.models import MemberState
from tests.factories import StatementFactory

pytestmark = pytest.mark.django_db

REVIEW_2018 = 3


def form_data(**overrides):
    data = {
        "review": REVIEW_2018,
        "forum": "working_group",
        "speaker": "Austria",
        "speaking_order": "1",
        "seconds_used": "45",
        "text": "Austria recommends respecting the principle of non-refoulement.",
        "language": "en",
        "source_url": "https://webtv.un.org/en/asset/k1x/k1xabc?t=1234",
        "recommendation_paragraphs": "",
    }
    data.update(overrides)
    return data


def test_the_form_preselects_the_review_and_the_next_speaking_order(client_for, editor, reference_data):
    StatementFactory(review_id=REVIEW_2018, speaker_state=MemberState.objects.get(iso3="USA"), speaking_order=4)
    html = client_for(editor).get(f"/statements/new/?review={REVIEW_2018}").content.decode()
    assert f'<option value="{REVIEW_2018}" selected>' in html
    assert 'name="speaking_order" value="5"' in html
    assert '<option value="Republic of Korea">' in html, "states are offered as the editor types"


def test_save_and_log_the_next_keeps_the_review_and_moves_the_order_on(client_for, editor, reference_data):
    client = client_for(editor)
    response = client.post("/statements/new/", {**form_data(), "save_and_next": "1"})
    assert response.status_code == 302
    assert response.url == f"/statements/new/?review={REVIEW_2018}&forum=working_group&language=en"
    page = client.get(response.url).content.decode()
    assert "Statement no. 1 by Austria saved." in page
    assert 'name="speaking_order" value="2"' in page
    statement = Statement.objects.get(review_id=REVIEW_2018, speaking_order=1)
    assert statement.speaker_state.iso3 == "AUT" and statement.seconds_used == 45 and statement.logged_by == editor


def test_a_statement_keeps_its_themes_and_the_recommendations_it_delivered(client_for, editor, reference_data):
    from apps.web.selectors import theme_refugees

    theme = theme_refugees()
    response = client_for(editor).post(
        "/statements/new/",
        form_data(speaker="KOR", themes=[theme.pk], recommendation_paragraphs="28.96, 28.132"),
    )
    assert response.status_code == 302 and "#statement-" in response.url
    statement = Statement.objects.get(review_id=REVIEW_2018, speaking_order=1)
    assert statement.speaker_state.iso3 == "KOR"
    assert list(statement.themes.all()) == [theme]
    assert sorted(r.paragraph for r in statement.recommendations.all()) == ["28.132", "28.96"]


def test_a_stakeholder_is_found_by_its_acronym(client_for, editor, reference_data):
    # UNHCR ships with the reference data (fixtures/05_stakeholders.json): no need to add it first.
    unhcr = Stakeholder.objects.get(acronym="UNHCR")
    assert client_for(editor).post("/statements/new/", form_data(speaker="UNHCR")).status_code == 302
    assert Statement.objects.get(review_id=REVIEW_2018).speaker_stakeholder == unhcr


def test_invalid_fields_get_clear_messages_and_the_input_is_kept(client_for, editor, reference_data):
    StatementFactory(review_id=REVIEW_2018, speaker_state=MemberState.objects.get(iso3="USA"), speaking_order=1)
    response = client_for(editor).post(
        "/statements/new/",
        form_data(
            speaker="Atlantis",
            speaking_order="1",
            seconds_used="-3",
            source_url="not a link",
            recommendation_paragraphs="28.96, 999.1",
            text="Kept text",
        ),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "The statement was not saved" in html
    assert "No state or stakeholder is called “Atlantis”" in html
    assert "Place 1 is already taken by United States of America" in html
    assert "Ensure this value is greater than or equal to 0." in html
    assert "Enter a valid URL." in html
    assert "Not a paragraph of this review&#x27;s recommendations: 999.1." in html
    assert 'value="Atlantis"' in html and "Kept text" in html
    assert 'aria-invalid="true"' in html
    assert Statement.objects.filter(review_id=REVIEW_2018).count() == 1


def test_the_edit_page_saves_changes_and_shows_the_history(client_for, editor, reference_data):
    client = client_for(editor)
    client.post("/statements/new/", form_data())
    statement = Statement.objects.get(review_id=REVIEW_2018)
    response = client.post(f"/statements/{statement.pk}/edit/", form_data(seconds_used="50", text="Corrected"))
    assert response.status_code == 302
    statement.refresh_from_db()
    assert statement.seconds_used == 50 and statement.text == "Corrected"
    html = client.get(f"/statements/{statement.pk}/edit/").content.decode()
    assert "History of changes" in html and "Created" in html and "Changed" in html and "editor" in html


def test_an_editor_deletes_a_statement_after_confirming(client_for, editor, reference_data):
    statement = StatementFactory(review_id=REVIEW_2018, speaker_state=MemberState.objects.get(iso3="AUT"))
    client = client_for(editor)
    assert "Delete the statement" in client.get(f"/statements/{statement.pk}/delete/").content.decode()
    assert client.post(f"/statements/{statement.pk}/delete/").status_code == 302
    assert not Statement.objects.filter(pk=statement.pk).exists()


def test_the_next_order_fragment_follows_the_chosen_review(client_for, editor, reference_data):
    StatementFactory(review_id=2, speaker_state=MemberState.objects.get(iso3="AUT"), speaking_order=9)
    client = client_for(editor)
    assert 'value="10"' in client.get("/statements/next-order/?review=2&forum=working_group").content.decode()
    assert client.get("/statements/next-order/?review=abc").status_code == 400


@pytest.mark.parametrize(
    "typed", ["Republic of Korea", "republic of korea", "Republic of Korea (the)", "KOR", "South Korea"]
)
def test_a_state_is_found_by_its_name_code_or_another_spelling(client_for, editor, reference_data, typed):
    assert client_for(editor).post("/statements/new/", form_data(speaker=typed)).status_code == 302
    assert Statement.objects.get(review_id=REVIEW_2018).speaker_state.iso3 == "KOR"
