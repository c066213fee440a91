from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from apps.recommendations.models import Recommendation, Theme


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "scheme"]
    list_filter = ["scheme"]
    search_fields = ["code", "name"]


@admin.register(Recommendation)
class RecommendationAdmin(SimpleHistoryAdmin):
    list_display = ["paragraph", "short_text", "review", "response", "text_status", "action_category"]
    list_filter = ["response", "text_status", "review__session__cycle", "action_category", "themes__scheme"]
    list_select_related = ["review__state_under_review", "review__session"]
    search_fields = ["paragraph", "text", "recommending_states__name", "recommending_states__iso3"]
    autocomplete_fields = ["review", "recommending_states", "themes"]
    readonly_fields = ["fingerprint"]

    @admin.display(description="text")
    def short_text(self, obj: Recommendation) -> str:
        return obj.text[:100]
