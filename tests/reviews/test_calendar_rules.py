import datetime as dt

import pytest

from apps.common.models import Verification
from apps.reviews.calendar_rules import GENEVA, cycle_number_for_session, estimate_deadlines, weekday_or_friday_before
from apps.reviews.models import Deadline, Review


@pytest.mark.parametrize(
    ("session", "cycle"), [(1, 1), (4, 1), (12, 1), (13, 2), (17, 2), (31, 3), (45, 4), (54, 4), (59, 5)]
)
def test_sessions_belong_to_their_cycle(session: int, cycle: int) -> None:
    assert cycle_number_for_session(session) == cycle


def test_session_zero_is_refused() -> None:
    with pytest.raises(ValueError, match="start at 1"):
        cycle_number_for_session(0)


def test_the_estimate_reproduces_the_2024_stakeholder_deadline() -> None:
    deadlines = {d.kind: d for d in estimate_deadlines(earliest=dt.date(2024, 1, 23))}
    assert deadlines["stakeholder_submission"].due_at.astimezone(GENEVA) == dt.datetime(
        2023, 7, 18, 12, 0, tzinfo=GENEVA
    )
    assert deadlines["council_adoption"].due_at.astimezone(GENEVA).date() == dt.date(2024, 7, 4)
    assert deadlines["report_adoption"].due_at.astimezone(GENEVA).date() == dt.date(2024, 1, 26)


def test_estimated_deadlines_come_in_calendar_order_before_the_earliest_date() -> None:
    earliest = dt.date(2028, 11, 1)
    deadlines = estimate_deadlines(earliest=earliest)
    before = [d for d in deadlines if d.kind in {"stakeholder_submission", "national_report", "advance_questions"}]
    assert all(d.due_at.astimezone(GENEVA).date() < earliest for d in before)
    assert [d.kind for d in sorted(before, key=lambda d: d.due_at)] == [
        "stakeholder_submission",
        "national_report",
        "advance_questions",
    ]
    speakers = next(d for d in deadlines if d.kind == "speakers_list").due_at.astimezone(GENEVA)
    assert speakers.weekday() == 0 and speakers.hour == 10


@pytest.mark.parametrize("earliest", [dt.date(2028, 11, 1) + dt.timedelta(days=n) for n in range(7)])
def test_no_estimated_deadline_falls_on_a_weekend(earliest: dt.date) -> None:
    for deadline in estimate_deadlines(earliest=earliest):
        assert deadline.due_at.astimezone(GENEVA).weekday() < 5, deadline


def test_a_weekend_date_moves_to_the_friday_before_and_says_so() -> None:
    # From Thursday 2 Nov 2028 the Council's adoption (163 days on) would be Saturday 14 April 2029.
    deadlines = {d.kind: d for d in estimate_deadlines(earliest=dt.date(2028, 11, 2))}
    council = deadlines["council_adoption"]
    assert council.due_at.astimezone(GENEVA).date() == dt.date(2029, 4, 13)
    assert "moved to the Friday before" in council.rule


def test_weekday_or_friday_before_keeps_weekdays() -> None:
    assert weekday_or_friday_before(dt.date(2028, 11, 1)) == (dt.date(2028, 11, 1), "")
    assert weekday_or_friday_before(dt.date(2028, 11, 5))[0] == dt.date(2028, 11, 3)  # Sunday → Friday


def test_dates_with_no_known_hour_are_stored_as_such() -> None:
    deadlines = {d.kind: d for d in estimate_deadlines(earliest=dt.date(2028, 11, 1))}
    assert deadlines["interactive_dialogue"].time_is_known is False
    assert deadlines["national_report"].time_is_known is False
    assert deadlines["stakeholder_submission"].time_is_known is True  # the rule's 12:00 Geneva


@pytest.mark.usefixtures("reference_data")
def test_the_fifth_reviews_deadlines_count_from_the_earliest_likely_date() -> None:
    review = Review.objects.select_related("session").get(state_under_review__iso3="CHN", session__number=59)
    assert review.session.estimated_earliest == dt.date(2028, 11, 1)
    assert review.session.estimated_latest == dt.date(2029, 2, 28)
    deadlines = {d.kind: d for d in Deadline.objects.filter(review=review)}
    expected = {d.kind: d.due_at for d in estimate_deadlines(earliest=review.session.estimated_earliest)}
    assert {kind: d.due_at for kind, d in deadlines.items()} == expected
    # Inside the project's own window, never after November 2028 for the dialogue.
    assert deadlines["interactive_dialogue"].due_at.astimezone(GENEVA).date() == dt.date(2028, 11, 1)
    for deadline in deadlines.values():
        assert deadline.is_provisional and deadline.verification == Verification.ESTIMATED
        assert deadline.due_at.astimezone(GENEVA).weekday() < 5
