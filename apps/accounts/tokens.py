"""Signed, expiring e-mail confirmation links.

A token names the user, the address to confirm, and the address the account had when it was made:
it confirms nothing once the account's address has changed since (an old link cannot bring an old
address back), and nothing after EMAIL_CONFIRMATION_MAX_AGE_HOURS.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core import signing

SALT = "apps.accounts.email-confirmation"


@dataclass(frozen=True)
class EmailConfirmationClaim:
    user_id: int
    email: str
    previous_email: str


def email_confirmation_token_make(*, user_id: int, email: str, previous_email: str) -> str:
    return signing.dumps({"u": user_id, "e": email, "p": previous_email}, salt=SALT)


def email_confirmation_token_read(*, token: str) -> EmailConfirmationClaim | None:
    """What a token claims, or None when it is tampered with, malformed or expired."""
    try:
        data = signing.loads(token, salt=SALT, max_age=settings.EMAIL_CONFIRMATION_MAX_AGE_HOURS * 3600)
    except signing.BadSignature:  # SignatureExpired is one
        return None
    if not isinstance(data, dict):
        return None
    user_id, email, previous = data.get("u"), data.get("e"), data.get("p")
    if not isinstance(user_id, int) or not isinstance(email, str) or not isinstance(previous, str):
        return None
    return EmailConfirmationClaim(user_id=user_id, email=email, previous_email=previous)
