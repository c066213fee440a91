"""The fixtures hold the real data of ../shared/data, loaded by `manage.py load_reference_data`."""

import datetime as dt
from collections import Counter

import pytest
from django.core.management import call_command

from apps.common.models import Verification
from apps.recommendations.models import Recommendation
from apps.reviews.calendar_rules import GENEVA
from apps.reviews.models import Cycle, Deadline, Review
from apps.states.models import MemberState
from apps.states.selectors import state_by_name
from apps.vocabulary.models import DPRK_REFUGEES_THEME_CODE, Theme

pytestmark = pytest.mark.usefixtures("reference_data")


def test_it_loads_193_member_states_and_2_observers() -> None:
    assert MemberState.objects.filter(is_observer=False).count() == 193
    observers = set(MemberState.objects.filter(is_observer=True).values_list("iso3", flat=True))
    assert observers == {"VAT", "PSE"}


def test_member_states_are_counted_by_regional_group() -> None:
    counts = Counter(MemberState.objects.filter(is_observer=False).values_list("regional_group", flat=True))
    assert counts == {"AFRICA": 54, "APG": 54, "EEG": 23, "GRULAC": 33, "WEOG": 29}


@pytest.mark.parametrize(
    ("spelling", "iso3"),
    [
        ("Iran", "IRN"),
        ("Czech Republic", "CZE"),
        ("Czechia", "CZE"),
        ("Republic of Korea", "KOR"),
        ("South Korea", "KOR"),
        ("Türkiye", "TUR"),
        ("Turkey", "TUR"),
        ("Democratic People\u2019s Republic of Korea", "PRK"),
        ("Holy See", "VAT"),
        ("CHN", "CHN"),
    ],
)
def test_aliases_match_other_spellings(spelling: str, iso3: str) -> None:
    state = state_by_name(name=spelling)
    assert state is not None and state.iso3 == iso3


def test_it_loads_five_cycles_the_fifth_provisional() -> None:
    assert list(Cycle.objects.values_list("number", "is_provisional")) == [
        (1, False),
        (2, False),
        (3, False),
        (4, False),
        (5, True),
    ]


def test_chinas_reviews_carry_the_facts_of_the_record() -> None:
    reviews = {
        r.session.number: r for r in Review.objects.filter(state_under_review__iso3="CHN").select_related("session")
    }
    assert sorted(reviews) == [4, 17, 31, 45, 59]
    assert reviews[4].dialogue_date == dt.date(2009, 2, 9)
    assert reviews[4].speakers_count == 60 and reviews[4].speakers_unable_count == 55
    assert sorted(reviews[4].troika.values_list("iso3", flat=True)) == ["CAN", "IND", "NGA"]
    assert reviews[17].report_symbol == "A/HRC/25/5" and reviews[17].addendum_symbol == "A/HRC/25/5/Add.1"
    assert sorted(reviews[17].troika.values_list("iso3", flat=True)) == ["ARE", "POL", "SLE"]
    assert reviews[17].seconds_per_speaker == 50 and reviews[17].council_adopted_on == dt.date(2014, 3, 20)
    assert sorted(reviews[31].troika.values_list("iso3", flat=True)) == ["HUN", "KEN", "SAU"]
    assert reviews[45].dialogue_starts_at == dt.datetime(2024, 1, 23, 8, 0, tzinfo=dt.UTC)  # 09:00 Geneva
    assert reviews[45].report_symbol_verified is False and reviews[45].troika.count() == 0
    assert reviews[59].status == Review.Status.PROVISIONAL


def test_the_2024_stakeholder_deadline_is_a_reported_date_without_an_hour() -> None:
    deadline = Deadline.objects.get(review__session__number=45, kind=Deadline.Kind.STAKEHOLDER_SUBMISSION)
    assert deadline.due_at.astimezone(GENEVA).date() == dt.date(2023, 7, 18)
    assert deadline.time_is_known is False  # a press source gave the date, no hour: not 12:00
    assert deadline.verification == Verification.REPORTED and deadline.source
    assert deadline.is_provisional is False


def test_every_deadline_of_the_fifth_review_is_provisional() -> None:
    deadlines = Deadline.objects.filter(review__session__number=59)
    assert deadlines.count() >= 5
    assert all(d.is_provisional for d in deadlines)
    assert set(deadlines.values_list("kind", flat=True)) >= {
        "stakeholder_submission",
        "national_report",
        "advance_questions",
        "interactive_dialogue",
    }


@pytest.mark.parametrize(("session", "total", "supported", "noted"), [(17, 252, 204, 48), (31, 346, 284, 62)])
def test_the_ohchr_matrix_recommendations_are_all_there(session: int, total: int, supported: int, noted: int) -> None:
    recommendations = Recommendation.objects.filter(review__session__number=session, text_status="verbatim")
    assert recommendations.count() == total
    assert recommendations.filter(response="supported").count() == supported
    assert recommendations.filter(response="noted").count() == noted


def test_the_text_keeps_the_attribution_as_ohchr_printed_it() -> None:
    recommendation = Recommendation.objects.get(review__session__number=17, paragraph="186.241")
    assert recommendation.text == (
        "Protect North Korean refugees in accordance with international law, honouring the principle of "
        "non-refoulement (Czech Republic);"
    )
    assert list(recommendation.recommending_states.values_list("iso3", flat=True)) == ["CZE"]


def test_a_shared_recommendation_links_every_recommending_state() -> None:
    shared = Recommendation.objects.filter(review__session__number=17).order_by("id")
    counts = [r.recommending_states.count() for r in shared]
    assert max(counts) >= 9  # the ICCPR ratification recommendation is shared by nine states


def test_the_dprk_refugee_recommendations_are_tagged() -> None:
    theme = Theme.objects.get(scheme="project", code=DPRK_REFUGEES_THEME_CODE)
    tagged = Recommendation.objects.filter(themes=theme)
    assert tagged.count() == 9
    by_session = Counter(tagged.values_list("review__session__number", flat=True))
    assert by_session == {4: 2, 17: 4, 31: 1, 45: 2}


def test_the_2024_refugee_recommendations_are_marked_as_paraphrases() -> None:
    paraphrases = Recommendation.objects.filter(review__session__number=45)
    assert paraphrases.count() == 2
    for recommendation in paraphrases:
        assert recommendation.text_status == Recommendation.TextStatus.PARAPHRASE
        assert recommendation.text_source
        assert recommendation.response_label == "rejected"
        assert "NOT VERBATIM" not in recommendation.text


def test_ohchr_themes_come_from_the_matrix() -> None:
    refugees = Theme.objects.get(scheme="ohchr", code="G5")
    assert refugees.name == "Refugees & asylum seekers"
    assert Recommendation.objects.filter(themes=refugees, review__session__number=17, paragraph="186.241").exists()


def test_loading_twice_changes_nothing() -> None:
    before = (MemberState.objects.count(), Recommendation.objects.count(), Deadline.objects.count())
    call_command("load_reference_data", verbosity=0)
    assert (MemberState.objects.count(), Recommendation.objects.count(), Deadline.objects.count()) == before


def test_loading_updates_aliases_stored_under_other_ids() -> None:
    # A database loaded from an older fixture numbered its aliases differently: they match by spelling.
    from django.db.models import F

    from apps.states.models import StateAlias

    count = StateAlias.objects.count()
    StateAlias.objects.update(id=F("id") + 5000)
    call_command("load_reference_data", verbosity=0)
    assert StateAlias.objects.count() == count
    assert state_by_name(name="Czech Republic").iso3 == "CZE"
