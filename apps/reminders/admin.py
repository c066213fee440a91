from django.contrib import admin

from apps.reminders.models import ReminderDelivery, Subscription


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["user", "review", "state_under_review", "lead_days", "timezone", "is_active"]
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
    search_fields = ["subscription__user__email", "message_id"]
    raw_id_fields = ["subscription", "deadline"]
