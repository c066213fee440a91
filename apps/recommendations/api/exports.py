"""The API side of exports: `?format=csv|xlsx|json` on a list (ExportMixin), an export job's status, the
prebuilt files' listing. What each size of export gets is in apps/recommendations/exports/http.py."""

import json
from typing import Any

from django.http import HttpResponseRedirect
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, renderers, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.recommendations.export_requests import ExportLimitReached, export_job_create
from apps.recommendations.exports.client_identity import client_key
from apps.recommendations.exports.http import dataset_url, export_sync_response, first_ids, is_small, sync_limit
from apps.recommendations.exports.selectors import dataset_file_list, export_job_by_token
from apps.recommendations.exports.tokens import export_job_token_make
from apps.recommendations.exports.writers import CONTENT_TYPES, EXPORT_FORMATS
from apps.recommendations.models import DatasetFile, ExportJob


def _when(value: Any) -> str | None:
    """A time as every API time: ISO 8601 in the site's time zone (Geneva), with its offset."""
    return None if value is None else serializers.DateTimeField().to_representation(value)


class TooManyExports(exceptions.APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_detail = "Too many exports being prepared for you at once."
    default_code = "throttled"


class _ErrorAsJsonRenderer(renderers.BaseRenderer):
    """Lets `?format=csv|xlsx` through content negotiation; the list itself is exported by ExportMixin.

    What the renderer itself gets is an error (a bad filter), a job's status or a single record: JSON.
    """

    charset = None

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        response = (renderer_context or {}).get("response")
        if response is not None:
            response["Content-Type"] = "application/json"
        return json.dumps(data, ensure_ascii=False, default=str).encode("utf-8")


class CSVRenderer(_ErrorAsJsonRenderer):
    media_type = "text/csv"
    format = "csv"


class XLSXRenderer(_ErrorAsJsonRenderer):
    media_type = CONTENT_TYPES["xlsx"]
    format = "xlsx"


def export_job_data(job: ExportJob, request: Any) -> dict[str, Any]:
    """A job as the API shows it: status, progress, and its links (made from its signed token)."""
    token = export_job_token_make(job_id=job.pk)
    done = job.status == ExportJob.Status.DONE
    return {
        "status": job.status,
        "kind": job.kind,
        "format": job.format,
        "filters": job.filters,
        "filename": job.filename,
        "rows_done": job.rows_done,
        "rows_total": job.rows_total,
        "size": job.size if done else None,
        "sha256": job.sha256 if done else None,
        "error": job.error or None,
        "created_at": _when(job.created_at),
        "finished_at": _when(job.finished_at),
        "status_url": request.build_absolute_uri(reverse("api:export-job", kwargs={"token": token})),
        "page_url": request.build_absolute_uri(reverse("exports:job", kwargs={"token": token})),
        "download_url": request.build_absolute_uri(reverse("exports:job_file", kwargs={"token": token}))
        if done
        else None,
    }


class ExportMixin:
    """A list view that exports its whole filtered list for `?format=csv`, `xlsx` or `json` (not one page).

    `export_kind` names the columns: "recommendations" or "statements".
    """

    export_kind = "recommendations"

    def get_renderers(self) -> list[renderers.BaseRenderer]:
        return [*super().get_renderers(), CSVRenderer(), XLSXRenderer()]  # type: ignore[misc]

    def list(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        fmt = request.query_params.get("format")
        if fmt not in EXPORT_FORMATS:
            return super().list(request, *args, **kwargs)  # type: ignore[misc]
        queryset = self.filter_queryset(self.get_queryset())  # type: ignore[attr-defined]  # 400 on a bad filter
        filters = {name: values for name, values in request.query_params.lists() if name != "format"}
        ids = first_ids(queryset, fmt)
        if is_small(ids, fmt):
            return export_sync_response(self.export_kind, ids, fmt, filters)
        if not filters and (url := dataset_url(self.export_kind, fmt)):
            return HttpResponseRedirect(url, status=status.HTTP_303_SEE_OTHER)
        try:
            job = export_job_create(
                kind=self.export_kind,
                fmt=fmt,
                filters=filters,
                client_key=client_key(request),
                requester_id=request.user.pk if request.user.is_authenticated else None,
            )
        except ExportLimitReached as exc:
            raise TooManyExports(str(exc)) from exc
        data = export_job_data(job, request)
        data["message"] = (
            f"More than {sync_limit(fmt)} rows: the export is being prepared. Follow status_url "
            "(or open page_url) until its status is done, then download it from download_url."
        )
        return Response(data, status=status.HTTP_202_ACCEPTED, headers={"Location": data["status_url"]})


class ExportJobStatusSerializer(serializers.Serializer):
    """For the schema: what export_job_data() returns."""

    # A plain string in the schema (an enum named "status" would collide with the reviews' one).
    status = serializers.CharField(help_text="pending, running, done or failed")
    kind = serializers.CharField()
    format = serializers.ChoiceField(choices=EXPORT_FORMATS)
    filters = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))
    filename = serializers.CharField()
    rows_done = serializers.IntegerField()
    rows_total = serializers.IntegerField(allow_null=True)
    size = serializers.IntegerField(allow_null=True)
    sha256 = serializers.CharField(allow_null=True)
    error = serializers.CharField(allow_null=True)
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    status_url = serializers.URLField()
    page_url = serializers.URLField()
    download_url = serializers.URLField(allow_null=True)


class DatasetFileSerializer(serializers.Serializer):
    """For the schema: what dataset_file_data() returns."""

    kind = serializers.CharField()
    format = serializers.ChoiceField(choices=EXPORT_FORMATS)
    filename = serializers.CharField()
    rows = serializers.IntegerField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    built_at = serializers.DateTimeField()
    url = serializers.URLField()


class DownloadListSerializer(serializers.Serializer):
    results = DatasetFileSerializer(many=True)


@extend_schema(tags=["exports"], responses=ExportJobStatusSerializer)
class ExportJobStatusView(APIView):
    """An export job's status and progress; the signed token in the URL is the permission to see it."""

    permission_classes = [AllowAny]
    renderer_classes = [renderers.JSONRenderer]

    def get(self, request: Request, token: str) -> Response:
        job = export_job_by_token(token=token)
        if job is None:
            raise exceptions.NotFound("No export for this link: it is mistyped, or the export has expired.")
        return Response(export_job_data(job, request))


def dataset_file_data(dataset: DatasetFile, request: Any) -> dict[str, Any]:
    return {
        "kind": dataset.kind,
        "format": dataset.format,
        "filename": dataset.filename,
        "rows": dataset.rows,
        "size": dataset.size,
        "sha256": dataset.sha256,
        "built_at": _when(dataset.built_at),
        "url": request.build_absolute_uri(reverse("exports:dataset_file", kwargs={"filename": dataset.filename})),
    }


@extend_schema(tags=["exports"], responses=DownloadListSerializer)
class DownloadListView(APIView):
    """The prebuilt files of the whole record: kind, format, date, size, rows and SHA-256 of each."""

    permission_classes = [AllowAny]
    renderer_classes = [renderers.JSONRenderer]

    def get(self, request: Request) -> Response:
        return Response({"results": [dataset_file_data(dataset, request) for dataset in dataset_file_list()]})
