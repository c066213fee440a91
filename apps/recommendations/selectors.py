"""Reads of recommendations and themes: the API, the explorer pages and the exports build on these."""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet

from apps.common.search import search_queryset
from apps.recommendations.models import Recommendation, Theme
from apps.states.models import MemberState


def recommendation_base_list() -> QuerySet[Recommendation]:
    """Every recommendation with what a list shows, in a constant number of queries (1 + 2 prefetches)."""
    return Recommendation.objects.select_related(
        "review__state_under_review", "review__session__cycle"
    ).prefetch_related(
        Prefetch("recommending_states", queryset=MemberState.objects.only("id", "iso3", "name")),
        Prefetch("themes", queryset=Theme.objects.only("id", "scheme", "code", "name")),
    )


def recommendation_search(queryset: QuerySet[Recommendation], q: str) -> QuerySet[Recommendation]:
    """Full-text search (web-search syntax), best match first, with a `snippet` of the text."""
    return search_queryset(queryset, q, headline_field="text")


def recommendation_list(*, filters: Mapping[str, Any] | None = None) -> QuerySet[Recommendation]:
    """Recommendations matching `filters` (the RecommendationFilter's parameters, e.g. a request's GET).

    Raises ValidationError naming the parameter when a value is unknown (an ISO3 code, a theme code, ...).
    """
    queryset = recommendation_base_list()
    if not filters:
        return queryset
    from apps.recommendations.filters import RecommendationFilter  # the FilterSet builds on this module

    filterset = RecommendationFilter(filters, queryset=queryset)
    if not filterset.is_valid():
        raise ValidationError(filterset.errors)
    return filterset.qs


def theme_list() -> QuerySet[Theme]:
    return Theme.objects.all()
