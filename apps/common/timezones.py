"""Time zone names: one check for every field that stores one (deadlines, subscriptions, profiles)."""

import functools
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError


@functools.cache
def known_timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def is_known_timezone(name: object) -> bool:
    # Looked up in the list, not by loading: ZoneInfo("Europe") is a folder and raises IsADirectoryError.
    return isinstance(name, str) and name in known_timezones()


def zone_or_geneva(name: str | None) -> zoneinfo.ZoneInfo:
    """The named zone; Geneva's where the name is empty or not a zone (data typed in before validation)."""
    return zoneinfo.ZoneInfo(name if name and is_known_timezone(name) else settings.GENEVA_TZ)


def validate_timezone(value: str) -> None:
    """An IANA time zone name that the server's tz database knows, such as Asia/Seoul."""
    if not is_known_timezone(value):
        raise ValidationError(f"“{value}” is not a time zone name such as Europe/Zurich or Asia/Seoul.")
