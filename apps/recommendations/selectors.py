"""Reads of recommendations and themes: the API, the explorer pages and the exports build on these."""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import F, Prefetch, QuerySet

from apps.recommendations.filters import RecommendationFilter
from apps.recommendations.models import Recommendation
from apps.states.models import MemberState
from apps.vocabulary.models import Theme


def recommendation_base_list() -> QuerySet[Recommendation]:
    """Every recommendation with what a list shows, in a constant number of queries (1 + 2 prefetches)."""
    return Recommendation.objects.select_related(
        "review__state_under_review", "review__session__cycle"
    ).prefetch_related(
        Prefetch("recommending_states", queryset=MemberState.objects.only("id", "iso3", "name")),
        # The link's mention rides on the same join the prefetch makes (one query, no extra join).
        Prefetch(
            "themes",
            queryset=Theme.objects.only("id", "scheme", "code", "name").annotate(
                mention=F("recommendationtheme__mention")
            ),
        ),
    )


def recommendation_refs_attach(recommendations: list[Recommendation]) -> list[Recommendation]:
    """Set `state_refs` and `theme_refs` on each recommendation: plain dicts, in the prefetches' order.

    For a list page fetched without recommendation_base_list()'s prefetches: two queries as those make, but
    no model instances and none of the reference cycles a prefetch leaves on each row, which only a full
    garbage collection frees (~45 ms each, in the API's p95).
    """
    ids = [rec.pk for rec in recommendations]
    states: dict[int, list[dict[str, Any]]] = {pk: [] for pk in ids}
    themes: dict[int, list[dict[str, Any]]] = {pk: [] for pk in ids}
    if ids:
        state_links = (
            Recommendation.recommending_states.through.objects.filter(recommendation_id__in=ids)
            .order_by("memberstate__name", "memberstate_id")  # MemberState.Meta.ordering, as the prefetch
            .values_list("recommendation_id", "memberstate__iso3", "memberstate__name")
        )
        for rec_id, iso3, name in state_links:
            states[rec_id].append({"iso3": iso3, "name": name})
        theme_links = (
            Recommendation.themes.through.objects.filter(recommendation_id__in=ids)
            .order_by("theme__scheme", "theme__code", "theme_id")  # Theme.Meta.ordering, as the prefetch
            .values_list("recommendation_id", "theme_id", "theme__scheme", "theme__code", "theme__name", "mention")
        )
        for rec_id, theme_id, scheme, code, name, mention in theme_links:
            themes[rec_id].append({"id": theme_id, "scheme": scheme, "code": code, "name": name, "mention": mention})
    for rec in recommendations:
        rec.state_refs = states[rec.pk]  # type: ignore[attr-defined]
        rec.theme_refs = themes[rec.pk]  # type: ignore[attr-defined]
    return recommendations


def recommendation_list(*, filters: Mapping[str, Any] | None = None) -> QuerySet[Recommendation]:
    """Recommendations matching `filters` (the RecommendationFilter's parameters, e.g. a request's GET).

    Raises ValidationError naming the parameter when a value is unknown (an ISO3 code, a theme code, ...).
    """
    queryset = recommendation_base_list()
    if not filters:
        return queryset
    filterset = RecommendationFilter(filters, queryset=queryset)
    if not filterset.is_valid():
        raise ValidationError(filterset.errors)
    return filterset.qs


def theme_list() -> QuerySet[Theme]:
    return Theme.objects.all()
