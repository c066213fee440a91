from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from apps.common.models import TimeStampedModel
from apps.common.timezones import is_known_timezone
from apps.reviews.models import Deadline, Review
from apps.states.models import MemberState

MAX_LEAD_DAYS = 365


def default_lead_days() -> list[int]:
    return [30, 7, 1]


class Subscription(TimeStampedModel):
    """An advocate's wish to be reminded of the deadlines of one review, or of every review of one state."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="subscriptions")
    review = models.ForeignKey(Review, null=True, blank=True, on_delete=models.CASCADE, related_name="subscriptions")
    state_under_review = models.ForeignKey(
        MemberState, null=True, blank=True, on_delete=models.CASCADE, related_name="subscriptions"
    )
    kinds = models.JSONField(
        default=list, blank=True, help_text="Deadline kinds to be reminded of; empty means every kind."
    )
    lead_days = models.JSONField(default=default_lead_days, help_text="Days before each deadline, e.g. [30, 7, 1].")
    timezone = models.CharField(max_length=64, default="Europe/Zurich", help_text="The reader's own time zone.")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(review__isnull=False, state_under_review__isnull=True)
                    | models.Q(review__isnull=True, state_under_review__isnull=False)
                ),
                name="subscription_exactly_one_target",
            ),
            # Identical subscriptions (same user, target, kinds and lead days; the service sorts both
            # lists) would send the same reminder twice. Two constraints: NULL targets never collide.
            models.UniqueConstraint(
                fields=["user", "review", "kinds", "lead_days"],
                condition=models.Q(review__isnull=False),
                name="subscription_unique_review_settings",
            ),
            models.UniqueConstraint(
                fields=["user", "state_under_review", "kinds", "lead_days"],
                condition=models.Q(state_under_review__isnull=False),
                name="subscription_unique_state_settings",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.review or self.state_under_review}"

    def clean(self) -> None:
        # JSON fields hold lists the sweep trusts; checked here so the admin, the API and the pages
        # (all through full_clean) refuse the same bad values.
        errors: dict[str, str] = {}
        if (self.review_id is None) == (self.state_under_review_id is None):
            errors["review"] = "Choose either one review or one state under review."
        leads = self.lead_days
        if (
            not isinstance(leads, list)
            or not leads
            or not all(isinstance(d, int) and not isinstance(d, bool) and 1 <= d <= MAX_LEAD_DAYS for d in leads)
        ):
            errors["lead_days"] = f"Give one or more whole numbers of days between 1 and {MAX_LEAD_DAYS}."
        elif len(set(leads)) != len(leads):
            errors["lead_days"] = "Each lead time may appear once."
        kinds = self.kinds
        known = set(Deadline.Kind.values)
        if not isinstance(kinds, list) or not all(isinstance(k, str) and k in known for k in kinds):
            errors["kinds"] = "Unknown deadline kind; choose among: " + ", ".join(sorted(known)) + "."
        if not is_known_timezone(self.timezone):
            errors["timezone"] = f"Unknown time zone {self.timezone!r}; use an IANA name such as Asia/Seoul."
        if errors:
            raise ValidationError(errors)


class ReminderDelivery(TimeStampedModel):
    """One reminder e-mail: (subscription, deadline, lead time), claimed before it is sent."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        # Never sent, on purpose: the deadline moved or was cancelled, a nearer lead took over, or the
        # subscription ended before the e-mail went out. last_error says which.
        SKIPPED = "skipped", "Skipped"

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="deliveries")
    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="deliveries")
    lead_days = models.PositiveSmallIntegerField()
    deadline_due_at = models.DateTimeField(help_text="The deadline's moment when this reminder was scheduled.")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    message_id = models.CharField(max_length=200, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(
        max_length=255,
        blank=True,
        help_text="The process that claimed it last (host/PID namespace:PID:start time), checked for liveness.",
    )
    next_attempt_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=(
            "Pending: not enqueued again before this moment (backoff after an error, already enqueued, or "
            "leased by a running batch). Sending: the end of the sender's lease, renewed while it runs."
        ),
    )
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "reminder deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "deadline", "lead_days", "deadline_due_at"],
                name="delivery_once_per_subscription_deadline_lead",
            ),
        ]
        indexes = [
            # Used by the sweep to find deliveries stuck in "sending" (a worker died mid-send: an expired
            # lease, a dead claimer, or a claim older than REMINDER_REQUEUE_SECONDS).
            models.Index(fields=["status", "claimed_at"], name="delivery_status_claimed_idx"),
            # Used by the sweep to find pending deliveries whose next attempt is due.
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status="pending"),
                name="delivery_pending_next_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.deadline} −{self.lead_days}d → {self.subscription.user} ({self.status})"
