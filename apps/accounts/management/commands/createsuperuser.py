"""Django's createsuperuser; the address given counts as confirmed (whoever runs it administers the site)."""

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.management.commands import createsuperuser

from apps.accounts.services import email_mark_confirmed


class Command(createsuperuser.Command):
    def handle(self, *args: Any, **options: Any) -> None:
        users = get_user_model()._default_manager.db_manager(options["database"])
        before = set(users.values_list("pk", flat=True))
        super().handle(*args, **options)
        for user in users.exclude(pk__in=before).filter(is_superuser=True).exclude(email=""):
            email_mark_confirmed(user=user)
