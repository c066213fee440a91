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


def weekday_or_friday_before(day: dt.date) -> tuple[dt.date, str]:
    """`day`, or the Friday before it when it falls on a weekend, with a note saying so ("" if not moved).

    OHCHR does not set deadlines on a Saturday or Sunday; an estimate that lands there moves earlier, never
    later, so an advocate following it is never late.
    """
    if day.weekday() < 5:
        return day, ""
    friday = day - dt.timedelta(days=day.weekday() - 4)
    return friday, f"{day:%A} {day.isoformat()} is a weekend day: moved to the Friday before, {friday.isoformat()}"


def estimate_deadlines(*, earliest: dt.date) -> list[EstimatedDeadline]:
    """Deadlines of a review estimated from the earliest date its session (and dialogue) may start.

    Counting from the earliest likely date keeps every estimate at or before the real deadline: a review
    held later than its earliest date only gives the advocate more time.

    1. Stakeholder submissions: about 6–7 months before the session, 12:00 Geneva; we take
       the gap of China's 4th review (18 July 2023 for a dialogue on 23 January 2024: 189 days).
    2. National report: about 12 weeks before the review.
    3. Advance written questions: about 10 days before the review.
    4. The interactive dialogue itself, on the earliest date (hour not known).
    5. Working Group report adoption: 3 days after the dialogue, as in 2013, 2018 and 2024.
    6. Council speakers' list: opens 10:00 on the Monday of the week before the Council's adoption.
    7. Council adoption: in the Council session about 5 months later (2024: 163 days).
    A date on a weekend moves to the Friday before, and its rule says so.
    """
    council_day = earliest + dt.timedelta(days=163)
    council_monday = council_day - dt.timedelta(days=council_day.weekday())
    plan = [
        (
            "stakeholder_submission",
            earliest - dt.timedelta(days=189),
            12,
            "about 6–7 months before the session, 12:00 Geneva (gap of the 2024 review: 189 days)",
        ),
        ("national_report", earliest - dt.timedelta(weeks=12), None, "about 12 weeks before the review"),
        (
            "advance_questions",
            earliest - dt.timedelta(days=10),
            None,
            "advance questions through the troika about 10 days before the review",
        ),
        (
            "interactive_dialogue",
            earliest,
            None,
            "the interactive dialogue (3.5 hours), on the earliest likely date of the session",
        ),
        (
            "report_adoption",
            earliest + dt.timedelta(days=3),
            None,
            "Working Group adopts the report 3 days after the dialogue",
        ),
        (
            "speakers_list",
            council_monday - dt.timedelta(days=7),
            10,
            "Council states' list opens 10:00 on the Monday of the week before the UPR segment",
        ),
        (
            "council_adoption",
            council_day,
            None,
            "Council adopts the outcome about 5 months after the Working Group (2024: 163 days)",
        ),
    ]
    deadlines = []
    for kind, day, hour, rule in plan:
        moved_day, moved = weekday_or_friday_before(day)
        deadlines.append(
            EstimatedDeadline(
                kind,
                _geneva(moved_day, hour or 0),
                hour is not None,
                f"{rule}; {moved}" if moved else rule,
            )
        )
    return deadlines
