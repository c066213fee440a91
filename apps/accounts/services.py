"""Writes about accounts: sign-up, e-mail confirmation, passwords and their API tokens, lockouts.

One account per address (case-insensitive; the unique index `user_email_ci_unique` on auth_user holds
it against races). An address receives reminders only once confirmed: by opening a signed, expiring
link sent to it (sign-up, change of address), or because staff set it (the admin, createsuperuser).
"""

import logging
import smtplib
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from apps.accounts.models import ConfirmedEmail
from apps.accounts.selectors import email_in_use, email_is_confirmed
from apps.accounts.tokens import email_confirmation_token_make, email_confirmation_token_read
from apps.common.throttling import RateLimited, rate_limit_hit

logger = logging.getLogger(__name__)


def _address_taken() -> ValidationError:
    return ValidationError({"email": [_("Another account already uses this e-mail address.")]}, code="email_in_use")


def email_normalise(email: str) -> str:
    """The address as stored: trimmed, its domain in lower case (the local part is the owner's)."""
    return BaseUserManager.normalize_email(email.strip())


# -- sign-up ----------------------------------------------------------------------------------------
def user_signup(*, username: str, email: str, password: str, site_url: str) -> tuple[Any, bool]:
    """Create an account with an unconfirmed address and e-mail it the confirmation link.

    Returns the user and whether the link went out (False: the mail server failed; the user can ask
    again from the profile page). The password must have passed the validators (the form's job).
    """
    email = email_normalise(email)
    if email_in_use(email=email):
        raise _address_taken()
    user = get_user_model()(username=username, email=email)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:  # another sign-up took the address or the name meanwhile
        raise _address_taken() from None
    sent = email_confirmation_send(user=user, email=email, site_url=site_url)
    return user, sent


# -- confirmation -----------------------------------------------------------------------------------
def email_confirmation_send(*, user: Any, email: str, site_url: str) -> bool:
    """E-mail `email` a link that, opened, makes it the user's confirmed address.

    At most EMAIL_CONFIRMATION_RATE_EMAIL links per address (RateLimited past it): nobody can use the
    site to flood an inbox. Returns False when the mail server failed (logged), True when sent.
    """
    if rate_limit_hit(scope="email-confirmation", key=email.casefold(), rate=settings.EMAIL_CONFIRMATION_RATE_EMAIL):
        raise RateLimited(
            _("A confirmation link was sent to this address a short while ago: check the inbox, or try again later.")
        )
    token = email_confirmation_token_make(user_id=user.pk, email=email, previous_email=user.email)
    context = {
        "username": user.get_username(),
        "email": email,
        "link": site_url + reverse("accounts:email_confirm", kwargs={"token": token}),
        "hours": settings.EMAIL_CONFIRMATION_MAX_AGE_HOURS,
    }
    message = EmailMessage(
        subject=render_to_string("emails/email-confirm-subject.txt", context).strip(),
        body=render_to_string("emails/email-confirm-body-text.txt", context),
        to=[email],
    )
    try:
        message.send()
    except (OSError, smtplib.SMTPException) as exc:
        logger.warning("confirmation e-mail for user %s not sent: %s", user.pk, exc)
        return False
    return True


@transaction.atomic
def email_confirm(*, token: str) -> Any:
    """Make the address a link names the user's confirmed address. Idempotent; ValidationError when
    the link is forged, expired, out of date (the address changed since) or the address is taken."""
    claim = email_confirmation_token_read(token=token)
    if claim is None:
        raise ValidationError(_("This confirmation link is invalid or has expired. Ask for a new one."), code="invalid")
    user = get_user_model().objects.select_for_update().filter(pk=claim.user_id).first()
    if user is None:
        raise ValidationError(_("This confirmation link is invalid or has expired. Ask for a new one."), code="invalid")
    if user.email == claim.email and email_is_confirmed(user=user):
        return user
    if user.email != claim.previous_email:
        raise ValidationError(
            _("This link is out of date: the account's address has changed since. Ask for a new link."),
            code="stale",
        )
    if email_in_use(email=claim.email, exclude_user_id=user.pk):
        raise _address_taken()
    user.email = claim.email
    try:
        with transaction.atomic():
            user.save(update_fields=["email"])
    except IntegrityError:
        raise _address_taken() from None
    _confirmed_record(user=user, method=ConfirmedEmail.Method.LINK)
    return user


def email_change_request(*, user: Any, email: str, site_url: str) -> bool:
    """Send a link to a new address; the account's address changes (confirmed) when it is opened.

    Until then reminders keep going to the current confirmed address, if any. The same address again,
    unconfirmed, just sends a new link. Returns whether the mail went out.
    """
    email = email_normalise(email)
    if email_in_use(email=email, exclude_user_id=user.pk):
        raise _address_taken()
    if email == user.email and email_is_confirmed(user=user):
        raise ValidationError({"email": [_("This is already your confirmed address.")]}, code="unchanged")
    return email_confirmation_send(user=user, email=email, site_url=site_url)


def email_mark_confirmed(*, user: Any) -> None:
    """Staff set this address (the admin, createsuperuser): it counts as confirmed."""
    if user.email:
        _confirmed_record(user=user, method=ConfirmedEmail.Method.STAFF)


def _confirmed_record(*, user: Any, method: str) -> None:
    ConfirmedEmail.objects.update_or_create(
        user=user, defaults={"email": user.email, "method": method, "confirmed_at": timezone.now()}
    )


# -- passwords and tokens ---------------------------------------------------------------------------
@transaction.atomic
def user_password_set(*, user: AbstractBaseUser, password: str | None) -> int:
    """Set a new password (None: no usable password) and revoke the user's API tokens.

    Every path that changes a password comes here (password change, reset, the admin's form): a token
    obtained with the old password must not outlive it. Returns how many tokens were revoked.
    """
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.save(update_fields=["password"])
    return user_tokens_revoke(user=user)


def user_tokens_revoke(*, user: AbstractBaseUser) -> int:
    deleted, _per_model = Token.objects.filter(user_id=user.pk).delete()
    return deleted


def login_lockout_reset(*, username: str) -> int:
    """Lift the lockout of a username (staff). Returns how many failure records were cleared."""
    from axes.utils import reset

    return int(reset(username=username))
