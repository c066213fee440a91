"""Reads for reminders: subscriptions and deliveries, with the joins their pages need."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from apps.reminders.models import Subscription


def subscription_list_for_user(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[Subscription]:
    """The user's own subscriptions, newest first (the dashboard and the subscriptions page list them)."""
    if not user.is_authenticated:
        return Subscription.objects.none()
    return Subscription.objects.filter(user_id=user.pk).select_related(
        "review__state_under_review", "review__session", "state_under_review"
    )
