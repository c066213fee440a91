import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from apps.common.models import TimeStampedModel


def validate_timezone(value: str) -> None:
    """An IANA time zone name that the server's tz database knows, such as Asia/Seoul."""
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"“{value}” is not a time zone name such as Europe/Zurich or Asia/Seoul.")


class Profile(TimeStampedModel):
    """What the workspace remembers about a reader: the time zone times are shown in besides Geneva's."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="web_profile")
    # No `choices`: the tz database changes with each tzdata release, which would churn migrations.
    timezone = models.CharField(
        max_length=64,
        default="Europe/Zurich",
        validators=[validate_timezone],
        help_text="IANA time zone of the reader, e.g. Asia/Seoul; Geneva time is always shown too.",
    )

    def __str__(self) -> str:
        return f"{self.user} ({self.timezone})"
