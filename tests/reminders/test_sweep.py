"""The sweep: which reminders go out, once, and how sending copes with SMTP errors."""

import datetime as dt
import smtplib

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from apps.reminders.models import ReminderDelivery
from apps.reminders.services import reminder_batch_send, reminder_sweep
from apps.reminders.tasks import send_reminder_batch
from tests.factories import DeadlineFactory, ReviewFactory, SubscriptionFactory, UserFactory

from .conftest import NOW

pytestmark = pytest.mark.django_db


def sweep_at(moment: dt.datetime, django_capture_on_commit_callbacks):
    """One periodic sweep at `moment`: its batch tasks run (eagerly) once the transaction commits."""
    with time_machine.travel(moment, tick=False), django_capture_on_commit_callbacks(execute=True):
        return reminder_sweep(dispatch=send_reminder_batch.delay)


def test_a_due_reminder_is_sent_once_by_the_periodic_sweep(subscription, deadline, django_capture_on_commit_callbacks):
    report = sweep_at(NOW, django_capture_on_commit_callbacks)
    assert (report.created, report.enqueued, report.batches) == (1, 1, 1)
    assert len(mail.outbox) == 1
    delivery = ReminderDelivery.objects.get()
    assert (delivery.status, delivery.lead_days, delivery.attempts) == ("sent", 7, 1)
    assert delivery.sent_at == NOW
    assert mail.outbox[0].extra_headers["Message-ID"] == delivery.message_id

    sweep_at(NOW + dt.timedelta(minutes=2), django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1, "a second sweep must not send the same reminder again"
    assert ReminderDelivery.objects.count() == 1


def test_each_lead_time_is_sent_when_its_moment_comes(subscription, review, django_capture_on_commit_callbacks):
    due = NOW + dt.timedelta(days=40)
    DeadlineFactory(review=review, due_at=due)
    moments = [due - dt.timedelta(days=d) for d in (35, 30, 29, 7, 6, 1)] + [due - dt.timedelta(minutes=5), due]
    for moment in moments:
        sweep_at(moment, django_capture_on_commit_callbacks)
    assert sorted(ReminderDelivery.objects.values_list("lead_days", "status")) == [
        (1, "sent"),
        (7, "sent"),
        (30, "sent"),
    ]
    assert len(mail.outbox) == 3


def test_a_worker_that_was_down_catches_up_with_one_reminder_not_a_burst(
    subscription, review, django_capture_on_commit_callbacks
):
    due = NOW + dt.timedelta(days=40)
    DeadlineFactory(review=review, due_at=due)
    sweep_at(due - dt.timedelta(days=3), django_capture_on_commit_callbacks)  # down since day 40
    assert list(ReminderDelivery.objects.values_list("lead_days", flat=True)) == [7]
    assert len(mail.outbox) == 1
    assert "in 3 days" in mail.outbox[0].subject


def test_a_moved_deadline_gets_reminders_for_its_new_date(subscription, deadline, django_capture_on_commit_callbacks):
    sweep_at(NOW, django_capture_on_commit_callbacks)  # the 7-day reminder of the first date
    deadline.due_at = NOW + dt.timedelta(days=20)  # postponed by about two weeks
    deadline.save()
    sweep_at(NOW + dt.timedelta(hours=1), django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 2, "the new date's nearest lead (30 days: 20 days left) goes out at once"
    assert "in 19 days 23 hours" in mail.outbox[1].subject
    assert mail.outbox[1].subject.startswith("[moved]")
    assert "an earlier reminder gave Wednesday 2 December 2026, 12:00 (CET)" in mail.outbox[1].body
    sweep_at(NOW + dt.timedelta(days=10), django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 2
    sweep_at(NOW + dt.timedelta(days=13), django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 3
    assert sorted(
        ReminderDelivery.objects.filter(deadline_due_at=deadline.due_at).values_list("lead_days", "status")
    ) == [
        (7, "sent"),
        (30, "sent"),
    ]


def test_a_pending_reminder_of_a_moved_deadline_is_skipped_not_sent(subscription, deadline):
    with time_machine.travel(NOW, tick=False):
        reminder_sweep(
            dispatch=send_reminder_batch.delay
        )  # created and enqueued, not yet sent (the on-commit never ran)
        old = ReminderDelivery.objects.get()
        deadline.due_at += dt.timedelta(days=1)
        deadline.save()
        report = reminder_batch_send(delivery_ids=[old.pk])
    old.refresh_from_db()
    assert (report.sent, report.skipped, old.status) == (0, 1, "skipped")
    assert "moved" in old.last_error
    assert mail.outbox == []


def test_a_cancelled_deadline_gets_no_reminder(subscription, deadline, django_capture_on_commit_callbacks):
    with time_machine.travel(NOW, tick=False):
        reminder_sweep(dispatch=send_reminder_batch.delay)
        pending = ReminderDelivery.objects.get()
    deadline.is_cancelled = True
    deadline.save()
    with time_machine.travel(NOW, tick=False):
        reminder_batch_send(delivery_ids=[pending.pk])
    sweep_at(NOW + dt.timedelta(days=4, hours=12), django_capture_on_commit_callbacks)
    assert mail.outbox == []
    pending.refresh_from_db()
    assert (pending.status, pending.last_error) == ("skipped", "The deadline was cancelled.")
    assert ReminderDelivery.objects.count() == 1


def test_a_provisional_deadline_is_sent_and_says_so(subscription, review, django_capture_on_commit_callbacks):
    DeadlineFactory(review=review, due_at=NOW + dt.timedelta(hours=5), is_provisional=True)
    sweep_at(NOW, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject.startswith("[provisional]")
    assert "PROVISIONAL" in mail.outbox[0].body


def test_a_state_subscription_covers_every_review_of_that_state_and_only_the_chosen_kinds(
    advocate, django_capture_on_commit_callbacks
):
    first, second, other = ReviewFactory(), ReviewFactory(), ReviewFactory()
    second.state_under_review = first.state_under_review
    second.save()
    SubscriptionFactory(
        user=advocate, review=None, state_under_review=first.state_under_review, kinds=["stakeholder_submission"]
    )
    soon = NOW + dt.timedelta(hours=6)
    wanted = [DeadlineFactory(review=first, due_at=soon), DeadlineFactory(review=second, due_at=soon)]
    DeadlineFactory(review=first, due_at=soon, kind="interactive_dialogue")  # not a chosen kind
    DeadlineFactory(review=other, due_at=soon)  # another state
    sweep_at(NOW, django_capture_on_commit_callbacks)
    assert sorted(ReminderDelivery.objects.values_list("deadline_id", flat=True)) == sorted(d.pk for d in wanted)
    assert len(mail.outbox) == 2


def test_a_switched_off_subscription_gets_nothing(subscription, deadline, django_capture_on_commit_callbacks):
    subscription.is_active = False
    subscription.save()
    sweep_at(NOW, django_capture_on_commit_callbacks)
    assert ReminderDelivery.objects.count() == 0
    assert mail.outbox == []


def test_two_sweeps_create_one_delivery_per_subscription_deadline_and_lead(subscription, deadline):
    with time_machine.travel(NOW, tick=False):
        first, second = (
            reminder_sweep(dispatch=send_reminder_batch.delay),
            reminder_sweep(dispatch=send_reminder_batch.delay),
        )
    assert (first.created, second.created) == (1, 0)
    assert second.enqueued == 0, "a batch already in the queue is not enqueued again before the requeue delay"


def test_the_command_runs_the_sweep_and_sends_in_process(subscription, deadline):
    with time_machine.travel(NOW, tick=False):
        call_command("send_due_reminders", stdout=(out := __import__("io").StringIO()))
    assert len(mail.outbox) == 1
    assert "sent 1" in out.getvalue()
    assert ReminderDelivery.objects.get().status == "sent"


# -- SMTP errors ----------------------------------------------------------------------------------
class FakeSMTP:
    """Stands in for Django's SMTP backend: `errors` is what each successive send raises (None: accepted)."""

    def __init__(self, errors=(), open_error=None):
        self.errors = list(errors)
        self.open_error = open_error
        self.sent: list = []
        self.opened = 0
        self.is_open = False

    def open(self):
        if self.open_error:
            raise self.open_error
        if not self.is_open:
            self.opened += 1
            self.is_open = True

    def close(self):
        self.is_open = False

    def send_messages(self, messages):
        error = self.errors.pop(0) if self.errors else None
        if error:
            raise error
        self.sent.extend(messages)
        return len(messages)


@pytest.fixture
def three_pending(advocate, review):
    DeadlineFactory(review=review, due_at=NOW + dt.timedelta(hours=3))
    for n in range(3):
        SubscriptionFactory(user=UserFactory(username=f"reader{n}"), review=review, lead_days=[1])
    with time_machine.travel(NOW, tick=False):
        reminder_sweep(dispatch=send_reminder_batch.delay)  # not sent: on_commit callbacks are not run here
    pending = list(ReminderDelivery.objects.filter(status="pending").order_by("id").values_list("id", flat=True))
    assert len(pending) == 3  # one per reader, for the one lead time
    return pending


def send_with(fake, ids, monkeypatch, at=NOW):
    monkeypatch.setattr("apps.reminders.services.get_connection", lambda **kw: fake)
    with time_machine.travel(at, tick=False):
        return reminder_batch_send(delivery_ids=ids)


def test_a_5xx_answer_marks_the_delivery_failed_with_its_error(three_pending, monkeypatch):
    fake = FakeSMTP(errors=[None, smtplib.SMTPRecipientsRefused({"x@example.org": (550, b"No such user")})])
    report = send_with(fake, three_pending, monkeypatch)
    assert (report.sent, report.failed, report.retry_ids) == (2, 1, [])
    failed = ReminderDelivery.objects.get(status="failed")
    assert failed.pk == three_pending[1]
    assert "550" in failed.last_error and "No such user" in failed.last_error
    assert fake.opened == 1, "one SMTP connection for the whole batch"


def test_a_4xx_answer_leaves_the_delivery_pending_with_a_backoff(three_pending, monkeypatch, settings):
    settings.REMINDER_RETRY_BASE_SECONDS = 60
    fake = FakeSMTP(errors=[smtplib.SMTPDataError(451, b"Try again later")])
    report = send_with(fake, three_pending, monkeypatch)
    assert (report.sent, report.retry_ids) == (2, [three_pending[0]])
    assert 30 <= report.retry_in <= 60
    retry = ReminderDelivery.objects.get(pk=three_pending[0])
    assert (retry.status, retry.attempts) == ("pending", 1)
    assert "451" in retry.last_error
    assert retry.next_attempt_at is not None
    assert NOW + dt.timedelta(seconds=30) <= retry.next_attempt_at <= NOW + dt.timedelta(seconds=60)


def test_smtp_down_claims_nothing_and_retries_the_whole_batch_later(three_pending, monkeypatch):
    report = send_with(
        FakeSMTP(open_error=ConnectionRefusedError(111, "Connection refused")), three_pending, monkeypatch
    )
    assert sorted(report.retry_ids) == three_pending
    assert set(ReminderDelivery.objects.values_list("status", "attempts")) == {("pending", 1)}

    later = NOW + dt.timedelta(minutes=5)
    report = send_with(FakeSMTP(), three_pending, monkeypatch, at=later)
    assert report.sent == 3
    assert set(ReminderDelivery.objects.values_list("status", "attempts")) == {("sent", 2)}


def test_a_connection_lost_mid_batch_puts_the_rest_back_for_a_retry(three_pending, monkeypatch):
    fake = FakeSMTP(errors=[None, smtplib.SMTPServerDisconnected("Connection unexpectedly closed")])
    report = send_with(fake, three_pending, monkeypatch)
    assert report.sent == 1
    assert sorted(report.retry_ids) == three_pending[1:]
    assert list(ReminderDelivery.objects.order_by("id").values_list("status", flat=True)) == [
        "sent",
        "pending",
        "pending",
    ]


def test_after_the_last_attempt_a_delivery_is_marked_failed(three_pending, monkeypatch, settings):
    settings.REMINDER_MAX_ATTEMPTS = 2
    down = ConnectionRefusedError(111, "Connection refused")
    send_with(FakeSMTP(open_error=down), three_pending, monkeypatch)
    report = send_with(FakeSMTP(open_error=down), three_pending, monkeypatch, at=NOW + dt.timedelta(minutes=5))
    assert report.failed == 3
    assert all(
        e.startswith("Gave up after 2 attempts") for e in ReminderDelivery.objects.values_list("last_error", flat=True)
    )


def test_a_delivery_claimed_elsewhere_is_left_alone(three_pending, monkeypatch):
    ReminderDelivery.objects.filter(pk=three_pending[0]).update(status="sending", claimed_at=NOW)
    fake = FakeSMTP()
    report = send_with(fake, three_pending, monkeypatch)
    assert report.sent == 2 and len(fake.sent) == 2


def test_the_sweep_requeues_a_delivery_stuck_in_sending_after_the_requeue_delay(three_pending, settings):
    settings.REMINDER_REQUEUE_SECONDS = 600
    ReminderDelivery.objects.filter(pk=three_pending[0]).update(status="sending", claimed_at=NOW)
    with time_machine.travel(NOW + dt.timedelta(minutes=5), tick=False):
        assert reminder_sweep(dispatch=send_reminder_batch.delay).requeued_stuck == 0
    with time_machine.travel(NOW + dt.timedelta(minutes=11), tick=False):
        report = reminder_sweep(send_inline=True)
    assert report.requeued_stuck == 1
    assert ReminderDelivery.objects.get(pk=three_pending[0]).status == "sent"


def test_relaxed_commits_are_limited_to_the_batch_on_postgresql(postgres, three_pending, monkeypatch, settings):
    from django.db import connection

    settings.REMINDER_SYNCHRONOUS_COMMIT = False
    report = send_with(FakeSMTP(), three_pending, monkeypatch)
    assert report.sent == 3
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "on", "the session setting is restored after the batch"
