"""Reads for reminders: subscriptions and deliveries, with the joins their pages need."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from apps.reminders.models import Subscription
from apps.reviews.models import Deadline


def subscription_list_for_user(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[Subscription]:
    """The user's own subscriptions, newest first (the dashboard and the subscriptions page list them)."""
    if not user.is_authenticated:
        return Subscription.objects.none()
    return Subscription.objects.filter(user_id=user.pk).select_related(
        "review__state_under_review", "review__session", "state_under_review"
    )


def subscription_get_for_user(*, user: AbstractBaseUser | AnonymousUser, pk: int) -> Subscription | None:
    """One of the user's own subscriptions; None for another user's (the caller answers 404)."""
    return subscription_list_for_user(user=user).filter(pk=pk).first()


def deadline_calendar_list(*, review_id: int | None = None, state_iso3: str | None = None) -> QuerySet[Deadline]:
    """Deadlines for a calendar feed, cancelled ones included (so calendars drop them), oldest first."""
    deadlines = Deadline.objects.select_related("review__state_under_review", "review__session").order_by(
        "due_at", "id"
    )
    if review_id is not None:
        deadlines = deadlines.filter(review_id=review_id)
    if state_iso3:
        deadlines = deadlines.filter(review__state_under_review__iso3=state_iso3.upper())
    return deadlines
