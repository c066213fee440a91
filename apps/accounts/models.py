"""What an account proves about its e-mail address. The user itself is Django's `auth.User`.

Migration 0002 adds to `auth_user` the unique index `user_email_ci_unique` (one account per address,
case-insensitive, empty addresses aside).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.common.models import TimeStampedModel


class ConfirmedEmail(TimeStampedModel):
    """The address a user is known to receive mail at. Reminders go only to a user whose current address
    is this one: an address changed by any path (a form, the admin, the shell) is unconfirmed until proved."""

    class Method(models.TextChoices):
        LINK = "link", _("Confirmation link opened")
        STAFF = "staff", _("Set by staff")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="confirmed_email")
    email = models.EmailField(help_text=_("The address as it was confirmed, exactly."))
    method = models.CharField(max_length=8, choices=Method.choices)
    confirmed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("confirmed e-mail address")
        verbose_name_plural = _("confirmed e-mail addresses")

    def __str__(self) -> str:
        return f"{self.email} ({self.get_method_display()})"
