"""The due-window rules, as pure functions of time."""

import datetime as dt
import random

from apps.reminders.timing import current_lead, reminder_moment, retry_delay, time_left

UTC = dt.UTC
GENEVA = "Europe/Zurich"


def test_a_reminder_is_due_from_its_lead_time_until_the_deadline():
    due = dt.datetime(2026, 6, 15, 10, 0, tzinfo=UTC)  # 12:00 in Geneva (CEST)
    assert (
        current_lead(due_at=due, deadline_tz=GENEVA, lead_days=[7], now=due - dt.timedelta(days=7, seconds=1)) is None
    )
    assert current_lead(due_at=due, deadline_tz=GENEVA, lead_days=[7], now=due - dt.timedelta(days=7)) == 7
    assert current_lead(due_at=due, deadline_tz=GENEVA, lead_days=[7], now=due - dt.timedelta(seconds=1)) == 7
    assert current_lead(due_at=due, deadline_tz=GENEVA, lead_days=[7], now=due) is None


def test_catching_up_sends_only_the_nearest_lead_still_ahead():
    due = dt.datetime(2026, 6, 15, 10, 0, tzinfo=UTC)
    three_days_before = due - dt.timedelta(days=3)
    assert current_lead(due_at=due, deadline_tz=GENEVA, lead_days=[30, 7, 1], now=three_days_before) == 7
    assert current_lead(due_at=due, deadline_tz=GENEVA, lead_days=[30, 7, 1], now=due - dt.timedelta(hours=2)) == 1
    assert current_lead(due_at=due, deadline_tz=GENEVA, lead_days=[30, 7, 1], now=due - dt.timedelta(days=40)) is None


def test_the_one_day_reminder_keeps_the_wall_clock_time_across_the_spring_dst_change():
    # Europe/Zurich springs forward on 2026-03-29 at 02:00: that day has 23 hours.
    due = dt.datetime(2026, 3, 30, 10, 0, tzinfo=UTC)  # Monday 12:00 CEST
    moment = reminder_moment(due_at=due, deadline_tz=GENEVA, lead_days=1)
    assert moment == dt.datetime(2026, 3, 29, 10, 0, tzinfo=UTC)  # Sunday 12:00 CEST
    two_days = reminder_moment(due_at=due, deadline_tz=GENEVA, lead_days=2)
    assert two_days == dt.datetime(2026, 3, 28, 11, 0, tzinfo=UTC)  # Saturday 12:00 CET, 47 hours before


def test_the_one_day_reminder_keeps_the_wall_clock_time_across_the_autumn_dst_change():
    # Europe/Zurich falls back on 2026-10-25 at 03:00: that day has 25 hours.
    due = dt.datetime(2026, 10, 26, 11, 0, tzinfo=UTC)  # Monday 12:00 CET
    moment = reminder_moment(due_at=due, deadline_tz=GENEVA, lead_days=1)
    assert moment == dt.datetime(2026, 10, 25, 11, 0, tzinfo=UTC)  # Sunday 12:00 CET
    assert reminder_moment(due_at=due, deadline_tz=GENEVA, lead_days=2) == dt.datetime(2026, 10, 24, 10, 0, tzinfo=UTC)


def test_backoff_grows_exponentially_with_jitter_and_a_cap():
    rng = random.Random(4)
    delays = [retry_delay(attempt=n, base=60, cap=3600, rng=rng) for n in range(1, 10)]
    for attempt, delay in enumerate(delays, start=1):
        step = min(3600, 60 * 2 ** (attempt - 1))
        assert step / 2 <= delay <= step
    assert len({round(d, 3) for d in delays}) == len(delays)  # jittered, not identical


def test_time_left_reads_naturally():
    assert time_left(delta=dt.timedelta(days=6, hours=23, minutes=59)) == "6 days 23 hours"
    assert time_left(delta=dt.timedelta(days=1)) == "1 day"
    assert time_left(delta=dt.timedelta(hours=5, minutes=10)) == "5 hours 10 minutes"
    assert time_left(delta=dt.timedelta(minutes=1)) == "1 minute"
    assert time_left(delta=dt.timedelta(seconds=30)) == "less than a minute"
