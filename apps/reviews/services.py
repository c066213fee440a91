"""Writes to cycles, sessions, reviews, deadlines and statements."""

from django.db.models import QuerySet

from apps.reviews.models import Statement


def statement_search_refresh(*, statements: QuerySet[Statement] | None = None) -> int:
    """Recompute the stored full-text search vector of statements; a no-op off PostgreSQL."""
    return 0
