from django.conf import settings
from django.db import models

from apps.common.models import TimeStampedModel
from apps.common.timezones import validate_timezone  # also named by migration 0001


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
