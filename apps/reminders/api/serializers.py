from typing import Any

from rest_framework import serializers

from apps.reminders.models import Subscription, default_lead_days
from apps.reviews.models import Deadline, Review
from apps.states.models import MemberState


class SubscriptionSerializer(serializers.ModelSerializer):
    """Reads and writes one's own subscription. Exactly one of review and state_under_review is set."""

    review = serializers.PrimaryKeyRelatedField(queryset=Review.objects.all(), required=False, allow_null=True)
    state_under_review = serializers.SlugRelatedField(
        slug_field="iso3",
        queryset=MemberState.objects.all(),
        required=False,
        allow_null=True,
        help_text="ISO 3166 alpha-3 code, e.g. CHN: every review of this state.",
    )
    kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=Deadline.Kind.choices),
        required=False,
        max_length=len(Deadline.Kind.choices),
        help_text="Deadline kinds; empty means every kind.",
    )
    lead_days = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=365),
        required=False,
        min_length=1,
        max_length=20,
        help_text="Days before each deadline; default [30, 7, 1].",
    )
    timezone = serializers.CharField(max_length=64, required=False, help_text="IANA name, e.g. Asia/Seoul.")

    class Meta:
        model = Subscription
        fields = [
            "id",
            "review",
            "state_under_review",
            "kinds",
            "lead_days",
            "timezone",
            "is_active",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]

    def to_internal_value(self, data: Any) -> Any:
        values = super().to_internal_value(data)
        if not self.partial:
            values.setdefault("lead_days", default_lead_days())
        return values
