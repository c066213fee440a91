"""Subscriptions and deliveries in the admin; writes go through apps/reminders/services.py."""

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from apps.common.admin import ServiceModelAdmin
from apps.reminders import services
from apps.reminders.models import ReminderDelivery, Subscription


@admin.register(Subscription)
class SubscriptionAdmin(ServiceModelAdmin):
    list_display = ["user", "review", "state_under_review", "kinds", "lead_days", "timezone", "is_active"]
    list_filter = ["is_active"]
    list_select_related = ["user", "review__state_under_review", "review__session", "state_under_review"]
    search_fields = ["user__username", "user__email", "state_under_review__name"]
    autocomplete_fields = ["user", "review", "state_under_review"]

    def service_create(self, request: HttpRequest, data: dict[str, Any]) -> Subscription:
        timezone_name = data.pop("timezone")
        return services.subscription_create(**data, timezone_name=timezone_name)

    def get_readonly_fields(self, request: HttpRequest, obj: Subscription | None = None) -> list[str]:
        return ["user"] if obj is not None else []  # a subscription stays its owner's

    def service_update(self, request: HttpRequest, obj: Subscription, data: dict[str, Any]) -> Subscription:
        return services.subscription_update(subscription=obj, data=data)

    def service_delete(self, request: HttpRequest, obj: Subscription) -> None:
        services.subscription_delete(subscription=obj)


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
    # A delivery's record is written by the sweep and the sender; staff read it, may resend a failed one
    # (send_again) or delete it (the next sweep may then create it again, if its lead time is still ahead).
    actions = ["send_again"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ReminderDelivery | None = None) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: ReminderDelivery) -> None:
        services.deliveries_delete(deliveries=ReminderDelivery.objects.filter(pk=obj.pk))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[ReminderDelivery]) -> None:
        services.deliveries_delete(deliveries=queryset)

    @admin.action(description="Send the selected failed deliveries again")
    def send_again(self, request: HttpRequest, queryset: QuerySet[ReminderDelivery]) -> None:
        count = services.deliveries_send_again(deliveries=queryset)
        self.message_user(request, f"{count} deliveries will be sent at the next sweep.", messages.SUCCESS)
