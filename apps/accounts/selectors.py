"""Reads about accounts: is an address confirmed, who may receive mail."""

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import F, Q

from apps.accounts.models import ConfirmedEmail


def confirmed_email_condition(*, user_path: str = "") -> Q:
    """A filter on a query reaching the user by `user_path` (e.g. "user__"): its current, non-empty
    address is the one it confirmed. The reminder sweep selects subscriptions with it."""
    return Q(**{f"{user_path}confirmed_email__email": F(f"{user_path}email")}) & ~Q(**{f"{user_path}email": ""})


def email_is_confirmed(*, user: Any) -> bool:
    """True when the user's current address is confirmed (uses a select_related `confirmed_email` if loaded)."""
    if not getattr(user, "email", ""):
        return False
    try:
        confirmed = user.confirmed_email
    except ConfirmedEmail.DoesNotExist:
        return False
    return bool(confirmed.email == user.email)


def email_in_use(*, email: str, exclude_user_id: int | None = None) -> bool:
    """True when another account has this address (case-insensitive), as the unique index counts it."""
    users = get_user_model().objects.filter(email__iexact=email.strip())
    if exclude_user_id is not None:
        users = users.exclude(pk=exclude_user_id)
    return bool(email.strip()) and users.exists()
