from typing import Any

from rest_framework import serializers

from apps.common.api import CleanedModelSerializer
from apps.states.models import MemberState


class StateRefSerializer(serializers.ModelSerializer):
    """A state as other records refer to it: its ISO3 code and its name."""

    class Meta:
        model = MemberState
        fields = ["iso3", "name"]
        read_only_fields = fields


class MemberStateSerializer(CleanedModelSerializer):
    regional_group_name = serializers.CharField(source="get_regional_group_display", read_only=True)
    aliases: Any = serializers.SlugRelatedField(
        slug_field="name", many=True, read_only=True, help_text="Other spellings matched on import."
    )

    class Meta:
        model = MemberState
        fields = [
            "iso3",
            "iso2",
            "m49",
            "name",
            "formal_name",
            "common_name",
            "regional_group",
            "regional_group_name",
            "is_observer",
            "note",
            "aliases",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
