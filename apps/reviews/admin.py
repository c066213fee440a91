"""The calendar and the record of reviews in the admin; every write goes through apps/reviews/services.py."""

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from apps.common.admin import ServiceInline, ServiceModelAdmin
from apps.reviews import services
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
class CycleAdmin(ServiceModelAdmin):
    list_display = ["number", "start_year", "end_year", "is_provisional"]
    search_fields = ["number"]

    def service_create(self, request: HttpRequest, data: dict[str, Any]) -> Cycle:
        return services.cycle_create(**data)

    def service_update(self, request: HttpRequest, obj: Cycle, data: dict[str, Any]) -> Cycle:
        return services.cycle_update(cycle=obj, data=data)

    def service_delete(self, request: HttpRequest, obj: Cycle) -> None:
        services.cycle_delete(cycle=obj)


@admin.register(Session)
class SessionAdmin(ServiceModelAdmin):
    list_display = ["number", "cycle", "starts_on", "ends_on", "is_provisional"]
    list_filter = ["cycle", "is_provisional"]
    list_select_related = ["cycle"]
    search_fields = ["number"]

    def service_create(self, request: HttpRequest, data: dict[str, Any]) -> Session:
        return services.session_create(**data)

    def service_update(self, request: HttpRequest, obj: Session, data: dict[str, Any]) -> Session:
        return services.session_update(session=obj, data=data)

    def service_delete(self, request: HttpRequest, obj: Session) -> None:
        services.session_delete(session=obj)


class DeadlineInline(ServiceInline, admin.TabularInline):
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

    def service_create(self, request: HttpRequest, parent: Any, data: dict[str, Any]) -> Deadline:
        return services.deadline_create(review=parent, **data)

    def service_update(self, request: HttpRequest, obj: Any, data: dict[str, Any]) -> Deadline:
        return services.deadline_update(deadline=obj, data=data)

    def service_delete(self, request: HttpRequest, obj: Any) -> None:
        services.deadline_delete(deadline=obj)


class SpeakersListEntryInline(ServiceInline, admin.TabularInline):
    model = SpeakersListEntry
    extra = 0
    fields = ["position", "speaker_state", "listed_as", "status", "source", "verification"]
    autocomplete_fields = ["speaker_state"]

    def service_create(self, request: HttpRequest, parent: Any, data: dict[str, Any]) -> SpeakersListEntry:
        return services.speakers_list_entry_create(review=parent, **data)

    def service_update(self, request: HttpRequest, obj: Any, data: dict[str, Any]) -> SpeakersListEntry:
        return services.speakers_list_entry_update(entry=obj, data=data)

    def service_delete(self, request: HttpRequest, obj: Any) -> None:
        services.speakers_list_entry_delete(entry=obj)


class AdvanceQuestionInline(ServiceInline, admin.StackedInline):
    model = AdvanceQuestion
    extra = 0
    fields = ["position", "submitting_state", "text", "report_text", "source", "verification"]
    autocomplete_fields = ["submitting_state"]

    def service_create(self, request: HttpRequest, parent: Any, data: dict[str, Any]) -> AdvanceQuestion:
        return services.advance_question_create(review=parent, **data)

    def service_update(self, request: HttpRequest, obj: Any, data: dict[str, Any]) -> AdvanceQuestion:
        return services.advance_question_update(question=obj, data=data)

    def service_delete(self, request: HttpRequest, obj: Any) -> None:
        services.advance_question_delete(question=obj)


@admin.register(Review)
class ReviewAdmin(ServiceModelAdmin):
    list_display = ["state_under_review", "session", "status", "dialogue_date", "report_symbol"]
    list_filter = ["status", "session__cycle"]
    list_select_related = ["state_under_review", "session"]
    search_fields = ["state_under_review__name", "state_under_review__iso3", "report_symbol"]
    autocomplete_fields = ["state_under_review", "session", "troika"]
    inlines = [DeadlineInline, SpeakersListEntryInline, AdvanceQuestionInline]

    def service_create(self, request: HttpRequest, data: dict[str, Any]) -> Review:
        return services.review_create(**data)

    def service_update(self, request: HttpRequest, obj: Review, data: dict[str, Any]) -> Review:
        troika = data.pop("troika", None)
        return services.review_update(review=obj, data=data, troika=troika)

    def service_delete(self, request: HttpRequest, obj: Review) -> None:
        services.review_delete(review=obj)


@admin.register(Deadline)
class DeadlineAdmin(ServiceModelAdmin):
    list_display = ["__str__", "kind", "due_at", "is_provisional", "is_cancelled"]
    list_filter = ["kind", "is_provisional", "is_cancelled"]
    list_select_related = ["review__state_under_review", "review__session"]
    search_fields = ["title", "review__state_under_review__name"]
    autocomplete_fields = ["review"]
    date_hierarchy = "due_at"

    def service_create(self, request: HttpRequest, data: dict[str, Any]) -> Deadline:
        return services.deadline_create(**data)

    def service_update(self, request: HttpRequest, obj: Deadline, data: dict[str, Any]) -> Deadline:
        return services.deadline_update(deadline=obj, data=data)

    def service_delete(self, request: HttpRequest, obj: Deadline) -> None:
        services.deadline_delete(deadline=obj)


@admin.register(SpeakersListEntry)
class SpeakersListEntryAdmin(ServiceModelAdmin):
    list_display = ["speaker_state", "review", "status", "listed_as", "source", "verification"]
    list_filter = ["status", "verification", "review__session"]
    list_select_related = ["speaker_state", "review__state_under_review", "review__session"]
    search_fields = ["speaker_state__name", "speaker_state__iso3", "listed_as"]
    autocomplete_fields = ["review", "speaker_state"]

    def service_create(self, request: HttpRequest, data: dict[str, Any]) -> SpeakersListEntry:
        return services.speakers_list_entry_create(**data)

    def service_update(self, request: HttpRequest, obj: SpeakersListEntry, data: dict[str, Any]) -> SpeakersListEntry:
        return services.speakers_list_entry_update(entry=obj, data=data)

    def service_delete(self, request: HttpRequest, obj: SpeakersListEntry) -> None:
        services.speakers_list_entry_delete(entry=obj)


@admin.register(AdvanceQuestion)
class AdvanceQuestionAdmin(ServiceModelAdmin):
    list_display = ["submitting_state", "review", "source", "verification"]
    list_filter = ["verification", "review__session"]
    list_select_related = ["submitting_state", "review__state_under_review", "review__session"]
    search_fields = ["submitting_state__name", "submitting_state__iso3", "text"]
    autocomplete_fields = ["review", "submitting_state"]

    def service_create(self, request: HttpRequest, data: dict[str, Any]) -> AdvanceQuestion:
        return services.advance_question_create(**data)

    def service_update(self, request: HttpRequest, obj: AdvanceQuestion, data: dict[str, Any]) -> AdvanceQuestion:
        return services.advance_question_update(question=obj, data=data)

    def service_delete(self, request: HttpRequest, obj: AdvanceQuestion) -> None:
        services.advance_question_delete(question=obj)


@admin.register(Stakeholder)
class StakeholderAdmin(ServiceModelAdmin):
    list_display = ["name", "acronym", "kind"]
    list_filter = ["kind"]
    search_fields = ["name", "acronym"]

    def service_create(self, request: HttpRequest, data: dict[str, Any]) -> Stakeholder:
        return services.stakeholder_create(**data)

    def service_update(self, request: HttpRequest, obj: Stakeholder, data: dict[str, Any]) -> Stakeholder:
        return services.stakeholder_update(stakeholder=obj, data=data)

    def service_delete(self, request: HttpRequest, obj: Stakeholder) -> None:
        services.stakeholder_delete(stakeholder=obj)


class StatementAdminForm(forms.ModelForm):
    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        review, recommendations = data.get("review"), data.get("recommendations")
        if review is not None and recommendations:
            try:
                services.statement_recommendations_check(review=review, recommendations=recommendations)
            except forms.ValidationError as error:
                self.add_error(None, error)
        return data


@admin.register(Statement)
class StatementAdmin(ServiceModelAdmin, SimpleHistoryAdmin):
    form = StatementAdminForm
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
    autocomplete_fields = ["review", "speaker_state", "speaker_stakeholder", "themes", "recommendations"]
    # Who logged a statement is a fact of the record, set by statement_log: the staff member who adds it here.
    readonly_fields = ["logged_by"]

    def service_create(self, request: HttpRequest, data: dict[str, Any]) -> Statement:
        return services.statement_log(**data, by=request.user)

    def service_update(self, request: HttpRequest, obj: Statement, data: dict[str, Any]) -> Statement:
        themes, recommendations = data.pop("themes", None), data.pop("recommendations", None)
        return services.statement_update(statement=obj, data=data, themes=themes, recommendations=recommendations)

    def service_delete(self, request: HttpRequest, obj: Statement) -> None:
        services.statement_delete(statement=obj)
