"""Cycles, sessions, reviews, deadlines, stakeholders and statements over the API."""

import zoneinfo
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.common.api import CleanedModelSerializer
from apps.common.models import Verification
from apps.common.search import snippet_html
from apps.common.timezones import is_known_timezone, validate_timezone
from apps.reviews.models import (
    AdvanceQuestion,
    Cycle,
    Deadline,
    Review,
    Session,
    SpeakersListEntry,
    Stakeholder,
    Statement,
)
from apps.reviews.services import STATEMENT_FIELDS
from apps.states.api.serializers import StateRefSerializer
from apps.states.models import MemberState
from apps.vocabulary.api.serializers import ThemeRefSerializer
from apps.vocabulary.models import Theme


class CycleSerializer(CleanedModelSerializer):
    class Meta:
        model = Cycle
        fields = ["id", "number", "start_year", "end_year", "is_provisional", "created_at", "updated_at"]
        read_only_fields = ["id", "created_at", "updated_at"]


class SessionSerializer(CleanedModelSerializer):
    cycle = serializers.SlugRelatedField(slug_field="number", queryset=Cycle.objects.all(), help_text="Cycle number.")

    class Meta:
        model = Session
        fields = [
            "id",
            "number",
            "cycle",
            "starts_on",
            "ends_on",
            "is_provisional",
            "estimated_earliest",
            "estimated_latest",
            "estimate_rule",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]


class StakeholderSerializer(CleanedModelSerializer):
    kind_name = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Stakeholder
        fields = ["id", "name", "acronym", "kind", "kind_name", "website", "created_at", "updated_at"]
        read_only_fields = ["id", "created_at", "updated_at"]


class DeadlineSerializer(CleanedModelSerializer):
    review = serializers.PrimaryKeyRelatedField(queryset=Review.objects.all())
    state_under_review = StateRefSerializer(source="review.state_under_review", read_only=True)
    session = serializers.IntegerField(source="review.session.number", read_only=True)
    kind_name = serializers.CharField(source="get_kind_display", read_only=True)
    timezone = serializers.CharField(max_length=64, required=False, validators=[validate_timezone])
    due_at_local = serializers.SerializerMethodField(help_text="due_at in the deadline's own time zone.")

    class Meta:
        model = Deadline
        fields = [
            "id",
            "review",
            "state_under_review",
            "session",
            "kind",
            "kind_name",
            "title",
            "due_at",
            "due_at_local",
            "timezone",
            "time_is_known",
            "is_provisional",
            "is_cancelled",
            "source_url",
            "source",
            "verification",
            "note",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]

    @extend_schema_field({"type": "string", "format": "date-time"})
    def get_due_at_local(self, obj: Deadline) -> str:
        # A zone stored before validation existed, or since dropped from the tz database, reads as UTC.
        zone = zoneinfo.ZoneInfo(obj.timezone if is_known_timezone(obj.timezone) else "UTC")
        return obj.due_at.astimezone(zone).isoformat()


class DeadlineInReviewSerializer(serializers.ModelSerializer):
    kind_name = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Deadline
        fields = [
            "id",
            "kind",
            "kind_name",
            "title",
            "due_at",
            "timezone",
            "time_is_known",
            "is_provisional",
            "is_cancelled",
            "source",
            "verification",
        ]
        read_only_fields = fields


class FactSourceSerializer(serializers.Serializer):
    source = serializers.CharField()  # type: ignore[assignment]  # the key's name; not DRF's Field.source
    verification = serializers.ChoiceField(choices=Verification.choices)


class SpeakerNotHeardSerializer(serializers.ModelSerializer):
    """A delegation inscribed on the review's speakers' list that was not heard (a fact of the list)."""

    state = StateRefSerializer(source="speaker_state", read_only=True)
    status_name = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = SpeakersListEntry
        fields = ["state", "listed_as", "position", "status", "status_name", "source", "verification"]
        read_only_fields = fields


class AdvanceQuestionSerializer(serializers.ModelSerializer):
    """Written questions a state sent before the dialogue; `text` is empty when not in the record."""

    submitting_state = StateRefSerializer(read_only=True)

    class Meta:
        model = AdvanceQuestion
        fields = ["submitting_state", "position", "text", "report_text", "source", "verification"]
        read_only_fields = fields


class ReviewSerializer(serializers.ModelSerializer):
    """A review, read: its state, session, troika, deadlines and how much of it the record holds."""

    state_under_review = StateRefSerializer(read_only=True)
    session = serializers.IntegerField(source="session.number", read_only=True)
    cycle = serializers.IntegerField(source="session.cycle.number", read_only=True)
    status_name = serializers.CharField(source="get_status_display", read_only=True)
    troika = StateRefSerializer(many=True, read_only=True)
    deadlines = DeadlineInReviewSerializer(many=True, read_only=True)
    speakers_not_heard = SpeakerNotHeardSerializer(
        many=True, read_only=True, help_text="Inscribed on the speakers' list, not able to make their statements."
    )
    advance_questions = AdvanceQuestionSerializer(many=True, read_only=True)
    statements_recorded = serializers.IntegerField(
        source="statements_total", read_only=True, help_text="Statements logged here."
    )
    recommendations_recorded = serializers.IntegerField(
        source="recommendations_total", read_only=True, help_text="Recommendations recorded here."
    )
    facts_sources = serializers.DictField(
        child=FactSourceSerializer(),
        read_only=True,
        help_text="Per fact (field name): its source and verification level (verified, reported, estimated).",
    )

    class Meta:
        model = Review
        fields = [
            "id",
            "state_under_review",
            "session",
            "cycle",
            "status",
            "status_name",
            "dialogue_date",
            "dialogue_starts_at",
            "dialogue_ends_at",
            "report_adopted_on",
            "troika",
            "report_symbol",
            "report_symbol_verified",
            "addendum_symbol",
            "speakers_count",
            "speakers_unable_count",
            "seconds_per_speaker",
            "recommendations_count",
            "council_session",
            "council_adopted_on",
            "head_of_delegation",
            "facts_sources",
            "recommendations_coverage",
            "statements_coverage",
            "notes",
            "deadlines",
            "speakers_not_heard",
            "advance_questions",
            "statements_recorded",
            "recommendations_recorded",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ReviewWriteSerializer(CleanedModelSerializer):
    state_under_review = serializers.SlugRelatedField(slug_field="iso3", queryset=MemberState.objects.all())
    session = serializers.SlugRelatedField(
        slug_field="number", queryset=Session.objects.all(), help_text="Session number."
    )
    troika = serializers.SlugRelatedField(
        slug_field="iso3", queryset=MemberState.objects.all(), many=True, required=False, help_text="ISO3 codes."
    )

    class Meta:
        model = Review
        fields = [
            "state_under_review",
            "session",
            "status",
            "dialogue_date",
            "dialogue_starts_at",
            "dialogue_ends_at",
            "report_adopted_on",
            "troika",
            "report_symbol",
            "report_symbol_verified",
            "addendum_symbol",
            "speakers_count",
            "speakers_unable_count",
            "seconds_per_speaker",
            "recommendations_count",
            "council_session",
            "council_adopted_on",
            "head_of_delegation",
            "recommendations_coverage",
            "statements_coverage",
            "notes",
        ]
        validators: list[Any] = []  # one review per state and session: full_clean() says so


class SpeakerSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["state", "stakeholder"])
    iso3 = serializers.CharField(allow_null=True)
    id = serializers.IntegerField()
    name = serializers.CharField()


# A recommendation a statement delivered (Statement.recommendations). A plain serializer: the model is
# apps.recommendations', above this app. No docstring, so the OpenAPI schema stays as it was.
class RecommendationRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    paragraph = serializers.CharField(
        read_only=True, help_text="Paragraph in the report, e.g. 186.241 or 28(g); empty if unknown."
    )


class StatementSerializer(serializers.ModelSerializer):
    state_under_review = StateRefSerializer(source="review.state_under_review", read_only=True)
    session = serializers.IntegerField(source="review.session.number", read_only=True)
    speaker = serializers.SerializerMethodField()
    forum_name = serializers.CharField(source="get_forum_display", read_only=True)
    text_kind_name = serializers.CharField(source="get_text_kind_display", read_only=True)
    themes = ThemeRefSerializer(many=True, read_only=True)
    recommendations = RecommendationRefSerializer(many=True, read_only=True)
    snippet = serializers.SerializerMethodField(
        help_text="With `q` on PostgreSQL: the best passages, HTML-escaped, matches in <mark>; else null."
    )
    source_url = serializers.URLField(read_only=True, allow_blank=True, help_text="UN Web TV link, or empty.")

    class Meta:
        model = Statement
        fields = [
            "id",
            "review",
            "state_under_review",
            "session",
            "speaker",
            "forum",
            "forum_name",
            "speaking_order",
            "text",
            "text_kind",
            "text_kind_name",
            "source",
            "language",
            "seconds_used",
            "source_url",
            "themes",
            "recommendations",
            "snippet",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(SpeakerSerializer)
    def get_speaker(self, obj: Statement) -> dict[str, Any]:
        if obj.speaker_state is not None:
            state = obj.speaker_state
            return {"kind": "state", "iso3": state.iso3, "id": state.pk, "name": state.name}
        stakeholder = obj.speaker_stakeholder
        assert stakeholder is not None  # the statement_exactly_one_speaker constraint
        return {"kind": "stakeholder", "iso3": None, "id": stakeholder.pk, "name": str(stakeholder)}

    @extend_schema_field({"type": "string", "nullable": True})
    def get_snippet(self, obj: Statement) -> str | None:
        return snippet_html(obj)


class StatementWriteSerializer(serializers.ModelSerializer):
    """What a client sends to log a statement: one speaker, a state (ISO3) or a stakeholder (id)."""

    review = serializers.PrimaryKeyRelatedField(queryset=Review.objects.all())
    speaker_state = serializers.SlugRelatedField(
        slug_field="iso3", queryset=MemberState.objects.all(), allow_null=True, required=False, help_text="ISO3."
    )
    speaker_stakeholder = serializers.PrimaryKeyRelatedField(
        queryset=Stakeholder.objects.all(), allow_null=True, required=False, help_text="Stakeholder id."
    )
    themes = serializers.PrimaryKeyRelatedField(queryset=Theme.objects.all(), many=True, required=False)

    class Meta:
        model = Statement
        fields = ["review", "speaker_state", "speaker_stakeholder", "themes", "recommendations", *STATEMENT_FIELDS]
        # The field DRF derives from Statement.recommendations (ids, many): the model is not imported here.
        extra_kwargs = {"recommendations": {"required": False, "help_text": "Ids, of this review."}}
        validators: list[Any] = []  # the unique speaking order is checked by the service's full_clean()
