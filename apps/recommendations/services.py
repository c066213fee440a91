"""Writes to recommendations and themes. Views, serializers and commands call these, never the ORM directly."""

from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.postgres.search import SearchVector
from django.core.exceptions import ValidationError
from django.db import connections, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from apps.common.search import SEARCH_CONFIG
from apps.common.services import editable_fields, record_assign, record_save
from apps.recommendations.export_requests import dataset_rebuild_request
from apps.recommendations.fields import RECOMMENDATION_FIELD_NAMES
from apps.recommendations.fingerprint import recommendation_fingerprint
from apps.recommendations.models import Recommendation, RecommendationTheme
from apps.reviews.models import Review
from apps.states.models import MemberState
from apps.states.selectors import state_spellings
from apps.vocabulary.models import Theme


def _states_set(recommendation: Recommendation, recommending_states: Iterable[MemberState] | None) -> None:
    if recommending_states is None:
        return
    states = list(recommending_states)
    if not states:
        raise ValidationError({"recommending_states": _("At least one recommending state is required.")})
    recommendation.recommending_states.set(states)


def _themes_set(
    recommendation: Recommendation, themes: Iterable[Theme] | None, theme_mentions: Mapping[Theme, str] | None
) -> None:
    if themes is None and theme_mentions is None:
        return
    links = {link.theme_id: link for link in RecommendationTheme.objects.filter(recommendation=recommendation)}
    wanted = list(themes) if themes is not None else [link.theme for link in links.values()]
    mentions = dict(theme_mentions or {})
    for theme in mentions:
        if theme not in wanted:
            wanted.append(theme)
    valid = set(RecommendationTheme.Mention.values)
    bad = [str(mention) for mention in mentions.values() if mention not in valid]
    if bad:
        raise ValidationError(
            {"theme_mentions": _("Unknown mention %(mention)r: explicit, related or empty.") % {"mention": bad[0]}}
        )
    RecommendationTheme.objects.filter(recommendation=recommendation).exclude(
        theme__in=[theme.pk for theme in wanted]
    ).delete()
    for theme in wanted:
        # A theme kept without a new mention keeps the one it had.
        mention = mentions.get(theme, links[theme.pk].mention if theme.pk in links else "")
        RecommendationTheme.objects.update_or_create(
            recommendation=recommendation, theme=theme, defaults={"mention": mention}
        )


@transaction.atomic
def recommendation_themes_set(
    *,
    recommendation: Recommendation,
    themes: Iterable[Theme] | None = None,
    theme_mentions: Mapping[Theme, str] | None = None,
) -> Recommendation:
    """Link the recommendation to exactly `themes` (None: keep the linked ones), each with its mention.

    `theme_mentions` says, per theme, whether the text names it explicitly or is related
    (RecommendationTheme.Mention); a theme listed there is linked even if not in `themes`, and a theme
    linked without a mention given keeps the one it had (a new link: "", as coded).
    """
    _themes_set(recommendation, themes, theme_mentions)
    dataset_rebuild_request()
    return recommendation


def _fingerprint(recommendation: Recommendation, states: Iterable[MemberState] | None) -> str:
    """The text's fingerprint, without the attributions naming its recommending states ("… (Japan);")."""
    if states is None:
        states = recommendation.recommending_states.all() if recommendation.pk else []
    return recommendation_fingerprint(recommendation.text, state_names=state_spellings(states=states))


@transaction.atomic
def recommendation_create(
    *,
    review: Review,
    text: str,
    recommending_states: Iterable[MemberState],
    themes: Iterable[Theme] = (),
    theme_mentions: Mapping[Theme, str] | None = None,
    **fields: Any,
) -> Recommendation:
    """Add a recommendation to a review; `fields` are among RECOMMENDATION_FIELD_NAMES (fields.py).

    `theme_mentions` says, per theme, whether the text names it explicitly or is related
    (RecommendationTheme.Mention); a theme listed there is linked even if not in `themes`.
    """
    unknown = set(fields) - set(RECOMMENDATION_FIELD_NAMES)
    if unknown:
        raise ValidationError({name: _("Unknown field.") for name in unknown})
    states = list(recommending_states)
    recommendation = Recommendation(review=review, text=text, **fields)
    recommendation.fingerprint = _fingerprint(recommendation, states)
    recommendation.full_clean()
    recommendation.save()
    _states_set(recommendation, states)
    _themes_set(recommendation, themes, theme_mentions)
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
    theme_mentions: Mapping[Theme, str] | None = None,
) -> Recommendation:
    unknown = set(data) - {*RECOMMENDATION_FIELD_NAMES, "review"}
    if unknown:
        raise ValidationError({name: _("This field cannot be changed.") for name in unknown})
    for name, value in data.items():
        setattr(recommendation, name, value)
    states = list(recommending_states) if recommending_states is not None else None
    recommendation.fingerprint = _fingerprint(recommendation, states)
    recommendation.full_clean()
    recommendation.save()
    _states_set(recommendation, states)
    _themes_set(recommendation, themes, theme_mentions)
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


# -- themes -----------------------------------------------------------------------------------------
# A theme's scheme, code and name are in every export of its recommendations and statements.
@transaction.atomic
def theme_create(**fields: Any) -> Theme:
    theme = Theme()
    record_assign(theme, fields, fields=editable_fields(Theme))
    record_save(theme)
    dataset_rebuild_request()
    return theme


@transaction.atomic
def theme_update(*, theme: Theme, data: Mapping[str, Any]) -> Theme:
    record_assign(theme, data, fields=editable_fields(Theme))
    record_save(theme)
    dataset_rebuild_request()
    return theme


@transaction.atomic
def theme_delete(*, theme: Theme) -> None:
    """Its links to recommendations and statements go with it."""
    theme.delete()
    dataset_rebuild_request()
