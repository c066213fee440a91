"""Signed one-click unsubscribe tokens: they name one subscription and cannot be forged or altered."""

from django.core import signing

SALT = "apps.reminders.unsubscribe"


def unsubscribe_token_make(*, subscription_id: int) -> str:
    return signing.Signer(salt=SALT).sign(str(subscription_id))


def unsubscribe_token_read(*, token: str) -> int | None:
    """The subscription id a token names, or None when it is tampered with or malformed."""
    try:
        value = signing.Signer(salt=SALT).unsign(token)
    except signing.BadSignature:
        return None
    return int(value) if value.isdigit() else None
