from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from apps.reviews.models import Cycle, Deadline, Review, Session, Stakeholder, Statement


@admin.register(Cycle)
class CycleAdmin(admin.ModelAdmin):
    list_display = ["number", "start_year", "end_year", "is_provisional"]
    search_fields = ["number"]


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["number", "cycle", "starts_on", "ends_on", "is_provisional"]
    list_filter = ["cycle", "is_provisional"]
    list_select_related = ["cycle"]
    search_fields = ["number"]


class DeadlineInline(admin.TabularInline):
    model = Deadline
    extra = 0
    fields = [
        "kind",
        "title",
        "due_at",
        "timezone",
        "time_is_known",
        "is_provisional",
        "is_cancelled",
        "source",
        "verification",
    ]


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["state_under_review", "session", "status", "dialogue_date", "report_symbol"]
    list_filter = ["status", "session__cycle"]
    list_select_related = ["state_under_review", "session"]
    search_fields = ["state_under_review__name", "state_under_review__iso3", "report_symbol"]
    autocomplete_fields = ["state_under_review", "session", "troika"]
    inlines = [DeadlineInline]


@admin.register(Deadline)
class DeadlineAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "due_at", "is_provisional", "is_cancelled"]
    list_filter = ["kind", "is_provisional", "is_cancelled"]
    list_select_related = ["review__state_under_review", "review__session"]
    search_fields = ["title", "review__state_under_review__name"]
    autocomplete_fields = ["review"]
    date_hierarchy = "due_at"


@admin.register(Stakeholder)
class StakeholderAdmin(admin.ModelAdmin):
    list_display = ["name", "acronym", "kind"]
    list_filter = ["kind"]
    search_fields = ["name", "acronym"]


@admin.register(Statement)
class StatementAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "forum", "speaking_order", "seconds_used", "logged_by", "created_at"]
    list_filter = ["forum", "review__session"]
    list_select_related = [
        "review__state_under_review",
        "review__session",
        "speaker_state",
        "speaker_stakeholder",
        "logged_by",
    ]
    search_fields = ["text", "speaker_state__name", "speaker_stakeholder__name"]
    autocomplete_fields = [
        "review",
        "speaker_state",
        "speaker_stakeholder",
        "themes",
        "recommendations",
        "logged_by",
    ]
