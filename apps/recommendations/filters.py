"""The recommendations' query parameters, shared by the API and the explorer page."""

from typing import Any

import django_filters
from django.db.models import QuerySet

from apps.common.api_filters import IsoCodeFilter, StrictBooleanFilter, in_subquery
from apps.common.search import search_queryset
from apps.recommendations.models import Recommendation, RecommendationTheme
from apps.reviews.models import Cycle, Review, Session
from apps.states.models import MemberState
from apps.vocabulary.models import DPRK_REFUGEES_THEME_CODE, Theme


class RecommendationFilter(django_filters.FilterSet):
    state_under_review = IsoCodeFilter(
        queryset=MemberState.objects.all(),
        to_field_name="iso3",
        method="filter_state_under_review",
        label="State under review (ISO 3166 alpha-3, repeatable: any of them)",
    )
    recommending_state = IsoCodeFilter(
        queryset=MemberState.objects.all(),
        to_field_name="iso3",
        method="filter_recommending_state",
        label="Recommending state (ISO 3166 alpha-3, repeatable: any of them)",
    )
    cycle = django_filters.ModelChoiceFilter(
        queryset=Cycle.objects.all(), to_field_name="number", field_name="review__session__cycle", label="Cycle number"
    )
    session = django_filters.ModelChoiceFilter(
        queryset=Session.objects.all(),
        to_field_name="number",
        field_name="review__session",
        label="Working Group session number",
    )
    review = django_filters.ModelChoiceFilter(queryset=Review.objects.all(), label="Review id")
    response = django_filters.ChoiceFilter(choices=Recommendation.Response.choices)
    action_category = django_filters.TypedChoiceFilter(
        choices=[(str(n), str(n)) for n in range(1, 6)], coerce=int, label="UPR Info action category, 1 to 5"
    )
    theme = django_filters.ModelMultipleChoiceFilter(
        queryset=Theme.objects.all(),
        to_field_name="code",
        method="filter_theme",
        label="Theme code, e.g. G5 or dprk-refugees (repeatable: any of them)",
    )
    mention = django_filters.ChoiceFilter(
        choices=[(value, label) for value, label in RecommendationTheme.Mention.choices if value],
        method="filter_mention",
        label=(
            "With theme: only links that name the theme explicitly, or that are only related to it. Without "
            "theme, applies to the project theme dprk-refugees."
        ),
    )
    verbatim = StrictBooleanFilter(
        method="filter_verbatim", label="true: verbatim UN text only; false: reported paraphrases only"
    )
    q = django_filters.CharFilter(
        method="filter_q",
        label='Full-text search, web-search syntax: "quoted phrase", -excluded, or. Results by rank.',
    )
    ordering = django_filters.OrderingFilter(
        fields=(
            ("id", "id"),
            ("review__session__number", "session"),
            ("paragraph", "paragraph"),
            ("response", "response"),
            ("action_category", "action_category"),
            ("created_at", "created_at"),
            ("updated_at", "updated_at"),
        ),
        label="Order by (prefix - for descending). Without it, by rank when q is given, else by review.",
    )

    class Meta:
        model = Recommendation
        fields: list[str] = []

    def filter_state_under_review(self, queryset: QuerySet[Recommendation], name: str, value: Any) -> Any:
        return queryset.filter(review__state_under_review__in=value) if value else queryset

    def filter_recommending_state(self, queryset: QuerySet[Recommendation], name: str, value: Any) -> Any:
        if not value:
            return queryset
        through = Recommendation.recommending_states.through
        return queryset.filter(pk__in=in_subquery(through, "recommendation_id", "memberstate", value))

    def filter_theme(self, queryset: QuerySet[Recommendation], name: str, value: Any) -> Any:
        if not value:
            return queryset
        return queryset.filter(pk__in=in_subquery(Recommendation.themes.through, "recommendation_id", "theme", value))

    def filter_mention(self, queryset: QuerySet[Recommendation], name: str, value: str) -> Any:
        if not value:
            return queryset
        themes = list(self.form.cleaned_data.get("theme") or [])
        if not themes:
            themes = list(Theme.objects.filter(scheme=Theme.Scheme.PROJECT, code=DPRK_REFUGEES_THEME_CODE))
        links = RecommendationTheme.objects.filter(theme__in=themes, mention=value)
        return queryset.filter(pk__in=links.values("recommendation_id"))

    def filter_verbatim(self, queryset: QuerySet[Recommendation], name: str, value: bool) -> Any:
        status = Recommendation.TextStatus.VERBATIM
        return queryset.filter(text_status=status) if value else queryset.exclude(text_status=status)

    def filter_q(self, queryset: QuerySet[Recommendation], name: str, value: str) -> Any:
        """Full-text search (web-search syntax), best match first, with a `snippet` of the text."""
        return search_queryset(queryset, value, headline_field="text")


class ThemeFilter(django_filters.FilterSet):
    scheme = django_filters.ChoiceFilter(choices=Theme.Scheme.choices)
    code = django_filters.CharFilter(label="Exact theme code, e.g. G5")
    ordering = django_filters.OrderingFilter(fields=(("code", "code"), ("name", "name"), ("id", "id")))

    class Meta:
        model = Theme
        fields: list[str] = []
