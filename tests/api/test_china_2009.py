"""China's 2009 review over the API: the speakers' list and advance questions nested in the review, and
statements marked as the Working Group report's summary."""

import pytest

from apps.reviews.models import Review

pytestmark = pytest.mark.usefixtures("reference_data")


def review_2009() -> Review:
    return Review.objects.get(state_under_review__iso3="CHN", session__number=4)


def test_the_api_nests_speakers_not_heard_and_advance_questions_in_the_review(api) -> None:  # type: ignore[no-untyped-def]
    body = api().get(f"/reviews/{review_2009().pk}/").json()
    not_heard = body["speakers_not_heard"]
    assert len(not_heard) == 54
    assert {"KOR", "PRK"} <= {entry["state"]["iso3"] for entry in not_heard}
    assert not_heard[0]["status"] == "not_heard"
    assert not_heard[0]["source"] == "A/HRC/11/25 para. 26, footnote"
    questions = body["advance_questions"]
    assert [q["submitting_state"]["iso3"] for q in questions][:4] == ["CZE", "LVA", "LIE", "SWE"]
    assert questions[0]["text"] == ""  # the questions themselves are not in the record
    assert questions[0]["report_text"].startswith("A list of questions prepared in advance by Czech Republic")
    assert body["speakers_unable_count"] == 55


def test_the_statement_api_says_the_text_is_the_reports_summary(api) -> None:  # type: ignore[no-untyped-def]
    body = api().get("/statements/", {"review": review_2009().pk, "speaker_state": "CAN"}).json()
    (canada,) = body["results"]
    assert canada["text_kind"] == "report_summary"
    assert canada["text_kind_name"] == "Working Group report's summary, not the words delivered"
    assert canada["source"] == "A/HRC/11/25 para. 28"
