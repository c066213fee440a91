"""The UPR calendar rules (shared/data/README.md, "Calendar rules"), as code.

Used to estimate provisional deadlines for a review whose calendar OHCHR has not published.
Every date computed here is provisional and must be shown as such.
"""

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

GENEVA = ZoneInfo("Europe/Zurich")

# Working Group sessions of each cycle: 1st 1–12, 2nd 13–26, 3rd 27–40, 4th 41–54, 5th from 55.
CYCLE_FIRST_SESSIONS = {1: 1, 2: 13, 3: 27, 4: 41, 5: 55}


def cycle_number_for_session(session_number: int) -> int:
    """The UPR cycle a Working Group session belongs to."""
    if session_number < 1:
        raise ValueError(f"Session numbers start at 1, not {session_number}.")
    return max(cycle for cycle, first in CYCLE_FIRST_SESSIONS.items() if session_number >= first)


@dataclass(frozen=True)
class EstimatedDeadline:
    kind: str
    due_at: dt.datetime
    time_is_known: bool
    rule: str


def _geneva(day: dt.date, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=GENEVA).astimezone(dt.UTC)


def estimate_deadlines(*, dialogue_start: dt.datetime) -> list[EstimatedDeadline]:
    """Deadlines of a review estimated from its (aware) interactive-dialogue start.

    1. Stakeholder submissions: about 6–7 months before the session, 12:00 Geneva; we take
       the gap of China's 4th review (18 July 2023 for a dialogue on 23 January 2024: 189 days).
    2. National report: about 12 weeks before the review.
    3. Advance written questions: about 10 days before the review.
    4. The interactive dialogue itself.
    5. Working Group report adoption: 3 days after the dialogue, as in 2013, 2018 and 2024.
    6. Council adoption: in the Council session about 5 months later (2024: 163 days).
    7. Council speakers' list: opens 10:00 on the Monday of the week before that Council week.
    """
    local = dialogue_start.astimezone(GENEVA)
    day = local.date()
    council_day = day + dt.timedelta(days=163)
    council_monday = council_day - dt.timedelta(days=council_day.weekday())
    return [
        EstimatedDeadline(
            "stakeholder_submission",
            _geneva(day - dt.timedelta(days=189), 12),
            True,
            "about 6–7 months before the session, 12:00 Geneva (gap of the 2024 review: 189 days)",
        ),
        EstimatedDeadline(
            "national_report",
            _geneva(day - dt.timedelta(weeks=12)),
            False,
            "about 12 weeks before the review",
        ),
        EstimatedDeadline(
            "advance_questions",
            _geneva(day - dt.timedelta(days=10)),
            False,
            "advance questions through the troika about 10 days before the review",
        ),
        EstimatedDeadline(
            "interactive_dialogue",
            dialogue_start.astimezone(dt.UTC),
            True,
            "the interactive dialogue (3.5 hours)",
        ),
        EstimatedDeadline(
            "report_adoption",
            _geneva(day + dt.timedelta(days=3)),
            False,
            "Working Group adopts the report 3 days after the dialogue",
        ),
        EstimatedDeadline(
            "speakers_list",
            _geneva(council_monday - dt.timedelta(days=7), 10),
            True,
            "Council states' list opens 10:00 on the Monday of the week before the UPR segment",
        ),
        EstimatedDeadline(
            "council_adoption",
            _geneva(council_day),
            False,
            "Council adopts the outcome about 5 months after the Working Group (2024: 163 days)",
        ),
    ]
