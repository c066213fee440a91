"""The reminder e-mail: what it says, in which times, and its one-click unsubscribe."""

import datetime as dt
import email

import pytest
import time_machine
from django.core import mail
from icalendar import Calendar

from apps.reminders.models import ReminderDelivery
from apps.reminders.services import reminder_sweep
from apps.reminders.tasks import send_reminder_batch
from apps.reminders.tokens import unsubscribe_token_read
from tests.factories import DeadlineFactory

from .conftest import NOW
from .test_sweep import sweep_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(subscription, deadline, django_capture_on_commit_callbacks):
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        reminder_sweep(dispatch=send_reminder_batch.delay)
    assert len(mail.outbox) == 1
    return mail.outbox[0]


def test_the_subject_names_the_review_the_deadline_and_the_time_left(sent, review):
    # The factory's review has no date yet: the year is said to be unknown, not guessed.
    assert sent.subject == (
        f"Stakeholder submissions for {review.state_under_review.name}'s UPR review "
        f"(year not set · session {review.session.number}): "
        "Wednesday 2 December 2026, 12:00 (CET), in 5 days 2 hours"
    )
    assert sent.to == ["advocate@example.org"]


def test_the_body_shows_geneva_time_the_readers_time_and_a_link_to_the_review(sent, review):
    html = sent.alternatives[0].content
    for part in (sent.body, html):
        assert "Wednesday 2 December 2026, 12:00 (CET)" in part  # Geneva
        assert "Wednesday 2 December 2026, 20:00 (KST)" in part  # the reader's Asia/Seoul
        assert f"http://127.0.0.1:8000/reviews/{review.pk}/" in part
        assert "5 days 2 hours" in part
    assert sent.alternatives[0].mimetype == "text/html"
    assert "PROVISIONAL" not in sent.body


def test_the_subject_and_both_bodies_name_the_review_by_year_and_session(
    subscription, review, deadline, django_capture_on_commit_callbacks
):
    review.dialogue_date = dt.date(2027, 1, 23)
    review.save(update_fields=["dialogue_date"])
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        reminder_sweep(dispatch=send_reminder_batch.delay)
    sent = mail.outbox[0]
    label = f"2027 · session {review.session.number}"
    assert f"UPR review ({label}):" in sent.subject
    assert f"{review.state_under_review.name}'s UPR review, {label}" in sent.body
    assert f"{review.state_under_review.name}'s UPR review, {label}" in sent.alternatives[0].content


def test_a_provisional_review_says_so_in_its_year(subscription, review, deadline, django_capture_on_commit_callbacks):
    review.dialogue_date = dt.date(2029, 1, 23)
    review.status = review.Status.PROVISIONAL
    review.save(update_fields=["dialogue_date", "status"])
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        reminder_sweep(dispatch=send_reminder_batch.delay)
    assert f"(2029 (provisional) · session {review.session.number})" in mail.outbox[0].subject


def test_an_all_day_deadline_shows_its_date_only(subscription, review, django_capture_on_commit_callbacks):
    DeadlineFactory(review=review, due_at=dt.datetime(2026, 11, 29, 23, 0, tzinfo=dt.UTC), time_is_known=False)
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        reminder_sweep(dispatch=send_reminder_batch.delay)
    body = mail.outbox[0].body
    assert "Monday 30 November 2026 (only the date is known)" in body
    assert "Your time" not in body


def test_the_message_id_is_deterministic_and_recorded(sent, subscription, deadline):
    delivery = ReminderDelivery.objects.get()
    stamp = int(deadline.due_at.timestamp())
    assert delivery.message_id == f"<reminder.{subscription.pk}.{deadline.pk}.7.{stamp}@upr-tracker.local>"
    assert email.message_from_bytes(sent.message().as_bytes())["Message-ID"] == delivery.message_id


def test_the_unsubscribe_headers_carry_a_signed_one_click_link(sent, subscription):
    parsed = email.message_from_bytes(sent.message().as_bytes())
    url = "".join(parsed["List-Unsubscribe"].split()).strip("<>")  # unfold the long header
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    token = url.rstrip("/").rsplit("/", 1)[1]
    assert unsubscribe_token_read(token=token) == subscription.pk
    assert url in sent.body


def test_an_ics_attachment_holds_the_deadline_with_its_stable_uid(sent, deadline):
    (name, content, mimetype) = sent.attachments[0]
    assert name == f"deadline-{deadline.pk}.ics"
    assert mimetype.startswith("text/calendar")
    event = Calendar.from_ical(content).events[0]
    assert str(event["uid"]) == f"deadline-{deadline.pk}@127.0.0.1"
    assert event.decoded("dtstart") == deadline.due_at


def test_a_reminder_sent_on_the_spring_dst_day_shows_summer_time(
    subscription, review, django_capture_on_commit_callbacks
):
    # The 1-day reminder of a Monday-noon deadline goes out on Sunday 2026-03-29 at noon, hours after
    # Geneva moved to CEST: both the send moment and the displayed time follow the change.
    due = dt.datetime(2026, 3, 30, 10, 0, tzinfo=dt.UTC)
    DeadlineFactory(review=review, due_at=due)
    subscription.lead_days = [1]
    subscription.save()
    sweep_at(dt.datetime(2026, 3, 29, 9, 59, tzinfo=dt.UTC), django_capture_on_commit_callbacks)
    assert mail.outbox == []
    sweep_at(dt.datetime(2026, 3, 29, 10, 0, tzinfo=dt.UTC), django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    assert "Monday 30 March 2026, 12:00 (CEST), in 1 day" in mail.outbox[0].subject
    assert "Monday 30 March 2026, 19:00 (KST)" in mail.outbox[0].body


def test_a_reminder_across_the_autumn_dst_change_comes_at_the_same_wall_clock_time(
    subscription, review, django_capture_on_commit_callbacks
):
    due = dt.datetime(2026, 10, 26, 11, 0, tzinfo=dt.UTC)  # Monday 12:00 CET, the day after the change
    DeadlineFactory(review=review, due_at=due)
    subscription.lead_days = [1]
    subscription.save()
    sweep_at(dt.datetime(2026, 10, 25, 10, 59, tzinfo=dt.UTC), django_capture_on_commit_callbacks)
    assert mail.outbox == [], "24 hours before is still 11:59 on Sunday in Geneva"
    sweep_at(dt.datetime(2026, 10, 25, 11, 0, tzinfo=dt.UTC), django_capture_on_commit_callbacks)  # 25 h before
    assert len(mail.outbox) == 1
    assert "Monday 26 October 2026, 12:00 (CET), in 1 day" in mail.outbox[0].subject
