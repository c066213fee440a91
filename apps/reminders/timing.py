"""When a reminder is due, and how long to wait before retrying one. Pure functions of time.

A lead time of L days means "the same wall-clock time, L calendar days earlier, where the deadline is
set" (Geneva for the UPR): a noon deadline gets its 1-day reminder at noon the day before, across a
daylight-saving change too, when that day is 23 or 25 hours long.
"""

import datetime as dt
import random
from collections.abc import Iterable

from apps.common.timezones import zone_or_geneva


def reminder_moment(*, due_at: dt.datetime, deadline_tz: str, lead_days: int) -> dt.datetime:
    """The moment (UTC) the `lead_days` reminder of a deadline becomes due."""
    local = due_at.astimezone(zone_or_geneva(deadline_tz))
    # Arithmetic on an aware datetime keeps its wall-clock time; the UTC offset is recomputed after.
    return (local - dt.timedelta(days=lead_days)).astimezone(dt.UTC)


def current_lead(*, due_at: dt.datetime, deadline_tz: str, lead_days: Iterable[int], now: dt.datetime) -> int | None:
    """The one lead time to send now, or None.

    A reminder at lead L is due when `due_at - L <= now < due_at`. Where several are due (a worker
    was down, or the subscription is new) only the nearest to the deadline counts: catching up sends
    one reminder, never a burst of stale ones.
    """
    if now >= due_at:
        return None
    due = [lead for lead in lead_days if reminder_moment(due_at=due_at, deadline_tz=deadline_tz, lead_days=lead) <= now]
    return min(due) if due else None


def retry_delay(*, attempt: int, base: float, cap: float, rng: random.Random | None = None) -> float:
    """Exponential backoff with jitter: half the step fixed, half random, so retries spread out."""
    step = min(cap, base * 2 ** max(attempt - 1, 0))
    return step / 2 + (rng or random).uniform(0, step / 2)


def time_left(*, delta: dt.timedelta) -> str:
    """'6 days 23 hours', '5 hours 10 minutes', 'less than a minute'."""
    minutes = int(delta.total_seconds() // 60)
    if minutes < 1:
        return "less than a minute"
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)

    def unit(n: int, name: str) -> str:
        return f"{n} {name}{'' if n == 1 else 's'}"

    if days:
        return unit(days, "day") + (f" {unit(hours, 'hour')}" if hours else "")
    if hours:
        return unit(hours, "hour") + (f" {unit(mins, 'minute')}" if mins else "")
    return unit(mins, "minute")
