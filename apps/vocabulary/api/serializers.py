"""Themes as other apps' serializers nest them."""

from rest_framework import serializers

from apps.vocabulary.models import Theme


class ThemeRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Theme
        fields = ["id", "scheme", "code", "name"]
        read_only_fields = fields
