from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from apps.common.middleware import accepts_uploads_up_to
from apps.recommendations.importers import FORMATS, ImportSource, MalformedFileError, recommendation_import
from apps.recommendations.models import Recommendation, RecommendationTheme

# The largest real file (UPR Info sessions 14–17) is 2.3 MB, past the 2 MB every other request may send: the
# import view has its own limit (RequestGuardMiddleware), and Django streams the file to a temporary file.
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
# The multipart envelope around the file (boundaries, the form's other fields), so a 50 MB file itself passes
# the request limit and the form says what is wrong with a larger one.
MULTIPART_MARGIN = 64 * 1024
SHOWN_REJECTIONS = 200


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


class RecommendationThemeInline(admin.TabularInline):
    """The recommendation's themes, each with its mention (explicit / related / as coded)."""

    model = RecommendationTheme
    extra = 1
    autocomplete_fields = ["theme"]
    verbose_name = _("theme")
    verbose_name_plural = _("themes")


@admin.register(Recommendation)
class RecommendationAdmin(SimpleHistoryAdmin):
    list_display = ["paragraph", "short_text", "review", "response", "text_status", "action_category"]
    list_filter = ["response", "text_status", "review__session__cycle", "action_category", "themes__scheme"]
    list_select_related = ["review__state_under_review", "review__session"]
    search_fields = ["paragraph", "text", "recommending_states__name", "recommending_states__iso3"]
    autocomplete_fields = ["review", "recommending_states"]
    readonly_fields = ["fingerprint", "errata_applied"]
    exclude = ["themes"]
    inlines = [RecommendationThemeInline]
    change_list_template = "admin/recommendations/recommendation/change_list.html"

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
