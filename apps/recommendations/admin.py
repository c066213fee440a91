from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from apps.common.admin import ServiceInline, ServiceModelAdmin
from apps.common.middleware import accepts_uploads_up_to
from apps.recommendations.importers import FORMATS, ImportSource, MalformedFileError, recommendation_import
from apps.recommendations.models import Recommendation, RecommendationTheme
from apps.recommendations.services import (
    recommendation_create,
    recommendation_delete,
    recommendation_themes_set,
    recommendation_update,
    theme_create,
    theme_delete,
    theme_update,
)
from apps.vocabulary.models import Theme

# The largest real file (UPR Info sessions 14–17) is 2.3 MB, past the 2 MB every other request may send: the
# import view has its own limit (RequestGuardMiddleware), and Django streams the file to a temporary file.
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
# The multipart envelope around the file (boundaries, the form's other fields), so a 50 MB file itself passes
# the request limit and the form says what is wrong with a larger one.
MULTIPART_MARGIN = 64 * 1024
SHOWN_REJECTIONS = 200


@admin.register(Theme)
class ThemeAdmin(ServiceModelAdmin):
    list_display = ["code", "name", "scheme"]
    list_filter = ["scheme"]
    search_fields = ["code", "name"]

    def service_create(self, request: HttpRequest, data: dict[str, Any]) -> Theme:
        return theme_create(**data)

    def service_update(self, request: HttpRequest, obj: Theme, data: dict[str, Any]) -> Theme:
        return theme_update(theme=obj, data=data)

    def service_delete(self, request: HttpRequest, obj: Theme) -> None:
        theme_delete(theme=obj)


class ImportForm(forms.Form):
    file = forms.FileField(
        help_text=_(
            "UPR Info export, OHCHR matrix CSV, our own CSV (as exported), or the OHCHR Universal Human Rights "
            "Index export (JSON or XLSX)."
        )
    )
    format = forms.ChoiceField(
        choices=[("", _("Recognise from the content")), *[(name, name) for name in FORMATS]], required=False
    )
    dry_run = forms.BooleanField(required=False, initial=True, help_text="Check and report, then write nothing.")

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(limit)d MB.") % {"limit": MAX_UPLOAD_BYTES // 1024 // 1024}
            )
        return upload


class RecommendationThemeFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        seen: set[int] = set()
        for form in self.forms:
            if not form.cleaned_data or form.cleaned_data.get("DELETE") or not form.cleaned_data.get("theme"):
                continue
            theme = form.cleaned_data["theme"]
            if theme.pk in seen:
                raise forms.ValidationError(_("%(theme)s is listed twice.") % {"theme": theme})
            seen.add(theme.pk)


class RecommendationThemeInline(ServiceInline, admin.TabularInline):
    """The recommendation's themes, each with its mention (explicit / related / as coded)."""

    model = RecommendationTheme
    formset = RecommendationThemeFormSet
    extra = 1
    autocomplete_fields = ["theme"]
    verbose_name = _("theme")
    verbose_name_plural = _("themes")

    def save_rows(self, request: HttpRequest, parent: Any, formset: Any) -> None:
        """The rows are one value, the recommendation's themes: set them all in one service call."""
        formset.save(commit=False)  # fills the lists the change message reads; writes nothing
        mentions = {
            form.cleaned_data["theme"]: form.cleaned_data.get("mention", "")
            for form in formset.forms
            if form.cleaned_data.get("theme") and not form.cleaned_data.get("DELETE")
        }
        recommendation_themes_set(recommendation=parent, themes=list(mentions), theme_mentions=mentions)


@admin.register(Recommendation)
class RecommendationAdmin(ServiceModelAdmin, SimpleHistoryAdmin):
    list_display = ["paragraph", "short_text", "review", "response", "text_status", "action_category"]
    list_filter = ["response", "text_status", "review__session__cycle", "action_category", "themes__scheme"]
    list_select_related = ["review__state_under_review", "review__session"]
    search_fields = ["paragraph", "text", "recommending_states__name", "recommending_states__iso3"]
    autocomplete_fields = ["review", "recommending_states"]
    readonly_fields = ["fingerprint", "errata_applied"]
    exclude = ["themes"]
    inlines = [RecommendationThemeInline]
    change_list_template = "admin/recommendations/recommendation/change_list.html"

    def service_create(self, request: HttpRequest, data: dict[str, Any]) -> Recommendation:
        # The themes follow from the inline (save_rows), once the recommendation exists.
        return recommendation_create(**data)

    def service_update(self, request: HttpRequest, obj: Recommendation, data: dict[str, Any]) -> Recommendation:
        states = data.pop("recommending_states", None)
        return recommendation_update(recommendation=obj, data=data, recommending_states=states)

    def service_delete(self, request: HttpRequest, obj: Recommendation) -> None:
        recommendation_delete(recommendation=obj)

    @admin.display(description="text")
    def short_text(self, obj: Recommendation) -> str:
        return obj.text[:100]

    def get_urls(self) -> list[URLPattern]:
        view = accepts_uploads_up_to(MAX_UPLOAD_BYTES + MULTIPART_MARGIN)(self.admin_site.admin_view(self.import_view))
        upload = path("import/", view, name="recommendations_recommendation_import")
        return [upload, *super().get_urls()]

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """Upload a file to import_recommendations; the report is shown on the page."""
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        report = None
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                report = recommendation_import(
                    sources=[ImportSource(upload.name, upload.read())],
                    fmt=form.cleaned_data["format"] or None,
                    dry_run=form.cleaned_data["dry_run"],
                )
            except MalformedFileError as exc:
                form.add_error("file", f"Nothing imported: {exc}.")
            else:
                level = messages.WARNING if report.rejected else messages.SUCCESS
                messages.add_message(request, level, report.counts_line())
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Import recommendations",
            "max_upload_mb": MAX_UPLOAD_BYTES // 1024 // 1024,
            "form": form,
            "report": report,
            "summary": report.summary_lines() if report else [],
            "rejections": report.rejected_lines(SHOWN_REJECTIONS) if report else [],
            "more_rejections": max(0, len(report.rejected) - SHOWN_REJECTIONS) if report else 0,
        }
        status = 400 if request.method == "POST" and form.errors else 200
        return TemplateResponse(request, "admin/recommendations/recommendation/import.html", context, status=status)
