"""Thin Celery tasks: beat ticks the sweep; each batch task sends a list of delivery ids."""

from celery import Task, shared_task

from apps.reminders.services import reminder_batch_send, reminder_sweep


@shared_task(ignore_result=True)
def sweep_due_reminders() -> str:
    return str(reminder_sweep(dispatch=send_reminder_batch.delay))


@shared_task(bind=True, ignore_result=True, acks_late=True, reject_on_worker_lost=True)
def send_reminder_batch(self: Task, delivery_ids: list[int]) -> str:
    """Send a batch; on connection errors and 4xx answers, retry the rest with backoff and jitter.

    Idempotent: a delivery already sent, skipped or claimed elsewhere is left alone. The retry is
    also recorded in the database (next_attempt_at), so a lost retry message costs a delay, not an
    e-mail. Eager runs (unit tests) leave the retry to the next sweep instead of recursing.

    When a prefork pool process dies mid-batch, the parent requeues the message (WorkerLostError,
    reject_on_worker_lost) and the batch runs again at once; it resends the delivery the dead process
    had in flight (same Message-ID). Where the message itself is lost (the filesystem broker deletes
    it on delivery; Redis holds an unacknowledged one for its visibility timeout), the batch's lease
    runs out and the sweep takes its deliveries back (apps/reminders/claims.py).
    """
    report = reminder_batch_send(delivery_ids=delivery_ids)
    if report.retry_ids and not self.request.is_eager:
        raise self.retry(args=[report.retry_ids], countdown=report.retry_in, max_retries=None)
    return f"sent {report.sent}, failed {report.failed}, skipped {report.skipped}, retry {len(report.retry_ids)}"
