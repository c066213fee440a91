"""Reminders against the real services: a Celery worker process on Redis, PostgreSQL, and an SMTP
server on loopback (aiosmtpd) that receives the e-mails. Faults are injected for real: the SMTP server
is down for the first attempts; the worker is killed with SIGKILL in the middle of a batch.

The test process only writes rows and sends the sweep task to the worker's own queue, as beat would;
everything else happens in the worker, which reads the same (committed) test database.
"""

import asyncio
import datetime as dt
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from email import message_from_bytes
from pathlib import Path

import pytest
from celery import Celery
from django.conf import settings
from django.db import connection
from django.utils import timezone

from apps.reminders.models import ReminderDelivery
from tests.factories import DeadlineFactory, ReviewFactory, SubscriptionFactory, UserFactory

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


# -- the worker -------------------------------------------------------------------------------------
class Worker:
    """`celery -A upr_tracker worker` in its own process group, on its own queue, with the test database."""

    def __init__(
        self, *, redis_url: str, queue: str, smtp_port: int, log: Path, pool: str, **reminder_env: str
    ) -> None:
        db = connection.settings_dict
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "upr_tracker.settings.local",
            "DJANGO_DEBUG": "false",
            "DATABASE_URL": (
                f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
            ),
            "CELERY_BROKER_URL": redis_url,
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


@pytest.fixture
def services(postgres, redis_url, tmp_path) -> Iterator[dict]:  # type: ignore[no-untyped-def]
    """A queue of this test's own on the Redis under test, a client that sends to it, and cleanup."""
    queue = f"reminders-test-{uuid.uuid4().hex[:8]}"
    client = Celery("integration-client", broker=redis_url)
    client.conf.broker_connection_retry_on_startup = True
    workers: list[Worker] = []

    def start_worker(smtp_port: int, pool: str = "solo", **reminder_env: str) -> Worker:
        worker = Worker(
            redis_url=redis_url,
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

    yield {"start_worker": start_worker, "sweep": sweep}
    for worker in workers:
        worker.stop()
    with client.connection_for_write() as conn:
        conn.default_channel.queue_delete(queue)
    client.close()


def subscribers(count: int) -> None:
    """`count` advocates subscribed to one review whose deadline is 6 hours away (the 1-day reminder is due)."""
    review = ReviewFactory()
    DeadlineFactory(review=review, due_at=timezone.now() + dt.timedelta(hours=6))
    for n in range(count):
        SubscriptionFactory(user=UserFactory(username=f"it-reader-{n}"), review=review, lead_days=[7, 1])


def sent_message_ids() -> set[str]:
    return set(ReminderDelivery.objects.filter(status="sent").values_list("message_id", flat=True))


def test_two_sweeps_at_once_send_each_reminder_once(services):
    subscribers(24)
    port = free_port()
    with SMTPServer(port) as smtp:
        services["start_worker"](port, pool="prefork", REMINDER_BATCH_SIZE="3")
        services["sweep"]()
        services["sweep"]()  # two sweeps at once, on two worker processes, racing for the same rows
        wait_for(lambda: len(sent_message_ids()) == 24, 45, "24 reminders to be sent")
        services["sweep"]()  # and a later one finds nothing left to send
        time.sleep(2)
        received = Counter(smtp.message_ids)
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


def test_a_worker_killed_mid_batch_loses_nothing_and_duplicates_only_the_message_in_flight(services):
    subscribers(10)
    port = free_port()
    with SMTPServer(port, delay=0.4) as smtp:  # a slow server: the batch takes about 4 s
        worker = services["start_worker"](port, REMINDER_BATCH_SIZE="10", REMINDER_REQUEUE_SECONDS="2")
        services["sweep"]()
        wait_for(lambda: len(smtp.message_ids) >= 3, 30, "the first three messages of the batch")
        worker.kill()
        in_flight = list(ReminderDelivery.objects.filter(status="sending").values_list("message_id", flat=True))
        before_kill = Counter(smtp.message_ids)
        assert len(in_flight) <= 1, "one delivery at a time is claimed"
        assert ReminderDelivery.objects.filter(status="pending").exists(), "killed before the batch was done"

        services["start_worker"](port, REMINDER_BATCH_SIZE="10", REMINDER_REQUEUE_SECONDS="2")

        def swept_until_all_sent() -> bool:
            services["sweep"]()  # what beat does every few minutes, every second here
            return len(sent_message_ids()) == 10

        wait_for(swept_until_all_sent, 40, "all 10 reminders after the restart", every=1.0)
        time.sleep(1)
        received = Counter(smtp.message_ids)
    assert set(received) == sent_message_ids() and len(received) == 10, "nothing lost"
    duplicates = {message_id for message_id, n in received.items() if n > 1}
    assert duplicates <= set(in_flight), (
        f"only the message in flight may arrive twice, not {duplicates - set(in_flight)}"
    )
    assert all(n <= 2 for n in received.values())
    assert before_kill, "the first worker had sent some before it was killed"
