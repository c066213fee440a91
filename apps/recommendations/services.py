"""Writes to recommendations and themes. Views, serializers and commands call these, never the ORM directly."""

from django.db.models import QuerySet

from apps.recommendations.models import Recommendation


def recommendation_search_refresh(*, recommendations: QuerySet[Recommendation] | None = None) -> int:
    """Recompute the stored full-text search vector; a no-op off PostgreSQL. Returns rows touched.

    The API issue fills this in (the GIN-indexed search vector); until then there is nothing to refresh.
    """
    return 0
