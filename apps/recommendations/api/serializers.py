"""Recommendations and themes over the API. Reads nest related objects; writes take codes and ids."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.common.api import CleanedModelSerializer
from apps.common.search import snippet_html
from apps.recommendations.fields import RECOMMENDATION_FIELD_NAMES
from apps.recommendations.models import Recommendation, RecommendationTheme
from apps.reviews.models import Review
from apps.states.api.serializers import StateRefSerializer
from apps.states.models import MemberState
from apps.vocabulary.models import Theme


class RecommendationThemeRefSerializer(serializers.Serializer):
    """A theme of a recommendation, with how the text touches it."""

    id = serializers.IntegerField()
    scheme = serializers.CharField()
    code = serializers.CharField()
    name = serializers.CharField()
    mention = serializers.ChoiceField(
        choices=RecommendationTheme.Mention.choices,
        allow_blank=True,
        help_text=(
            "explicit: the text names the subject (for dprk-refugees: North Korea, North Koreans, the DPRK); "
            "related: general refugee, asylum or non-refoulement language only; empty: as the source's coders "
            "(OHCHR, UPR Info) classify it."
        ),
    )


class ErratumSerializer(serializers.Serializer):
    before = serializers.CharField()
    after = serializers.CharField()
    reason = serializers.CharField()
    source = serializers.CharField()  # type: ignore[assignment]  # the key's name; not DRF's Field.source


class ThemeSerializer(CleanedModelSerializer):
    scheme_name = serializers.CharField(source="get_scheme_display", read_only=True)

    class Meta:
        model = Theme
        fields = ["id", "scheme", "scheme_name", "code", "name", "description", "created_at", "updated_at"]
        read_only_fields = ["id", "created_at", "updated_at"]
        validators: list[Any] = []  # the model's named constraint answers through full_clean()


class RecommendationSerializer(serializers.ModelSerializer):
    state_under_review = StateRefSerializer(source="review.state_under_review", read_only=True)
    session = serializers.IntegerField(source="review.session.number", read_only=True)
    cycle = serializers.IntegerField(source="review.session.cycle.number", read_only=True)
    recommending_states = StateRefSerializer(many=True, read_only=True)
    themes = RecommendationThemeRefSerializer(many=True, read_only=True)
    errata_applied = ErratumSerializer(
        many=True,
        read_only=True,
        help_text="Extraction artefacts of the source corrected in `text` through the reviewed errata table.",
    )
    verification_name = serializers.CharField(source="get_verification_display", read_only=True)
    response_name = serializers.CharField(source="get_response_display", read_only=True)
    snippet = serializers.SerializerMethodField(
        help_text="With `q` on PostgreSQL: the best passages, HTML-escaped, matches in <mark>; else null."
    )

    class Meta:
        model = Recommendation
        fields = [
            "id",
            "review",
            "state_under_review",
            "session",
            "cycle",
            "paragraph",
            "text",
            "text_status",
            "text_source",
            "verification",
            "verification_name",
            "errata_applied",
            "recommending_states",
            "response",
            "response_name",
            "response_label",
            "response_source",
            "action_category",
            "themes",
            "affected_persons",
            "source_document",
            "note",
            "snippet",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field({"type": "string", "nullable": True})
    def get_snippet(self, obj: Recommendation) -> str | None:
        return snippet_html(obj)

    def to_representation(self, instance: Recommendation) -> dict[str, Any]:
        """The same document as the declared fields give, built directly from the joined and prefetched rows.

        DRF's generic path costs a field lookup, a get_attribute walk and a nested serializer per value: about
        0.3 ms a row, a third of a 50-row page's time at 250,000 recommendations. The declared fields stay for
        the schema; the date-times still go through DRF's field, so their format follows the settings.
        """
        review = instance.review
        session = review.session
        state = review.state_under_review
        created_at = self.fields["created_at"]
        # A list page carries its references as plain dicts (recommendation_refs_attach); else the prefetches.
        state_refs = getattr(instance, "state_refs", None)
        if state_refs is None:
            state_refs = [{"iso3": s.iso3, "name": s.name} for s in instance.recommending_states.all()]
        theme_refs = getattr(instance, "theme_refs", None)
        if theme_refs is None:
            theme_refs = [
                {"id": t.pk, "scheme": t.scheme, "code": t.code, "name": t.name, "mention": getattr(t, "mention", "")}
                for t in instance.themes.all()
            ]
        return {
            "id": instance.pk,
            "review": review.pk,
            "state_under_review": {"iso3": state.iso3, "name": state.name},
            "session": session.number,
            "cycle": session.cycle.number,
            "paragraph": instance.paragraph,
            "text": instance.text,
            "text_status": str(instance.text_status),
            "text_source": instance.text_source,
            "verification": str(instance.verification),
            "verification_name": instance.get_verification_display(),
            "errata_applied": instance.errata_applied,
            "recommending_states": state_refs,
            "response": str(instance.response),
            "response_name": instance.get_response_display(),
            "response_label": instance.response_label,
            "response_source": instance.response_source,
            "action_category": instance.action_category,
            "themes": theme_refs,
            "affected_persons": instance.affected_persons,
            "source_document": instance.source_document,
            "note": instance.note,
            "snippet": snippet_html(instance),
            "created_at": created_at.to_representation(instance.created_at),
            "updated_at": created_at.to_representation(instance.updated_at),
        }


class ThemeLinkSerializer(serializers.Serializer):
    """A theme to link, and how the text touches it (kept as it was, or "" for a new link, when not given)."""

    theme = serializers.PrimaryKeyRelatedField(queryset=Theme.objects.all(), help_text="Theme id.")
    mention = serializers.ChoiceField(choices=RecommendationTheme.Mention.choices, allow_blank=True, required=False)


MENTION_HELP = "explicit: the text names the subject; related: general language only; empty: as the source's coders."


@extend_schema_field(
    {
        "oneOf": [
            {
                "type": "integer",
                "description": 'A theme id: a new link is as coded (mention ""); a kept one keeps its mention.',
            },
            {
                "type": "object",
                "properties": {
                    "theme": {"type": "integer", "description": "Theme id."},
                    "mention": {
                        "type": "string",
                        "enum": RecommendationTheme.Mention.values,
                        "description": MENTION_HELP,
                    },
                },
                "required": ["theme"],
            },
        ]
    }
)
class ThemeLinkField(serializers.Field):
    """A theme id (the old form, still accepted) or {"theme": id, "mention": "explicit" | "related" | ""}."""

    default_error_messages = {"invalid": _('Expected a theme id or {{"theme": id, "mention": …}}.')}

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        if isinstance(data, dict):
            link = ThemeLinkSerializer(data=data)
            link.is_valid(raise_exception=True)
            return dict(link.validated_data)
        if isinstance(data, bool) or not isinstance(data, int | str):
            self.fail("invalid")
        return {"theme": serializers.PrimaryKeyRelatedField(queryset=Theme.objects.all()).to_internal_value(data)}

    def to_representation(self, value: Any) -> Any:
        return value


class RecommendationWriteSerializer(serializers.ModelSerializer):
    """What a client sends; the service validates the rest (full_clean, constraints)."""

    review = serializers.PrimaryKeyRelatedField(queryset=Review.objects.all())
    recommending_states = serializers.SlugRelatedField(
        slug_field="iso3", queryset=MemberState.objects.all(), many=True, help_text="ISO3 codes, at least one."
    )
    themes = serializers.ListField(
        child=ThemeLinkField(),
        required=False,
        help_text=(
            'The themes, replacing the linked ones: theme ids (see /api/v1/themes/), or {"theme": id, "mention": '
            '"explicit" | "related" | ""} to say how the text touches each.'
        ),
    )

    class Meta:
        model = Recommendation
        fields = ["review", "recommending_states", "themes", *RECOMMENDATION_FIELD_NAMES]
        # The range is also a named constraint; saying it here gives a field error rather than a general one.
        extra_kwargs = {"action_category": {"min_value": 1, "max_value": 5}}
        # The unique (review, paragraph) rule is checked by the service's full_clean(), with the same message.
        validators: list[Any] = []

    def service_theme_arguments(self) -> dict[str, Any]:
        """The validated themes as the services take them: `themes` and `theme_mentions` (absent: unchanged)."""
        links = self.validated_data.get("themes")
        if links is None:
            return {}
        return {
            "themes": list(dict.fromkeys(link["theme"] for link in links)),
            "theme_mentions": {link["theme"]: link["mention"] for link in links if "mention" in link},
        }
