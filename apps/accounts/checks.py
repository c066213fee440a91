"""Settings checks: a malformed rate fails `manage.py check` (and start-up), not the first request."""

from typing import Any

from django.conf import settings
from django.core import checks

from apps.common.throttling import parse_rate

RATE_SETTINGS = [
    "PASSWORD_RESET_RATE_CLIENT",
    "PASSWORD_RESET_RATE_EMAIL",
    "SIGNUP_RATE_CLIENT",
    "EMAIL_CONFIRMATION_RATE_EMAIL",
]


@checks.register(checks.Tags.security)
def check_rates(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    errors: list[checks.CheckMessage] = []
    for name in RATE_SETTINGS:
        try:
            parse_rate(getattr(settings, name))
        except ValueError as error:
            errors.append(checks.Error(f"{name}: {error}.", id="accounts.E001"))
    return errors
