"""Who holds a delivery: the running batch's lease, the claiming process, and what the sweep takes back."""

import datetime as dt
import os
import subprocess
import sys
import time

import pytest
import time_machine
from django.conf import settings as django_settings
from django.utils import timezone

from apps.reminders.claims import BatchLease, claimer_identity, claimer_is_gone
from apps.reminders.models import ReminderDelivery
from apps.reminders.services import reminder_sweep
from apps.reminders.tasks import send_reminder_batch
from tests.factories import DeadlineFactory, SubscriptionFactory, UserFactory

from .conftest import NOW
from .test_sweep import FakeSMTP, send_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_pending(review):
    """Three deliveries due at NOW, taken by a sweep whose batch message is not run."""
    DeadlineFactory(review=review, due_at=NOW + dt.timedelta(hours=3))
    for n in range(3):
        SubscriptionFactory(user=UserFactory(username=f"reader{n}"), review=review, lead_days=[1])
    with time_machine.travel(NOW, tick=False):
        reminder_sweep(
            dispatch=send_reminder_batch.delay
        )  # on_commit callbacks do not run inside the test's transaction
    return list(ReminderDelivery.objects.order_by("id").values_list("id", flat=True))


HERE = claimer_identity().rsplit(":", 2)[0]  # this host and PID namespace


def a_dead_process() -> str:
    """The identity of a process that ran on this host and has exited (and been reaped)."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return f"{HERE}:{child.pid}:1"


def a_live_process_elsewhere() -> str:
    return "worker-2.example.org/4026531836:4242:987654"


# -- the claimer's liveness ------------------------------------------------------------------------
def test_this_process_is_not_gone():
    assert not claimer_is_gone(claimer_identity())


def test_a_process_that_exited_on_this_host_is_gone():
    assert claimer_is_gone(a_dead_process())


def test_a_reused_pid_is_told_from_the_original_by_its_start_time():
    _, pid, started = claimer_identity().rsplit(":", 2)
    assert started != "-", "Linux /proc gives the start time"
    assert claimer_is_gone(f"{HERE}:{pid}:{int(started) + 1}")


def test_a_process_on_another_host_or_a_garbled_identity_is_not_known_to_be_gone():
    assert not claimer_is_gone(a_live_process_elsewhere())
    assert not claimer_is_gone(f"other-host/1:{os.getpid()}:1")
    assert not claimer_is_gone("not an identity")


# -- the claim records its claimer and lease ---------------------------------------------------------
def test_a_claim_records_the_claiming_process_and_a_sent_mark_clears_the_lease(three_pending, monkeypatch):
    report = send_with(FakeSMTP(), three_pending, monkeypatch)
    assert report.sent == 3
    rows = set(ReminderDelivery.objects.values_list("status", "claimed_by", "next_attempt_at"))
    assert rows == {("sent", claimer_identity(), None)}


def test_the_batch_leases_its_deliveries_for_the_lease_time(three_pending, monkeypatch, settings):
    settings.REMINDER_LEASE_SECONDS = 30
    sending_at: list[dt.datetime | None] = []

    class Watching(FakeSMTP):
        def send_messages(self, messages):
            sending_at.append(ReminderDelivery.objects.get(status="sending").next_attempt_at)
            pending = set(ReminderDelivery.objects.filter(status="pending").values_list("next_attempt_at", flat=True))
            assert pending <= {NOW + dt.timedelta(seconds=30)}, "the rest of the batch is leased, not held 10 min"
            return super().send_messages(messages)

    send_with(Watching(), three_pending, monkeypatch)
    assert sending_at == [NOW + dt.timedelta(seconds=30)] * 3


# -- what the sweep takes back ---------------------------------------------------------------------
def in_flight(delivery_id: int, *, claimed_by: str, lease_until: dt.datetime, claimed_at: dt.datetime = NOW) -> None:
    ReminderDelivery.objects.filter(pk=delivery_id).update(
        status="sending", claimed_at=claimed_at, claimed_by=claimed_by, next_attempt_at=lease_until, attempts=1
    )


def test_the_sweep_takes_back_a_delivery_whose_lease_ran_out(three_pending):
    in_flight(three_pending[0], claimed_by=a_live_process_elsewhere(), lease_until=NOW + dt.timedelta(seconds=30))
    with time_machine.travel(NOW + dt.timedelta(seconds=29), tick=False):
        assert reminder_sweep(send_inline=True).requeued_stuck == 0
    assert ReminderDelivery.objects.get(pk=three_pending[0]).status == "sending"
    with time_machine.travel(NOW + dt.timedelta(seconds=31), tick=False):
        report = reminder_sweep(send_inline=True)
    assert report.requeued_stuck == 1
    delivery = ReminderDelivery.objects.get(pk=three_pending[0])
    assert (delivery.status, delivery.attempts) == ("sent", 2)


def test_a_renewed_lease_keeps_a_long_send_from_being_taken_back(three_pending):
    """Claimed 20 minutes ago (a very slow server) but still renewing: the claim is alive."""
    claimed = NOW - dt.timedelta(minutes=20)
    in_flight(
        three_pending[0],
        claimed_by=a_live_process_elsewhere(),
        lease_until=NOW + dt.timedelta(seconds=20),
        claimed_at=claimed,
    )
    with time_machine.travel(NOW, tick=False):
        assert reminder_sweep(dispatch=send_reminder_batch.delay).requeued_stuck == 0
    assert ReminderDelivery.objects.get(pk=three_pending[0]).status == "sending"


def test_the_sweep_takes_back_at_once_a_delivery_whose_claimer_died_on_this_host(three_pending):
    in_flight(three_pending[0], claimed_by=a_dead_process(), lease_until=NOW + dt.timedelta(seconds=30))
    with time_machine.travel(NOW + dt.timedelta(seconds=1), tick=False):
        report = reminder_sweep(send_inline=True)
    assert report.requeued_stuck == 1
    assert ReminderDelivery.objects.get(pk=three_pending[0]).status == "sent"


def test_a_redelivered_batch_resends_what_its_dead_process_had_in_flight_and_nothing_held_by_a_live_one(
    three_pending, monkeypatch
):
    """The prefork path: a pool child dies, the parent requeues the batch, another child runs it."""
    in_flight(three_pending[0], claimed_by=a_dead_process(), lease_until=NOW + dt.timedelta(seconds=30))
    in_flight(three_pending[1], claimed_by=claimer_identity(), lease_until=NOW + dt.timedelta(seconds=30))
    fake = FakeSMTP()
    report = send_with(fake, three_pending, monkeypatch, at=NOW + dt.timedelta(seconds=1))
    assert report.sent == 2
    sent = {m.extra_headers["Message-ID"] for m in fake.sent}
    by_id = dict(ReminderDelivery.objects.values_list("pk", "message_id"))
    assert sent == {by_id[three_pending[0]], by_id[three_pending[2]]}
    assert ReminderDelivery.objects.get(pk=three_pending[1]).status == "sending", "a live claim is left alone"


# -- the lease's renewal ----------------------------------------------------------------------------
def test_a_renewal_extends_what_the_batch_holds_and_not_a_row_it_let_go(three_pending):
    with time_machine.travel(NOW, tick=False):
        lease = BatchLease(ids=three_pending, seconds=30, now_fn=timezone.now)
        lease.__enter__()  # inside the test's transaction: no thread, renewals by hand
    backoff = NOW + dt.timedelta(minutes=7)
    ReminderDelivery.objects.filter(pk=three_pending[2]).update(next_attempt_at=backoff)
    with time_machine.travel(NOW + dt.timedelta(seconds=10), tick=False):
        assert lease.renew() == 2
    lease.__exit__(None, None, None)
    assert list(ReminderDelivery.objects.order_by("id").values_list("next_attempt_at", flat=True)) == [
        NOW + dt.timedelta(seconds=40),
        NOW + dt.timedelta(seconds=40),
        backoff,
    ]


@pytest.mark.django_db(transaction=True)
def test_the_renewal_thread_keeps_the_lease_running_while_the_batch_lives(postgres, three_pending):
    # Outside a test transaction the fixture's sweep sent them (eagerly, at commit): pending again.
    ReminderDelivery.objects.update(status="pending", next_attempt_at=None)
    with BatchLease(ids=three_pending, seconds=0.6, now_fn=timezone.now) as lease:
        first = lease.until
        time.sleep(1.0)  # renewals every 0.2 s, from the thread's own connection
        with lease.lock:  # no renewal between the two reads
            held = set(ReminderDelivery.objects.values_list("next_attempt_at", flat=True))
            assert held == {lease.until} and lease.until > first
    assert lease.until - timezone.now() < dt.timedelta(seconds=0.6)


def test_a_lease_not_shorter_than_the_requeue_delay_is_refused():
    env = {**os.environ, "REMINDER_LEASE_SECONDS": "600", "REMINDER_REQUEUE_SECONDS": "600"}
    result = subprocess.run(
        [sys.executable, "-c", "import upr_tracker.settings.base"],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "REMINDER_LEASE_SECONDS must be above 0 and below REMINDER_REQUEUE_SECONDS" in result.stderr
