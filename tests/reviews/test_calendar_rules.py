import datetime as dt

import pytest

from apps.reviews.calendar_rules import GENEVA, cycle_number_for_session, estimate_deadlines


@pytest.mark.parametrize(
    ("session", "cycle"), [(1, 1), (4, 1), (12, 1), (13, 2), (17, 2), (31, 3), (45, 4), (54, 4), (59, 5)]
)
def test_sessions_belong_to_their_cycle(session: int, cycle: int) -> None:
    assert cycle_number_for_session(session) == cycle


def test_session_zero_is_refused() -> None:
    with pytest.raises(ValueError, match="start at 1"):
        cycle_number_for_session(0)


def test_the_estimate_reproduces_the_2024_stakeholder_deadline() -> None:
    dialogue = dt.datetime(2024, 1, 23, 9, 0, tzinfo=GENEVA)
    deadlines = {d.kind: d for d in estimate_deadlines(dialogue_start=dialogue)}
    assert deadlines["stakeholder_submission"].due_at.astimezone(GENEVA) == dt.datetime(
        2023, 7, 18, 12, 0, tzinfo=GENEVA
    )
    assert deadlines["council_adoption"].due_at.astimezone(GENEVA).date() == dt.date(2024, 7, 4)
    assert deadlines["report_adoption"].due_at.astimezone(GENEVA).date() == dt.date(2024, 1, 26)


def test_estimated_deadlines_come_in_calendar_order_around_the_dialogue() -> None:
    dialogue = dt.datetime(2029, 1, 23, 9, 0, tzinfo=GENEVA)
    deadlines = estimate_deadlines(dialogue_start=dialogue)
    before = [d for d in deadlines if d.kind in {"stakeholder_submission", "national_report", "advance_questions"}]
    assert all(d.due_at < dialogue for d in before)
    assert [d.kind for d in sorted(before, key=lambda d: d.due_at)] == [
        "stakeholder_submission",
        "national_report",
        "advance_questions",
    ]
    speakers = next(d for d in deadlines if d.kind == "speakers_list").due_at.astimezone(GENEVA)
    assert speakers.weekday() == 0 and speakers.hour == 10
