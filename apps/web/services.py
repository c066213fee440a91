"""Writes of the workspace's own data: the reader's profile."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from apps.web.models import Profile


@transaction.atomic
def profile_update(*, user: AbstractBaseUser, timezone: str) -> Profile:
    """Create or change the reader's profile; the time zone must be a known IANA name."""
    profile, _ = Profile.objects.get_or_create(user_id=user.pk)
    profile.timezone = timezone
    profile.full_clean()
    profile.save(update_fields=["timezone", "updated_at"])
    return profile
