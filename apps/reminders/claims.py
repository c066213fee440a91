"""Who holds a delivery, and the statements that make sending safe.

The two hot statements are raw SQL, one round trip each: conditional UPDATE ... RETURNING (PostgreSQL,
and SQLite 3.35+), so that whoever runs them concurrently (two sweeps, two workers) gets disjoint rows:
the database decides, not the caller.

A running batch holds its deliveries by a short lease (`next_attempt_at`, REMINDER_LEASE_SECONDS),
renewed by a thread while it runs; its claim also records the claiming process (`claimed_by`). A
delivery whose lease ran out, or whose claimer is known to be dead, is released to the sweep: a
killed worker delays reminders by about one lease and one sweep, on any broker, whether or not the
broker redelivers its message (the filesystem broker of `make run` does not: it deletes a message
when a worker takes it).
"""

import datetime as dt
import logging
import os
import socket
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType

from django.db import DatabaseError
from django.db import connection as db_connection
from django.db.models import Q

from apps.reminders.models import ReminderDelivery

logger = logging.getLogger(__name__)


# -- the claiming process ----------------------------------------------------------------------------
def _pid_namespace() -> str:
    """The PID namespace (Linux), so that two containers with one host name are not confused."""
    try:
        return str(os.stat("/proc/self/ns/pid").st_ino)
    except OSError:
        return "-"


def _start_time(pid: int) -> str | None:
    """The process's start time in clock ticks since boot (Linux), telling a reused PID from the
    original; "-" where /proc is absent; None when there is no such process or it is a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return None
    except OSError:
        return "-"
    fields = stat[stat.rindex(")") + 2 :].split()  # after "pid (comm) ": state is first, starttime 20th
    return None if fields[0] in {"Z", "X"} else fields[19]


def claimer_identity() -> str:
    """This process, as recorded on the deliveries it claims: `host/pid-namespace:pid:start-time`."""
    pid = os.getpid()
    return f"{socket.gethostname()[:180]}/{_pid_namespace()}:{pid}:{_start_time(pid) or '-'}"


def claimer_is_gone(identity: str) -> bool:
    """True only when the claiming process is known to be dead: it ran on this host, in this PID
    namespace, and no process with its PID and start time is alive. A claimer elsewhere is unknown
    (False): its lease decides. Errs towards "alive", which costs a delay, never a second e-mail."""
    try:
        where, pid_text, started = identity.rsplit(":", 2)
        pid = int(pid_text)
    except ValueError:
        return False
    if where != f"{socket.gethostname()[:180]}/{_pid_namespace()}":
        return False
    now_started = _start_time(pid)
    if now_started is None:
        return True
    if now_started != "-" and started != "-":
        return now_started != started  # the PID was reused by another process
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def deliveries_release_orphaned(
    *, now: dt.datetime, requeue_before: dt.datetime, ids: Sequence[int] | None = None
) -> int:
    """Put back to pending the deliveries left in "sending" by a claimer that is gone: its lease ran
    out, it is known to be dead, or (a claim recorded without a lease) it claimed before
    `requeue_before`. Its e-mail may or may not have left: the one possible duplicate, with the same
    Message-ID. `ids` limits this to one batch's deliveries. Returns how many were released.

    Conditional, so a live sender that renews its lease at the same moment keeps its claim.
    """
    sending = ReminderDelivery.objects.filter(status=ReminderDelivery.Status.SENDING)
    if ids is not None:
        sending = sending.filter(id__in=ids)
    claimers = set(sending.values_list("claimed_by", flat=True))
    if not claimers:
        return 0  # the usual case: one query
    gone = sorted(claimer for claimer in claimers if claimer and claimer_is_gone(claimer))
    orphaned = (
        Q(next_attempt_at__lte=now)
        | Q(next_attempt_at__isnull=True, claimed_at__lt=requeue_before)
        | Q(claimed_by__in=gone)
    )
    released = sending.filter(orphaned).update(
        status=ReminderDelivery.Status.PENDING, next_attempt_at=None, updated_at=now
    )
    if released:
        logger.warning("released %s deliveries whose sender is gone (dead here: %s)", released, gone or "none")
    return released


class BatchLease:
    """A running batch's hold on its deliveries: `next_attempt_at = until` on each pending one and on
    the one it is sending, renewed every third of the lease by a thread, so that the sweep leaves
    them alone while the batch lives and takes them back soon after it dies.

    Renewal matches the rows by their current lease end, so a row the batch has let go of (a backoff,
    a failure, sent) is never touched again. `lock` serialises renewal with the claim, which stamps
    the row with `until`. No thread inside a transaction: another connection could not see its rows.
    """

    def __init__(self, *, ids: Sequence[int], seconds: float, now_fn: Callable[[], dt.datetime]) -> None:
        self.ids = list(ids)
        self.seconds = seconds
        self.now_fn = now_fn
        self.lock = threading.Lock()
        self.until = now_fn() + dt.timedelta(seconds=seconds)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> "BatchLease":
        ReminderDelivery.objects.filter(id__in=self.ids, status=ReminderDelivery.Status.PENDING).update(
            next_attempt_at=self.until
        )
        if not db_connection.in_atomic_block:
            self._thread = threading.Thread(target=self._keep_renewing, name="reminder-lease", daemon=True)
            self._thread.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def renew(self) -> int:
        """Extend the lease of the deliveries this batch still holds. Returns how many."""
        S = ReminderDelivery.Status
        with self.lock:
            until = self.now_fn() + dt.timedelta(seconds=self.seconds)
            renewed = ReminderDelivery.objects.filter(
                id__in=self.ids, status__in=[S.PENDING, S.SENDING], next_attempt_at=self.until
            ).update(next_attempt_at=until)
            self.until = until
        return renewed

    def _keep_renewing(self) -> None:
        try:
            while not self._stop.wait(self.seconds / 3):
                try:
                    self.renew()
                except DatabaseError as exc:
                    # The next renewal may succeed; if none does, the lease lapses and the sweep takes
                    # the batch's pending deliveries back (their claims stay conditional).
                    logger.warning("reminder lease renewal failed: %s", exc)
        finally:
            db_connection.close()  # this thread's own connection


def deliveries_take_due(*, now: dt.datetime, hold_until: dt.datetime) -> list[int]:
    """The pending deliveries whose next attempt is due, each held until `hold_until` so the next
    sweeps do not enqueue it again while its batch waits in the queue. One statement (select and
    hold at once): two sweeps at the same moment take disjoint sets. Ids in ascending order."""
    table = ReminderDelivery._meta.db_table
    pending = ReminderDelivery.Status.PENDING
    adapt = db_connection.ops.adapt_datetimefield_value
    sql = f"""
        UPDATE {table} SET next_attempt_at = %s
        WHERE status = '{pending}' AND (next_attempt_at IS NULL OR next_attempt_at <= %s)
        RETURNING id"""  # the table name and status are ours; the values are parameters
    with db_connection.cursor() as cursor:
        cursor.execute(sql, [adapt(hold_until), adapt(now)])
        return sorted(row[0] for row in cursor.fetchall())


def mark_sent_and_claim(
    *,
    sent: tuple[int, dt.datetime, dt.datetime] | None,
    claim_id: int | None,
    now: dt.datetime,
    lease_until: dt.datetime | None = None,
    claimer: str = "",
) -> tuple[int, int]:
    """Mark the previous e-mail sent and claim the next delivery (pending → sending), in one statement.

    One statement in autocommit is one round trip and one commit per reminder, where an UPDATE for
    each in a transaction costs four round trips; on a busy database server that is most of the
    sending time. The guarantee is unchanged: a crash before this statement leaves the previous
    delivery in "sending" (the message in flight), and the next one is not claimed until it runs.
    Each part is conditional: the mark only while the claim is still ours (same claimed_at), the
    claim only while pending. The claim records the claimer and its lease end (`lease_until`, in
    `next_attempt_at`); the mark clears the lease. Returns (marked, claimed), each 0 or 1.
    """
    if claim_id is not None and lease_until is None:
        raise ValueError("a claim needs its lease end (lease_until)")
    ops = db_connection.ops
    sent_id, sent_claimed_at, sent_at = sent if sent else (-1, now, now)
    claim = -1 if claim_id is None else claim_id
    table = ReminderDelivery._meta.db_table
    S = ReminderDelivery.Status
    sql = f"""
        UPDATE {table} SET
          status = CASE WHEN id = %s THEN '{S.SENDING}' ELSE '{S.SENT}' END,
          attempts = CASE WHEN id = %s THEN attempts + 1 ELSE attempts END,
          claimed_at = CASE WHEN id = %s THEN %s ELSE claimed_at END,
          claimed_by = CASE WHEN id = %s THEN %s ELSE claimed_by END,
          next_attempt_at = CASE WHEN id = %s THEN %s ELSE NULL END,
          sent_at = CASE WHEN id = %s THEN sent_at ELSE %s END,
          last_error = CASE WHEN id = %s THEN last_error ELSE '' END,
          updated_at = %s
        WHERE (id = %s AND status = '{S.PENDING}')
           OR (id = %s AND status = '{S.SENDING}' AND claimed_at = %s)
        RETURNING id"""  # the table name and statuses are ours; every value is a parameter
    dt_ = ops.adapt_datetimefield_value
    params = [claim, claim, claim, dt_(now), claim, claimer, claim, dt_(lease_until or now)]
    params += [claim, dt_(sent_at), claim, dt_(now)]
    params += [claim, sent_id, dt_(sent_claimed_at)]
    with db_connection.cursor() as cursor:
        cursor.execute(sql, params)
        ids = {row[0] for row in cursor.fetchall()}
    return int(sent_id in ids), int(claim in ids)
