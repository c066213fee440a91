"""Writes to recommendations and themes. Views, serializers and commands call these, never the ORM directly."""

from collections.abc import Iterable
from typing import Any

from django.contrib.postgres.search import SearchVector
from django.core.exceptions import ValidationError
from django.db import connections, transaction
from django.db.models import QuerySet

from apps.common.search import SEARCH_CONFIG
from apps.recommendations.exports.services import dataset_rebuild_request
from apps.recommendations.fingerprint import recommendation_fingerprint
from apps.recommendations.models import Recommendation, Theme
from apps.reviews.models import Review
from apps.states.models import MemberState

RECOMMENDATION_FIELDS = [
    "paragraph",
    "text",
    "text_status",
    "text_source",
    "response",
    "response_label",
    "response_source",
    "action_category",
    "affected_persons",
    "source_document",
    "note",
]


def _set_relations(
    recommendation: Recommendation,
    recommending_states: Iterable[MemberState] | None,
    themes: Iterable[Theme] | None,
) -> None:
    if recommending_states is not None:
        states = list(recommending_states)
        if not states:
            raise ValidationError({"recommending_states": "At least one recommending state is required."})
        recommendation.recommending_states.set(states)
    if themes is not None:
        recommendation.themes.set(list(themes))


@transaction.atomic
def recommendation_create(
    *,
    review: Review,
    text: str,
    recommending_states: Iterable[MemberState],
    themes: Iterable[Theme] = (),
    **fields: Any,
) -> Recommendation:
    """Add a recommendation to a review; `fields` are among RECOMMENDATION_FIELDS."""
    unknown = set(fields) - set(RECOMMENDATION_FIELDS)
    if unknown:
        raise ValidationError({name: "Unknown field." for name in unknown})
    recommendation = Recommendation(review=review, text=text, **fields)
    recommendation.fingerprint = recommendation_fingerprint(text)
    recommendation.full_clean()
    recommendation.save()
    _set_relations(recommendation, recommending_states, themes)
    recommendation_search_refresh(recommendations=Recommendation.objects.filter(pk=recommendation.pk))
    dataset_rebuild_request()
    return recommendation


@transaction.atomic
def recommendation_update(
    *,
    recommendation: Recommendation,
    data: dict[str, Any],
    recommending_states: Iterable[MemberState] | None = None,
    themes: Iterable[Theme] | None = None,
) -> Recommendation:
    unknown = set(data) - {*RECOMMENDATION_FIELDS, "review"}
    if unknown:
        raise ValidationError({name: "This field cannot be changed." for name in unknown})
    for name, value in data.items():
        setattr(recommendation, name, value)
    recommendation.fingerprint = recommendation_fingerprint(recommendation.text)
    recommendation.full_clean()
    recommendation.save()
    _set_relations(recommendation, recommending_states, themes)
    recommendation_search_refresh(recommendations=Recommendation.objects.filter(pk=recommendation.pk))
    dataset_rebuild_request()
    return recommendation


@transaction.atomic
def recommendation_delete(*, recommendation: Recommendation) -> None:
    recommendation.delete()
    dataset_rebuild_request()


def recommendation_search_refresh(*, recommendations: QuerySet[Recommendation] | None = None) -> int:
    """Recompute the stored full-text search vector (all rows when none are given); a no-op off PostgreSQL.

    Weights: the paragraph number (A), the text (B), affected persons and the note (C). Returns rows touched.
    """
    if recommendations is None:
        recommendations = Recommendation.objects.all()
    if connections[recommendations.db].vendor != "postgresql":
        return 0
    vector = (
        SearchVector("paragraph", weight="A", config=SEARCH_CONFIG)
        + SearchVector("text", weight="B", config=SEARCH_CONFIG)
        + SearchVector("affected_persons", "note", weight="C", config=SEARCH_CONFIG)
    )
    return recommendations.update(search_vector=vector)
