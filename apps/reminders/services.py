"""Writes for reminders: subscriptions, the sweep that finds due reminders, and the batch sender.

How a reminder goes out, exactly once:
1. `reminder_sweep` (beat, every few minutes, or `manage.py send_due_reminders`) creates one
   ReminderDelivery per (subscription, deadline, lead, deadline date) that is due now; the unique
   constraint makes two concurrent sweeps create it once.
2. It selects the pending deliveries whose next attempt is due (and those left in "sending" by a
   sender that is gone: see claims.py), and enqueues them in batches, after commit.
3. `reminder_batch_send` leases its deliveries (REMINDER_LEASE_SECONDS, renewed while it runs) and
   claims each with a conditional UPDATE (pending → sending) right before its e-mail goes out over
   one SMTP connection, then marks it sent, failed (5xx) or pending again with a backoff (connection
   errors, 4xx). A claim that updates no row means someone else has it.
"""

import datetime as dt
import logging
import smtplib
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.mail import get_connection
from django.db import connection as db_connection
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from apps.accounts.selectors import confirmed_email_condition, email_is_confirmed
from apps.reminders.claims import (
    BatchLease,
    claimer_identity,
    deliveries_release_orphaned,
    deliveries_take_due,
    mark_sent_and_claim,
)
from apps.reminders.emails import delivery_message_id, reminder_message_build
from apps.reminders.models import MAX_LEAD_DAYS, ReminderDelivery, Subscription
from apps.reminders.timing import current_lead, retry_delay
from apps.reviews.models import Deadline, Review
from apps.states.models import MemberState

logger = logging.getLogger(__name__)

SUBSCRIPTION_FIELDS = ["review", "state_under_review", "kinds", "lead_days", "timezone", "is_active"]


# -- subscriptions ----------------------------------------------------------------------------------
def _leads_normalised(leads: Any) -> Any:
    """Whole numbers of days, largest first, each once; anything else is left for full_clean to refuse."""
    if isinstance(leads, list) and all(isinstance(d, int) and not isinstance(d, bool) for d in leads):
        return sorted(set(leads), reverse=True)
    return leads


def _kinds_normalised(kinds: Any) -> Any:
    """Kinds sorted, each once, so that two subscriptions to the same kinds compare equal."""
    if isinstance(kinds, list) and all(isinstance(k, str) for k in kinds):
        return sorted(set(kinds))
    return kinds


def _refuse_duplicate(subscription: Subscription) -> None:
    """An identical subscription (same target, kinds and lead days) would send every reminder twice.
    The constraints `subscription_unique_*_settings` hold this against races; this gives the message."""
    same: dict[str, Any] = {
        "user_id": subscription.user_id,
        "review_id": subscription.review_id,  # None matches IS NULL
        "state_under_review_id": subscription.state_under_review_id,
        "kinds": subscription.kinds,
        "lead_days": subscription.lead_days,
    }
    twins = Subscription.objects.filter(**same).exclude(pk=subscription.pk)
    if twins.exists():
        raise ValidationError(
            gettext_lazy("You already have a subscription to these deadlines with the same kinds and lead times."),
            code="duplicate",
        )


@transaction.atomic
def subscription_create(
    *,
    user: User,
    review: Review | None = None,
    state_under_review: MemberState | None = None,
    kinds: Sequence[str] = (),
    lead_days: Sequence[int] | None = None,
    timezone_name: str = "Europe/Zurich",
    is_active: bool = True,
) -> Subscription:
    subscription = Subscription(
        user=user,
        review=review,
        state_under_review=state_under_review,
        kinds=_kinds_normalised(list(kinds)),
        lead_days=_leads_normalised(list(lead_days)) if lead_days else [30, 7, 1],
        timezone=timezone_name,
        is_active=is_active,
    )
    subscription.full_clean(validate_constraints=False)
    _refuse_duplicate(subscription)
    subscription.save()
    return subscription


@transaction.atomic
def subscription_update(*, subscription: Subscription, data: dict[str, Any]) -> Subscription:
    """Change a subscription; naming a review clears the state it followed (and a state, the review), so a
    client can switch the target by sending only the new one."""
    unknown = set(data) - set(SUBSCRIPTION_FIELDS)
    if unknown:
        raise ValidationError({name: "This field cannot be changed." for name in sorted(unknown)})
    data = dict(data)
    if data.get("review") is not None:
        data.setdefault("state_under_review", None)
    if data.get("state_under_review") is not None:
        data.setdefault("review", None)
    for name, value in data.items():
        setattr(subscription, name, value)
    subscription.lead_days = _leads_normalised(subscription.lead_days)
    subscription.kinds = _kinds_normalised(subscription.kinds)
    subscription.full_clean(validate_constraints=False)
    _refuse_duplicate(subscription)
    subscription.save()
    return subscription


@transaction.atomic
def subscription_delete(*, subscription: Subscription) -> None:
    subscription.delete()


def deliveries_send_again(*, deliveries: QuerySet[ReminderDelivery]) -> int:
    """Make the failed ones among `deliveries` pending again, from their first attempt; the next sweep
    enqueues them (and skips any whose deadline has passed). Returns how many."""
    return deliveries.filter(status=ReminderDelivery.Status.FAILED).update(
        status=ReminderDelivery.Status.PENDING, attempts=0, next_attempt_at=None
    )


@transaction.atomic
def deliveries_delete(*, deliveries: QuerySet[ReminderDelivery]) -> int:
    """Forget deliveries (staff, in the admin); the next sweep may create one again if its lead time is still
    ahead. Returns how many."""
    deleted, _by_model = deliveries.delete()
    return deleted


def subscription_unsubscribe(*, subscription_id: int) -> Subscription | None:
    """One-click unsubscribe: deactivate (kept, so the owner can switch it back on). Idempotent."""
    Subscription.objects.filter(pk=subscription_id, is_active=True).update(is_active=False, updated_at=timezone.now())
    return Subscription.objects.filter(pk=subscription_id).select_related("review__state_under_review").first()


# -- the sweep --------------------------------------------------------------------------------------
@dataclass
class SweepReport:
    created: int = 0
    requeued_stuck: int = 0
    enqueued: int = 0
    batches: int = 0
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    retry_later: int = 0

    def __str__(self) -> str:
        return (
            f"{self.created} new deliveries, {self.requeued_stuck} stuck ones requeued, {self.enqueued} enqueued "
            f"in {self.batches} batches; sent {self.sent}, failed {self.failed}, skipped {self.skipped}, "
            f"to retry {self.retry_later}"
        )


def _deliveries_create_due(*, now: dt.datetime) -> int:
    """Create the delivery rows due now that do not exist yet. Returns how many were created."""
    horizon = now + dt.timedelta(days=MAX_LEAD_DAYS + 1)
    deadlines = list(
        Deadline.objects.filter(is_cancelled=False, due_at__gt=now, due_at__lte=horizon).values_list(
            "id", "review_id", "review__state_under_review_id", "kind", "due_at", "timezone"
        )
    )
    if not deadlines:
        return 0
    by_review: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    by_state: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for row in deadlines:
        by_review[row[1]].append(row)
        by_state[row[2]].append(row)
    # Only to confirmed addresses: an address nobody proved to read gets nothing (apps/accounts).
    subscriptions = Subscription.objects.filter(confirmed_email_condition(user_path="user__"), is_active=True).filter(
        Q(review_id__in=list(by_review)) | Q(state_under_review_id__in=list(by_state))
    )
    existing = set(
        ReminderDelivery.objects.filter(deadline_id__in=[d[0] for d in deadlines]).values_list(
            "subscription_id", "deadline_id", "lead_days", "deadline_due_at"
        )
    )
    # Moments are the same for every subscriber with the same lead: compute each once.
    lead_cache: dict[tuple[int, tuple[int, ...]], int | None] = {}
    new: list[ReminderDelivery] = []
    for sub_id, review_id, state_id, kinds, leads in subscriptions.values_list(
        "id", "review_id", "state_under_review_id", "kinds", "lead_days"
    ).iterator(chunk_size=5000):
        candidates = by_review.get(review_id, []) if review_id else by_state.get(state_id, [])
        lead_key = tuple(leads)
        for deadline_id, _, _, kind, due_at, deadline_tz in candidates:
            if kinds and kind not in kinds:
                continue
            cache_key = (deadline_id, lead_key)
            if cache_key not in lead_cache:
                lead_cache[cache_key] = current_lead(due_at=due_at, deadline_tz=deadline_tz, lead_days=leads, now=now)
            lead = lead_cache[cache_key]
            if lead is None or (sub_id, deadline_id, lead, due_at) in existing:
                continue
            new.append(
                ReminderDelivery(
                    subscription_id=sub_id,
                    deadline_id=deadline_id,
                    lead_days=lead,
                    deadline_due_at=due_at,
                    message_id=delivery_message_id(
                        subscription_id=sub_id, deadline_id=deadline_id, lead_days=lead, deadline_due_at=due_at
                    ),
                )
            )
    # A concurrent sweep may have created some of these since: the unique constraint keeps one.
    ReminderDelivery.objects.bulk_create(new, batch_size=2000, ignore_conflicts=True)
    return len(new)


def _batches(ids: Sequence[int], size: int) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):
        yield list(ids[start : start + size])


def reminder_sweep(
    *,
    now: dt.datetime | None = None,
    send_inline: bool = False,
    dispatch: Callable[[list[int]], object] | None = None,
) -> SweepReport:
    """Find the reminders due now and hand them to the sender.

    `dispatch` receives each batch of ids after the transaction commits: the periodic task passes
    send_reminder_batch.delay (so this module never imports the tasks that import it), the benchmark
    a list's append. `send_inline=True` (the management command) sends the batches in this process.
    """
    if dispatch is None and not send_inline:
        raise TypeError("reminder_sweep() needs dispatch= (where each batch goes) or send_inline=True")
    now = now or timezone.now()
    requeue_after = dt.timedelta(seconds=settings.REMINDER_REQUEUE_SECONDS)
    batch_size = settings.REMINDER_BATCH_SIZE
    report = SweepReport()
    with transaction.atomic():
        report.created = _deliveries_create_due(now=now)
        # A worker that died between claim and mark leaves "sending" behind; its e-mail may or may
        # not have left (the one possible duplicate, recognisable by its Message-ID).
        report.requeued_stuck = deliveries_release_orphaned(now=now, requeue_before=now - requeue_after)
        due_ids = deliveries_take_due(now=now, hold_until=now + requeue_after)
        batches = list(_batches(due_ids, batch_size))
        if not send_inline and dispatch is not None:
            for batch in batches:
                # Never enqueued inside the transaction: a worker must find the rows committed.
                transaction.on_commit(partial(dispatch, batch))
    report.enqueued, report.batches = len(due_ids), len(batches)
    if send_inline:
        for batch in batches:
            result = reminder_batch_send(delivery_ids=batch)
            report.sent += result.sent
            report.failed += result.failed
            report.skipped += result.skipped
            report.retry_later += len(result.retry_ids)
    logger.info("reminder sweep: %s", report)
    return report


# -- sending ----------------------------------------------------------------------------------------
@dataclass
class BatchReport:
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    retry_ids: list[int] = field(default_factory=list)
    retry_in: float = 0.0


def _skip_reason(delivery: ReminderDelivery, now: dt.datetime) -> str:
    deadline, subscription = delivery.deadline, delivery.subscription
    if deadline.is_cancelled:
        return "The deadline was cancelled."
    if deadline.due_at != delivery.deadline_due_at:
        return f"The deadline moved to {deadline.due_at:%Y-%m-%d %H:%M} UTC; its new date has its own reminders."
    if not subscription.is_active:
        return "The subscription was switched off."
    if now >= deadline.due_at:
        return "The deadline passed before the reminder could be sent."
    if not subscription.user.email:
        return "The subscriber has no e-mail address."
    if not email_is_confirmed(user=subscription.user):
        return "The subscriber's e-mail address is not confirmed."
    lead = current_lead(
        due_at=deadline.due_at, deadline_tz=deadline.timezone, lead_days=subscription.lead_days, now=now
    )
    if lead != delivery.lead_days:
        return f"Superseded: the {lead}-day reminder is the one due now." if lead else "No longer due."
    return ""


def _smtp_code(exc: Exception) -> int | None:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        return max(codes) if codes else None
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code
    return None


def _error_text(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:2000]


def reminder_batch_send(
    *, delivery_ids: Sequence[int], now_fn: Callable[[], dt.datetime] = timezone.now
) -> BatchReport:
    """Send the pending deliveries among `delivery_ids` over one SMTP connection.

    Returns what to retry and when; the caller (the Celery task) schedules the retry. Safe to run
    twice, or on two workers at once: each delivery is claimed before its e-mail is sent.
    """
    report = BatchReport()
    now = now_fn()
    # A batch redelivered after its process died (prefork: WorkerLostError, the message requeued)
    # takes back at once the delivery that process had in flight, rather than at the next sweep.
    requeue_before = now - dt.timedelta(seconds=settings.REMINDER_REQUEUE_SECONDS)
    deliveries_release_orphaned(now=now, requeue_before=requeue_before, ids=delivery_ids)
    lease = BatchLease(ids=delivery_ids, seconds=settings.REMINDER_LEASE_SECONDS, now_fn=now_fn)
    with lease:
        return _batch_send_leased(delivery_ids=delivery_ids, lease=lease, now_fn=now_fn, report=report)


def _batch_send_leased(
    *, delivery_ids: Sequence[int], lease: BatchLease, now_fn: Callable[[], dt.datetime], report: BatchReport
) -> BatchReport:
    pending = ReminderDelivery.Status.PENDING
    claimer = claimer_identity()
    deliveries = list(
        ReminderDelivery.objects.filter(id__in=delivery_ids, status=pending)
        .select_related(
            "subscription__user__confirmed_email", "deadline__review__state_under_review", "deadline__review__session"
        )
        .order_by("id")
    )
    moved_from = _announced_dates(deliveries)
    ics_cache: dict[tuple[int, dt.datetime], bytes] = {}
    # The "sent" mark of the previous e-mail, written by the same statement as the next claim.
    unmarked: list[tuple[int, dt.datetime, dt.datetime]] = []

    def mark_sent() -> None:
        if unmarked:
            report.sent += mark_sent_and_claim(sent=unmarked.pop(), claim_id=None, now=now_fn())[0]

    relaxed = not settings.REMINDER_SYNCHRONOUS_COMMIT and db_connection.vendor == "postgresql"
    if relaxed:
        with db_connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO OFF")
    connection = get_connection(fail_silently=False)
    try:
        for index, delivery in enumerate(deliveries):
            now = now_fn()
            reason = _skip_reason(delivery, now)
            if reason:
                report.skipped += ReminderDelivery.objects.filter(pk=delivery.pk, status=pending).update(
                    status=ReminderDelivery.Status.SKIPPED, last_error=reason, updated_at=now
                )
                continue
            message = reminder_message_build(
                delivery=delivery,
                now=now,
                ics_cache=ics_cache,
                moved_from=moved_from.get((delivery.subscription_id, delivery.deadline_id)),
            )
            try:
                # Opened (once, or again after a lost connection) before the claim: when the server
                # is down, nothing is left in "sending".
                connection.open()
            except (OSError, smtplib.SMTPException) as exc:
                _retry_later(report, [d.pk for d in deliveries[index:]], exc, now)
                break
            with lease.lock:  # stamped with the lease end the renewal thread looks for
                marked, claimed = mark_sent_and_claim(
                    sent=unmarked.pop() if unmarked else None,
                    claim_id=delivery.pk,
                    now=now,
                    lease_until=lease.until,
                    claimer=claimer,
                )
            report.sent += marked
            if not claimed:
                continue  # sent, skipped or claimed by another worker meanwhile
            mine = ReminderDelivery.objects.filter(
                pk=delivery.pk, status=ReminderDelivery.Status.SENDING, claimed_at=now
            )
            try:
                connection.send_messages([message])
            except (OSError, smtplib.SMTPException) as exc:
                code = _smtp_code(exc)
                if code is not None and code >= 500:
                    report.failed += mine.update(
                        status=ReminderDelivery.Status.FAILED, last_error=_error_text(exc), updated_at=now_fn()
                    )
                    logger.warning("reminder %s failed for good: %s", delivery.pk, exc)
                    continue
                mine.update(status=pending, updated_at=now)
                connection_lost = code is None
                if connection_lost:
                    connection.close()
                    _retry_later(report, [d.pk for d in deliveries[index:]], exc, now, counted=delivery.pk)
                    break
                _retry_later(report, [delivery.pk], exc, now, counted=delivery.pk)
                continue
            unmarked.append((delivery.pk, now, now_fn()))
    finally:
        mark_sent()  # also when an unexpected error ends the batch: those e-mails did go out
        connection.close()
        if relaxed:
            with db_connection.cursor() as cursor:
                cursor.execute("RESET synchronous_commit")
    return report


def _announced_dates(deliveries: Sequence[ReminderDelivery]) -> dict[tuple[int, int], dt.datetime]:
    """(subscription, deadline) → the latest other date a sent reminder announced: the deadline moved."""
    if not deliveries:
        return {}
    earlier = (
        ReminderDelivery.objects.filter(
            subscription_id__in={d.subscription_id for d in deliveries},
            deadline_id__in={d.deadline_id for d in deliveries},
            status=ReminderDelivery.Status.SENT,
        )
        .exclude(deadline_due_at=F("deadline__due_at"))
        .order_by("sent_at")
        .values_list("subscription_id", "deadline_id", "deadline_due_at")
    )
    return {(sub, deadline): due_at for sub, deadline, due_at in earlier}


def _retry_later(
    report: BatchReport, ids: list[int], exc: Exception, now: dt.datetime, counted: int | None = None
) -> None:
    """Count an attempt on each delivery (the claimed one has it already), then back off or give up."""
    pending = ReminderDelivery.Status.PENDING
    rows = ReminderDelivery.objects.filter(id__in=ids, status=pending)
    rows.exclude(pk__in=[counted] if counted else []).update(attempts=F("attempts") + 1)
    exhausted = rows.filter(attempts__gte=settings.REMINDER_MAX_ATTEMPTS)
    report.failed += exhausted.update(
        status=ReminderDelivery.Status.FAILED,
        last_error=f"Gave up after {settings.REMINDER_MAX_ATTEMPTS} attempts. {_error_text(exc)}",
        updated_at=now,
    )
    attempts = max(rows.values_list("attempts", flat=True), default=1)
    delay = retry_delay(
        attempt=attempts, base=settings.REMINDER_RETRY_BASE_SECONDS, cap=settings.REMINDER_RETRY_MAX_SECONDS
    )
    retry_ids = list(rows.values_list("id", flat=True))
    rows.filter(id__in=retry_ids).update(
        last_error=_error_text(exc), next_attempt_at=now + dt.timedelta(seconds=delay), updated_at=now
    )
    report.retry_ids.extend(retry_ids)
    report.retry_in = max(report.retry_in, delay)
    logger.info("reminders %s: retry in %.0f s after %s", retry_ids, delay, exc)
