"""Benchmark: N due reminders delivered to a local SMTP sink; time taken and queries per reminder.

    createdb -h 127.0.0.1 -U postgres upr_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/upr_bench .venv/bin/python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/upr_bench .venv/bin/python bench/reminders_bench.py --count 10000

It seeds N advocates subscribed to one review whose deadline is 6 hours away (so each has its 1-day
reminder due), starts an SMTP sink (aiosmtpd, in a process of its own on a free loopback port), runs
the periodic task's sweep (`reminder_sweep`, its batches handed to this script instead of Celery),
sends the batches with `reminder_batch_send` (the body of the Celery task) in `--processes` forked
processes, as a worker with `--concurrency` would, counts the SQL queries of all of them, checks the
sink received each reminder once, and deletes what it seeded.
"""

import argparse
import asyncio
import datetime
import multiprocessing
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run_sink(port: int) -> None:
    """The SMTP sink: accepts and counts; prints the count when told to stop (SIGTERM)."""
    from aiosmtpd.controller import Controller

    class Counting:
        count = 0

        async def handle_DATA(self, server, session, envelope) -> str:
            Counting.count += 1
            return "250 OK"

    controller = Controller(Counting(), hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)  # noqa: T201
    stop = asyncio.Event()
    loop = asyncio.new_event_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.run_until_complete(stop.wait())
    controller.stop()
    print(Counting.count, flush=True)  # noqa: T201


QUERIES = [0]


def counter(execute, sql, params, many, context):
    QUERIES[0] += 1
    return execute(sql, params, many, context)


def send_batch(ids: list[int]):
    """One batch in a pool process, as one Celery task: returns its report and its query count."""
    from django.db import connection

    from apps.reminders.services import reminder_batch_send

    before = QUERIES[0]
    with connection.execute_wrapper(counter):
        report = reminder_batch_send(delivery_ids=ids)
    return report, QUERIES[0] - before


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=10_000, help="due reminders to deliver (default 10000)")
    parser.add_argument("--batch-size", type=int, default=None, help="REMINDER_BATCH_SIZE (default: the setting)")
    parser.add_argument("--processes", type=int, default=2, help="sending processes (default 2, as the worker)")
    parser.add_argument("--sink", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.sink:
        run_sink(args.sink)
        return

    port = free_port()
    sink = subprocess.Popen(
        [sys.executable, __file__, "--sink", str(port)], stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    assert sink.stdout is not None
    assert sink.stdout.readline().strip() == "ready"
    try:
        measure(args, port, sink)
    finally:
        if sink.poll() is None:  # an error before the measurement's own cleanup: stop the sink anyway
            sink.kill()
            sink.wait(timeout=10)


def measure(args: argparse.Namespace, port: int, sink: subprocess.Popen[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "upr_tracker.settings.local")
    os.environ.update(
        {
            "DJANGO_DEBUG": "false",
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(port),
            "LOG_LEVEL": "WARNING",
        }
    )
    if args.batch_size:
        os.environ["REMINDER_BATCH_SIZE"] = str(args.batch_size)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection, connections
    from django.db.models import Count
    from django.utils import timezone

    from apps.accounts.models import ConfirmedEmail
    from apps.reminders.models import ReminderDelivery, Subscription
    from apps.reminders.services import reminder_sweep
    from apps.reviews.models import Cycle, Deadline, Review, Session
    from apps.states.models import MemberState

    prefix = f"bench-{os.getpid()}-"
    user_model = get_user_model()
    seed_start = time.perf_counter()
    # A state, session and review of the benchmark's own (ISO 3166 user-assigned code), deleted after.
    state, state_created = MemberState.objects.get_or_create(
        iso3="XZB", defaults={"name": "Benchland", "regional_group": MemberState.RegionalGroup.WESTERN_EUROPEAN_OTHERS}
    )
    cycle, cycle_created = Cycle.objects.get_or_create(number=99, defaults={"start_year": 2090})
    session = Session.objects.create(number=9000 + os.getpid() % 1000, cycle=cycle)
    review = Review.objects.create(state_under_review=state, session=session)

    deadline = Deadline.objects.create(
        review=review, kind=Deadline.Kind.STAKEHOLDER_SUBMISSION, due_at=timezone.now() + datetime.timedelta(hours=6)
    )
    users = user_model.objects.bulk_create(
        [user_model(username=f"{prefix}{n}", email=f"{prefix}{n}@example.org") for n in range(args.count)],
        batch_size=2000,
    )
    Subscription.objects.bulk_create(
        [Subscription(user=u, review=review, lead_days=[30, 7, 1], timezone="Asia/Seoul") for u in users],
        batch_size=2000,
    )
    # Reminders go only to confirmed addresses (apps/accounts): the seeded readers have confirmed theirs.
    ConfirmedEmail.objects.bulk_create(
        [
            ConfirmedEmail(user=u, email=u.email, method=ConfirmedEmail.Method.STAFF, confirmed_at=timezone.now())
            for u in users
        ],
        batch_size=2000,
    )
    seeded = time.perf_counter() - seed_start

    # Warm up what a long-running worker has loaded already (this environment compiles modules at
    # import, PYTHONDONTWRITEBYTECODE): the templates, the e-mail and SMTP modules, the calendar code.
    import smtplib  # noqa: F401

    from django.core.mail import EmailMultiAlternatives
    from django.template.loader import get_template

    from apps.reminders.ics import deadline_calendar

    for name in ("emails/reminder-subject.txt", "emails/reminder-body-text.txt", "emails/reminder-body-html.html"):
        get_template(name)
    warm = EmailMultiAlternatives("warm-up", "x", to=["a@example.org"])
    warm.attach("x.ics", deadline_calendar(deadlines=[deadline], name="warm-up"), "text/calendar")
    warm.message().as_bytes()

    batches: list[list[int]] = []
    try:
        start = time.perf_counter()
        with connection.execute_wrapper(counter) as _:
            report = reminder_sweep(dispatch=batches.append)  # the periodic task's code, batches kept here
        sweep_queries = QUERIES[0]
        # The batches go to `--processes` workers, as to `celery worker --concurrency=N`.
        connections.close_all()
        with multiprocessing.get_context("fork").Pool(args.processes) as pool:
            results = pool.map(send_batch, batches, chunksize=1)
        elapsed = time.perf_counter() - start
        queries = sweep_queries + sum(q for _, q in results)
        sent = sum(r.sent for r, _ in results)
        statuses = dict(
            ReminderDelivery.objects.filter(deadline=deadline).values_list("status").annotate(n=Count("id"))
        )
    finally:
        sink.send_signal(signal.SIGTERM)
        received = int(sink.communicate(timeout=30)[0].strip() or 0)
        Subscription.objects.filter(review=review).delete()
        user_model.objects.filter(username__startswith=prefix).delete()
        review.delete()
        session.delete()
        if state_created:
            state.delete()
        if cycle_created:
            cycle.delete()

    print(f"database          {connection.vendor} ({settings.DATABASES['default']['NAME']})")  # noqa: T201
    print(f"reminders due     {args.count} (seeded in {seeded:.1f} s)")  # noqa: T201
    print(f"sweep             {report}")  # noqa: T201
    print(f"worker processes  {args.processes} (sent {sent})")  # noqa: T201
    print(f"batch size        {settings.REMINDER_BATCH_SIZE}")  # noqa: T201
    print(f"time taken        {elapsed:.1f} s ({args.count / elapsed:.0f} reminders/s)")  # noqa: T201
    print(f"queries           {queries} ({queries / args.count:.2f} per reminder)")  # noqa: T201
    print(f"delivery statuses {statuses}")  # noqa: T201
    print(f"SMTP sink got     {received} messages")  # noqa: T201
    if received != args.count or statuses.get("sent") != args.count:
        sys.exit("FAILED: not every reminder was delivered exactly once")


if __name__ == "__main__":
    main()
