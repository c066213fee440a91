from typing import Any

from django.core.management.base import BaseCommand

from apps.reminders.services import reminder_sweep


class Command(BaseCommand):
    help = "Run one reminder sweep and send the due reminders in this process (same code as the periodic task)."

    def handle(self, *args: Any, **options: Any) -> None:
        report = reminder_sweep(send_inline=True)
        self.stdout.write(str(report))
