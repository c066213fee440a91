"""Reminders against the real services: a Celery worker process on Redis (or on kombu's filesystem
broker, as `make run` uses), PostgreSQL, and an SMTP server on loopback (aiosmtpd) that receives the
e-mails. Faults are injected for real: the SMTP server is down for the first attempts; the worker, or
only one of its pool's children, is killed with SIGKILL in the middle of a batch.

The test process only writes rows and sends the sweep task to the worker's own queue, as beat would;
everything else happens in the worker, which reads the same (committed) test database.
"""

import asyncio
import datetime as dt
import logging
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from pathlib import Path
from typing import Any

import pytest
from celery import Celery
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from apps.reminders.models import ReminderDelivery
from tests.factories import DeadlineFactory, ReviewFactory, SubscriptionFactory, UserFactory

logger = logging.getLogger(__name__)
pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

SWEEP = "apps.reminders.tasks.sweep_due_reminders"
WORKER_START_TIMEOUT = 40
CELERY = str(Path(sys.executable).with_name("celery"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(condition: Callable[[], bool], timeout: float, what: str, every: float = 0.2) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


# -- the SMTP server --------------------------------------------------------------------------------
class RecordingHandler:
    """Records the Message-ID of every message whose DATA arrives, before answering (after `delay`)."""

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.message_ids: list[str] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # type: ignore[no-untyped-def]
        self.message_ids.append(message_from_bytes(envelope.content)["Message-ID"])
        if self.delay:
            await asyncio.sleep(self.delay)
        return "250 Message accepted for delivery"


class SMTPServer:
    def __init__(self, port: int, delay: float = 0.0) -> None:
        from aiosmtpd.controller import Controller

        self.handler = RecordingHandler(delay)
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=port)

    def __enter__(self) -> RecordingHandler:
        self.controller.start()
        return self.handler

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()


# -- the broker and the worker ---------------------------------------------------------------------
@dataclass
class Broker:
    """Where the worker and the test's client meet: Redis, or kombu's filesystem transport in a folder."""

    url: str
    transport_options: dict[str, Any] = field(default_factory=dict)
    worker_env: dict[str, str] = field(default_factory=dict)

    @classmethod
    def filesystem(cls, folder: Path) -> "Broker":
        """As `make run`: messages are files, deleted when a worker takes one (no acks_late)."""
        queue_dir = folder / "queue"
        for name in ("queue", "processed", "control"):
            (folder / name).mkdir(parents=True, exist_ok=True)
        options = {
            "data_folder_in": str(queue_dir),
            "data_folder_out": str(queue_dir),
            "processed_folder": str(folder / "processed"),
            "control_folder": str(folder / "control"),
            "store_processed": False,
        }
        return cls("filesystem://", options, {"CELERY_BROKER_QUEUE_DIR": str(queue_dir)})

    def messages_waiting(self) -> int:
        return len(list(Path(self.transport_options["data_folder_out"]).glob("*.msg")))


class Worker:
    """`celery -A upr_tracker worker` in its own process group, on its own queue, with the test database."""

    def __init__(
        self, *, broker: Broker, queue: str, smtp_port: int, log: Path, pool: str, **reminder_env: str
    ) -> None:
        db = connection.settings_dict
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "upr_tracker.settings.local",
            "DJANGO_DEBUG": "false",
            "DATABASE_URL": (
                f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
            ),
            "CELERY_BROKER_URL": broker.url,
            **broker.worker_env,
            "CELERY_TASK_DEFAULT_QUEUE": queue,
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp_port),
            "EMAIL_TIMEOUT": "10",
            "SITE_URL": "http://127.0.0.1:8000",
            **reminder_env,
        }
        self.log = log
        args = [CELERY, "-A", "upr_tracker", "worker", "-Q", queue, "--loglevel=INFO", f"--pool={pool}"]
        args += ["--concurrency=2", "--without-mingle", "--without-gossip", "--without-heartbeat", "-n", f"{queue}@%h"]
        with log.open("ab") as out:
            self.process = subprocess.Popen(
                args, cwd=settings.BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        wait_for(self.ready, WORKER_START_TIMEOUT, f"the Celery worker to start (log: {log})", every=0.5)

    def ready(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(f"the worker exited with {self.process.returncode}:\n{self.log.read_text()[-3000:]}")
        return " ready." in self.log.read_text()

    def freeze(self) -> None:
        """SIGSTOP to the whole group, then a moment for any statement already sent to PostgreSQL to
        finish there: what the database says afterwards is what the kill will leave behind."""
        os.killpg(self.process.pid, signal.SIGSTOP)
        time.sleep(1.0)

    def kill(self) -> None:
        """SIGKILL to the worker's process group (the worker and its pool's children), no goodbye."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


def parent_pid(pid: int) -> int:
    stat = Path(f"/proc/{pid}/stat").read_text()
    return int(stat[stat.rindex(")") + 2 :].split()[1])


def claimer_pid(identity: str) -> int:
    """The PID in a delivery's `claimed_by` (host/pid-namespace:pid:start-time)."""
    return int(identity.rsplit(":", 2)[1])


@contextmanager
def running_services(broker: Broker, tmp_path: Path) -> Iterator[dict]:
    """A queue of this test's own on `broker`, a client that sends to it, and cleanup."""
    queue = f"reminders-test-{uuid.uuid4().hex[:8]}"
    client = Celery("integration-client", broker=broker.url)
    client.conf.broker_connection_retry_on_startup = True
    client.conf.broker_transport_options = broker.transport_options
    workers: list[Worker] = []

    def start_worker(smtp_port: int, pool: str = "solo", **reminder_env: str) -> Worker:
        worker = Worker(
            broker=broker,
            queue=queue,
            smtp_port=smtp_port,
            log=tmp_path / f"worker-{len(workers)}.log",
            pool=pool,
            **reminder_env,
        )
        workers.append(worker)
        return worker

    def sweep() -> None:
        client.send_task(SWEEP, queue=queue)

    try:
        yield {"start_worker": start_worker, "sweep": sweep, "broker": broker}
    finally:
        for worker in workers:
            worker.stop()
        if broker.url.startswith("redis"):
            with client.connection_for_write() as conn:
                conn.default_channel.queue_delete(queue)
        client.close()


@pytest.fixture
def services(postgres, redis_url, tmp_path) -> Iterator[dict]:  # type: ignore[no-untyped-def]
    with running_services(Broker(redis_url), tmp_path) as running:
        yield running


@pytest.fixture
def fs_services(postgres, tmp_path) -> Iterator[dict]:  # type: ignore[no-untyped-def]
    with running_services(Broker.filesystem(tmp_path / "broker"), tmp_path) as running:
        yield running


def subscribers(count: int) -> None:
    """`count` advocates subscribed to one review whose deadline is 6 hours away (the 1-day reminder is due)."""
    review = ReviewFactory()
    DeadlineFactory(review=review, due_at=timezone.now() + dt.timedelta(hours=6))
    for n in range(count):
        SubscriptionFactory(user=UserFactory(username=f"it-reader-{n}"), review=review, lead_days=[7, 1])


def sent_message_ids() -> set[str]:
    return set(ReminderDelivery.objects.filter(status="sent").values_list("message_id", flat=True))


def sweeps_waiting_for(table: str) -> list[tuple[int, dt.datetime]]:
    """(backend pid, transaction start) of each session waiting for a lock on `table`."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")  # else frozen for the whole transaction
        cursor.execute(
            """SELECT a.pid, a.xact_start FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
               WHERE l.relation = %s::regclass AND NOT l.granted ORDER BY a.pid""",
            [table],
        )
        return list(cursor.fetchall())


def test_two_sweeps_at_once_send_each_reminder_once(services):
    """Both sweeps are held inside their transactions at once (the test locks the deliveries table
    against writes), so they provably overlap; then released together, they race for the same rows."""
    subscribers(24)
    port = free_port()
    table = ReminderDelivery._meta.db_table
    with SMTPServer(port) as smtp:
        services["start_worker"](port, pool="prefork", REMINDER_BATCH_SIZE="3")
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")  # reads pass, writes wait
            services["sweep"]()
            services["sweep"]()  # on the worker's two pool processes
            wait_for(lambda: len(sweeps_waiting_for(table)) == 2, 30, "both sweeps to wait inside their transactions")
            waiting = sweeps_waiting_for(table)
            both_open_at = timezone.now()
        wait_for(lambda: len(sent_message_ids()) == 24, 45, "24 reminders to be sent")
        services["sweep"]()  # and a later one finds nothing left to send
        time.sleep(2)
        received = Counter(smtp.message_ids)
    (first_pid, first_start), (second_pid, second_start) = waiting
    assert first_pid != second_pid, "two database sessions: two sweeps"
    # Each transaction began before `both_open_at` and could not end before the lock was released
    # after it: the two intervals intersect.
    assert max(first_start, second_start) < both_open_at
    assert ReminderDelivery.objects.count() == 24
    assert set(received) == sent_message_ids()
    assert max(received.values()) == 1, f"duplicates: {[m for m, n in received.items() if n > 1]}"
    assert set(ReminderDelivery.objects.values_list("attempts", flat=True)) == {1}


def test_smtp_down_for_the_first_attempts_then_up_each_reminder_arrives_once(services):
    subscribers(6)
    port = free_port()  # nothing listens there yet: connection refused
    services["start_worker"](
        port,
        REMINDER_RETRY_BASE_SECONDS="0.5",
        REMINDER_RETRY_MAX_SECONDS="2",
        REMINDER_MAX_ATTEMPTS="30",
    )
    services["sweep"]()
    wait_for(
        lambda: ReminderDelivery.objects.filter(attempts__gte=2).count() == 6,
        30,
        "two failed attempts on every delivery while the SMTP server is down",
    )
    failing = ReminderDelivery.objects.first()
    assert failing is not None
    assert failing.status == "pending" and "Connection refused" in failing.last_error
    assert not sent_message_ids()
    with SMTPServer(port) as smtp:  # the server comes up; the task's own retries deliver
        wait_for(lambda: len(sent_message_ids()) == 6, 30, "6 reminders to be sent once the server is up")
        time.sleep(1)
        received = Counter(smtp.message_ids)
    assert set(received) == sent_message_ids()
    assert max(received.values()) == 1
    assert min(ReminderDelivery.objects.values_list("attempts", flat=True)) >= 3
    assert set(ReminderDelivery.objects.values_list("last_error", flat=True)) == {""}


def assert_each_arrived_once_but_the_one_in_flight(received: Counter[str], in_flight: set[str], count: int) -> None:
    assert set(received) == sent_message_ids() and len(received) == count, "nothing lost"
    duplicates = {message_id for message_id, n in received.items() if n > 1}
    assert duplicates <= in_flight, f"only the message in flight may arrive twice, not {duplicates - in_flight}"
    assert all(n <= 2 for n in received.values())


def killed_mid_batch_then_restarted(running: dict, pool: str) -> float:
    """Ten reminders in one batch to a slow SMTP server; the worker's whole process group is killed
    after three, a new worker starts, beat's sweep ticks every second. Returns the seconds from the
    kill until all ten were sent. The lease is 3 s; REMINDER_REQUEUE_SECONDS stays at 600."""
    subscribers(10)
    port = free_port()
    reminder_env = {"REMINDER_BATCH_SIZE": "10", "REMINDER_LEASE_SECONDS": "3", "REMINDER_REQUEUE_SECONDS": "600"}
    with SMTPServer(port, delay=0.4) as smtp:  # a slow server: the batch takes about 4 s
        worker = running["start_worker"](port, pool=pool, **reminder_env)
        running["sweep"]()
        wait_for(lambda: len(smtp.message_ids) >= 3, 30, "the first three messages of the batch")
        worker.freeze()
        in_flight = set(ReminderDelivery.objects.filter(status="sending").values_list("message_id", flat=True))
        before_kill = Counter(smtp.message_ids)
        worker.kill()
        killed_at = time.monotonic()
        assert len(in_flight) <= 1, "one delivery at a time is claimed"
        assert ReminderDelivery.objects.filter(status="pending").exists(), "killed before the batch was done"

        running["start_worker"](port, pool=pool, **reminder_env)

        def swept_until_all_sent() -> bool:
            running["sweep"]()  # what beat does every two minutes, every second here
            return len(sent_message_ids()) == 10

        wait_for(swept_until_all_sent, 45, "all 10 reminders after the restart", every=1.0)
        recovered_in = time.monotonic() - killed_at
        time.sleep(1)
        received = Counter(smtp.message_ids)
    assert_each_arrived_once_but_the_one_in_flight(received, in_flight, 10)
    assert before_kill, "the first worker had sent some before it was killed"
    return recovered_in


def test_a_worker_killed_mid_batch_loses_nothing_and_duplicates_only_the_message_in_flight(services):
    """Redis, solo pool: the killed worker's message stays unacknowledged (redelivered only after the
    broker's visibility timeout, an hour); the lease brings its deliveries back."""
    recovered_in = killed_mid_batch_then_restarted(services, pool="solo")
    assert recovered_in < 40, f"recovered in {recovered_in:.1f} s"
    logger.info("redis, solo pool: all reminders sent %.1f s after the kill", recovered_in)


def test_on_the_filesystem_broker_a_killed_worker_delays_reminders_by_a_lease_not_the_requeue_delay(fs_services):
    """`make run`'s broker: the worker deleted the batch's message when it took it, so nothing is ever
    redelivered; the new worker's sweeps take the batch back once its lease has run out."""
    recovered_in = killed_mid_batch_then_restarted(fs_services, pool="prefork")
    assert fs_services["broker"].messages_waiting() == 0
    # The restart itself (a Django process, its pool) takes most of this on a busy machine.
    assert recovered_in < 40, f"recovered in {recovered_in:.1f} s, far from REMINDER_REQUEUE_SECONDS (600)"
    logger.info("filesystem broker: all reminders sent %.1f s after the kill", recovered_in)


def test_on_prefork_a_pool_child_killed_mid_batch_is_recovered_by_its_parent_at_once(services):
    """Only the pool process running the batch dies: the parent sees WorkerLostError and requeues the
    message (reject_on_worker_lost); the batch runs again in a new child, which takes back the
    delivery the dead one had in flight because its claimer is gone. No sweep runs after the first,
    and the lease (30 s) and the requeue delay (600 s) are the defaults: neither is what recovers."""
    subscribers(10)
    port = free_port()
    with SMTPServer(port, delay=0.4) as smtp:
        worker = services["start_worker"](port, pool="prefork", REMINDER_BATCH_SIZE="10")
        services["sweep"]()
        wait_for(lambda: len(smtp.message_ids) >= 3, 30, "the first three messages of the batch")
        claimer = ReminderDelivery.objects.exclude(claimed_by="").values_list("claimed_by", flat=True).first()
        assert claimer is not None
        child = claimer_pid(claimer)
        assert child != worker.process.pid and parent_pid(child) == worker.process.pid, "a pool child sends"
        os.kill(child, signal.SIGSTOP)
        time.sleep(1.0)  # any statement already sent finishes in PostgreSQL
        in_flight = set(ReminderDelivery.objects.filter(status="sending").values_list("message_id", flat=True))
        os.kill(child, signal.SIGKILL)
        killed_at = time.monotonic()
        assert len(in_flight) == 1
        assert ReminderDelivery.objects.filter(status="pending").exists(), "killed before the batch was done"

        wait_for(lambda: len(sent_message_ids()) == 10, 30, "all 10 reminders, with no sweep")
        recovered_in = time.monotonic() - killed_at
        time.sleep(1)
        received = Counter(smtp.message_ids)
    assert worker.process.poll() is None, "the worker's parent process survived"
    log = worker.log.read_text()
    assert "WorkerLostError" in log and "signal 9" in log
    assert_each_arrived_once_but_the_one_in_flight(received, in_flight, 10)
    assert received[next(iter(in_flight))] in {1, 2}
    assert set(ReminderDelivery.objects.values_list("claimed_by", flat=True)) - {claimer}, "a new child sent the rest"
    assert recovered_in < 20, f"recovered in {recovered_in:.1f} s"
    logger.info("prefork: all reminders sent %.1f s after the pool child was killed", recovered_in)
