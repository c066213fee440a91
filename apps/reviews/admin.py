from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

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


class SpeakersListEntryInline(admin.TabularInline):
    model = SpeakersListEntry
    extra = 0
    fields = ["position", "speaker_state", "listed_as", "status", "source", "verification"]
    autocomplete_fields = ["speaker_state"]


class AdvanceQuestionInline(admin.StackedInline):
    model = AdvanceQuestion
    extra = 0
    fields = ["position", "submitting_state", "text", "report_text", "source", "verification"]
    autocomplete_fields = ["submitting_state"]


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["state_under_review", "session", "status", "dialogue_date", "report_symbol"]
    list_filter = ["status", "session__cycle"]
    list_select_related = ["state_under_review", "session"]
    search_fields = ["state_under_review__name", "state_under_review__iso3", "report_symbol"]
    autocomplete_fields = ["state_under_review", "session", "troika"]
    inlines = [DeadlineInline, SpeakersListEntryInline, AdvanceQuestionInline]


@admin.register(Deadline)
class DeadlineAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "due_at", "is_provisional", "is_cancelled"]
    list_filter = ["kind", "is_provisional", "is_cancelled"]
    list_select_related = ["review__state_under_review", "review__session"]
    search_fields = ["title", "review__state_under_review__name"]
    autocomplete_fields = ["review"]
    date_hierarchy = "due_at"


@admin.register(SpeakersListEntry)
class SpeakersListEntryAdmin(admin.ModelAdmin):
    list_display = ["speaker_state", "review", "status", "listed_as", "source", "verification"]
    list_filter = ["status", "verification", "review__session"]
    list_select_related = ["speaker_state", "review__state_under_review", "review__session"]
    search_fields = ["speaker_state__name", "speaker_state__iso3", "listed_as"]
    autocomplete_fields = ["review", "speaker_state"]


@admin.register(AdvanceQuestion)
class AdvanceQuestionAdmin(admin.ModelAdmin):
    list_display = ["submitting_state", "review", "source", "verification"]
    list_filter = ["verification", "review__session"]
    list_select_related = ["submitting_state", "review__state_under_review", "review__session"]
    search_fields = ["submitting_state__name", "submitting_state__iso3", "text"]
    autocomplete_fields = ["review", "submitting_state"]


@admin.register(Stakeholder)
class StakeholderAdmin(admin.ModelAdmin):
    list_display = ["name", "acronym", "kind"]
    list_filter = ["kind"]
    search_fields = ["name", "acronym"]


@admin.register(Statement)
class StatementAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "forum", "speaking_order", "text_kind", "seconds_used", "logged_by", "created_at"]
    list_filter = ["forum", "text_kind", "review__session"]
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
