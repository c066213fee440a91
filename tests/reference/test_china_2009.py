"""China's 2009 review as loaded from fixtures/06_china_2009.json: records, API, admin and page.

Records are looked up by natural key (session 4, paragraph, ISO3), never by a fixture id.
"""

from html import unescape

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.urls import reverse

from apps.recommendations.models import Recommendation
from apps.reviews.models import AdvanceQuestion, Review, SpeakersListEntry, Statement
from apps.vocabulary.models import DPRK_REFUGEES_THEME_CODE

pytestmark = pytest.mark.usefixtures("reference_data")


def review_2009() -> Review:
    return Review.objects.get(state_under_review__iso3="CHN", session__number=4)


def counts() -> tuple[int, ...]:
    review = review_2009()
    return (
        Recommendation.objects.count(),
        Recommendation.objects.filter(review=review).count(),
        Statement.objects.filter(review=review).count(),
        SpeakersListEntry.objects.filter(review=review).count(),
        AdvanceQuestion.objects.filter(review=review).count(),
        Recommendation.recommending_states.through.objects.count(),
        Statement.recommendations.through.objects.count(),
    )


def test_every_recommendation_of_the_report_is_loaded_with_its_response() -> None:
    loaded = Recommendation.objects.filter(review=review_2009())
    assert loaded.count() == 99
    by_response = dict(loaded.values_list("response").annotate(n=Count("id")).order_by())
    assert by_response == {"supported": 42, "noted": 53, "pending": 4}
    pending = loaded.get(paragraph="116.2")
    assert sorted(pending.recommending_states.values_list("iso3", flat=True)) == ["AUS", "CAN"]
    assert pending.response_label == "will be examined by China"
    assert "not in the record" in pending.note
    assert loaded.get(paragraph="27(b)").response_label == "did not enjoy the support of China"
    assert loaded.get(paragraph="27(b)").response_source == "A/HRC/11/25 para. 117"
    assert review_2009().recommendations_count == 99


def test_each_2009_refugee_recommendation_is_one_record_with_its_theme_and_csv_source() -> None:
    """The refugee file's 28(g) (Canada) and 82(a) (Czech Republic, the report's whole paragraph 82)."""
    refugee = Recommendation.objects.filter(review=review_2009(), themes__code=DPRK_REFUGEES_THEME_CODE)
    assert sorted(refugee.values_list("paragraph", flat=True)) == ["28(g)", "82"]
    assert not Recommendation.objects.filter(review=review_2009(), paragraph="82(a)").exists()
    canada = refugee.get(paragraph="28(g)")
    assert list(canada.recommending_states.values_list("iso3", flat=True)) == ["CAN"]
    assert "Democratic People’s Republic of Korea" in canada.text
    assert "rochelleterman/uprs" in canada.note  # the refugee file's source is kept
    assert Recommendation.objects.filter(review=review_2009(), text__icontains="refoulement").count() == 2


def test_each_delegation_that_spoke_has_one_statement_marked_as_the_reports_summary() -> None:
    statements = Statement.objects.filter(review=review_2009()).order_by("speaking_order")
    assert statements.count() == 60
    assert set(statements.values_list("text_kind", flat=True)) == {Statement.TextKind.REPORT_SUMMARY}
    first, last = statements.first(), statements.last()
    assert first is not None and last is not None
    assert (first.speaker_state.iso3, first.speaking_order, first.source) == ("AUS", 1, "A/HRC/11/25 para. 27")
    assert (last.speaker_state.iso3, last.speaking_order, last.source) == ("MYS", 60, "A/HRC/11/25 para. 98")
    canada = statements.get(speaker_state__iso3="CAN")
    assert sorted(canada.recommendations.values_list("paragraph", flat=True)) == [
        "28(a)",
        "28(c)",
        "28(d)",
        "28(e)",
        "28(f)",
        "28(g)",
        "28(h)",
    ]


def test_the_delegations_not_heard_are_facts_of_the_speakers_list_not_statements() -> None:
    entries = SpeakersListEntry.objects.filter(review=review_2009())
    assert entries.count() == 54
    assert set(entries.values_list("status", flat=True)) == {SpeakersListEntry.Status.NOT_HEARD}
    not_heard = set(entries.values_list("speaker_state__iso3", flat=True))
    assert {"KOR", "PRK"} <= not_heard
    assert not Statement.objects.filter(review=review_2009(), speaker_state__iso3__in=not_heard).exists()
    assert entries.get(speaker_state__iso3="CIV").listed_as == "Cote d’Ivoire"


def test_loading_the_reference_data_twice_duplicates_nothing() -> None:
    before = counts()
    call_command("load_reference_data", verbosity=0)
    assert counts() == before


def test_loading_never_overwrites_a_statement_logged_under_a_fixture_free_id(editor) -> None:  # type: ignore[no-untyped-def]
    from apps.reviews.services import statement_log

    review_2013 = Review.objects.get(state_under_review__iso3="CHN", session__number=17)
    logged = statement_log(review=review_2013, speaker_state=review_2013.troika.first(), text="ours", by=editor)
    call_command("load_reference_data", verbosity=0)
    logged.refresh_from_db()
    assert (logged.review_id, logged.text) == (review_2013.pk, "ours")


def test_the_review_page_marks_summaries_and_lists_who_was_not_heard(client) -> None:  # type: ignore[no-untyped-def]
    page = client.get(reverse("web:review_detail", args=[review_2009().pk]))
    assert page.status_code == 200
    html = unescape(page.content.decode())
    assert html.count("Working Group report's summary, not the words delivered") == 60
    assert "lack of time" not in html
    assert "55 inscribed delegations were not able to make their statements" in html
    assert "Inscribed on the speakers' list, not heard" in html
    assert "Democratic People’s Republic of Korea" in html and "Republic of Korea" in html
    assert "Advance written questions" in html
    assert "The questions themselves are not in the record." in html


def test_staff_see_the_speakers_list_and_advance_questions_in_the_admin(client_for, staff) -> None:  # type: ignore[no-untyped-def]
    client = client_for(staff)
    entries = client.get(reverse("admin:reviews_speakerslistentry_changelist"), {"q": "Korea"}).content.decode()
    assert "Democratic People" in entries and "Republic of Korea" in entries
    questions = client.get(reverse("admin:reviews_advancequestion_changelist")).content.decode()
    assert "Liechtenstein" in questions
    change = client.get(reverse("admin:reviews_review_change", args=[review_2009().pk])).content.decode()
    assert "Cote d’Ivoire" in change  # the speakers' list inline


def test_the_edit_page_of_a_summarised_statement_says_what_its_text_is(client_for, editor) -> None:  # type: ignore[no-untyped-def]
    canada = Statement.objects.get(review=review_2009(), speaker_state__iso3="CAN")
    html = unescape(client_for(editor).get(reverse("web:statement_edit", args=[canada.pk])).content.decode())
    assert "This text is the Working Group report's summary, not the words delivered. A/HRC/11/25 para. 28" in html
