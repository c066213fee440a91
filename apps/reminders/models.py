from django.conf import settings
from django.db import models

from apps.common.models import TimeStampedModel
from apps.reviews.models import Deadline, Review
from apps.states.models import MemberState


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
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.review or self.state_under_review}"


class ReminderDelivery(TimeStampedModel):
    """One reminder e-mail: (subscription, deadline, lead time), claimed before it is sent."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="deliveries")
    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="deliveries")
    lead_days = models.PositiveSmallIntegerField()
    deadline_due_at = models.DateTimeField(help_text="The deadline's moment when this reminder was scheduled.")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    message_id = models.CharField(max_length=200, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
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
            # Used by the sweep to find deliveries to (re)send.
            models.Index(fields=["status", "claimed_at"], name="delivery_status_claimed_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.deadline} −{self.lead_days}d → {self.subscription.user} ({self.status})"
