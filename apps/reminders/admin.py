from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from apps.reminders.models import ReminderDelivery, Subscription


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["user", "review", "state_under_review", "kinds", "lead_days", "timezone", "is_active"]
    list_filter = ["is_active"]
    list_select_related = ["user", "review__state_under_review", "review__session", "state_under_review"]
    search_fields = ["user__username", "user__email", "state_under_review__name"]
    autocomplete_fields = ["user", "review", "state_under_review"]


@admin.register(ReminderDelivery)
class ReminderDeliveryAdmin(admin.ModelAdmin):
    list_display = ["deadline", "subscription", "lead_days", "status", "attempts", "sent_at", "last_error"]
    list_filter = ["status", "lead_days"]
    list_select_related = [
        "deadline__review__state_under_review",
        "deadline__review__session",
        "subscription__user",
        "subscription__review__state_under_review",
        "subscription__review__session",
        "subscription__state_under_review",
    ]
    search_fields = ["subscription__user__email", "message_id", "last_error"]
    raw_id_fields = ["subscription", "deadline"]
    # A delivery's record is written by the sender; staff read it (and may resend a failed one).
    delivery_record = [
        "subscription",
        "deadline",
        "lead_days",
        "deadline_due_at",
        "status",
        "attempts",
        "last_error",
        "message_id",
        "claimed_at",
        "claimed_by",
        "next_attempt_at",
        "sent_at",
    ]
    actions = ["send_again"]

    def get_readonly_fields(self, request: HttpRequest, obj: ReminderDelivery | None = None) -> list[str]:
        return self.delivery_record if obj is not None else []

    @admin.action(description="Send the selected failed deliveries again")
    def send_again(self, request: HttpRequest, queryset: QuerySet[ReminderDelivery]) -> None:
        # Pending again: the next sweep enqueues them (and skips any whose deadline has passed).
        count = queryset.filter(status=ReminderDelivery.Status.FAILED).update(
            status=ReminderDelivery.Status.PENDING, attempts=0, next_attempt_at=None
        )
        self.message_user(request, f"{count} deliveries will be sent at the next sweep.", messages.SUCCESS)
