"""Load the reference data in fixtures/ (member states, calendar, China's reviews, themes, recommendations).

Idempotent: the fixtures carry their primary keys, so a second run updates rows in place.
"""

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from apps.accounts.groups import editors_group_sync
from apps.recommendations.services import recommendation_search_refresh
from apps.reviews.services import statement_search_refresh

FIXTURES = sorted((settings.BASE_DIR / "fixtures").glob("[0-9][0-9]_*.json"))


class Command(BaseCommand):
    help = "Load the reference data (fixtures/*.json) into the database; safe to run again."

    def handle(self, *args: Any, **options: Any) -> None:
        verbosity = options["verbosity"]
        for fixture in FIXTURES:
            call_command("loaddata", str(fixture), verbosity=verbosity)
        editors_group_sync()
        # Fixtures load raw, without services: bring the derived search columns up to date.
        recommendations = recommendation_search_refresh()
        statements = statement_search_refresh()
        if verbosity:
            self.stdout.write(
                f"Search index refreshed for {recommendations} recommendations and {statements} statements."
            )
