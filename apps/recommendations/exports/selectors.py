"""Reads of the export machinery: the list an export holds, jobs by token, the prebuilt files."""

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone

from apps.recommendations.exports.tokens import export_job_token_read
from apps.recommendations.models import DatasetFile, ExportJob


def export_queryset(kind: str, filters: Mapping[str, Sequence[str]]) -> QuerySet[Any]:
    """The filtered list of `kind`, from the API's query parameters; ValidationError on an unknown value."""
    from apps.recommendations.selectors import recommendation_list
    from apps.reviews.selectors import statement_list

    query = QueryDict(mutable=True)
    for name, values in filters.items():
        query.setlist(name, list(values))
    if kind == "recommendations":
        return recommendation_list(filters=query or None)
    return statement_list(filters=query or None)


def export_job_active_count(*, client_key: str, now: dt.datetime | None = None) -> int:
    """The client's jobs waiting or running (those without progress for EXPORT_JOB_STALE_SECONDS are lost)."""
    since = (now or timezone.now()) - dt.timedelta(seconds=settings.EXPORT_JOB_STALE_SECONDS)
    return ExportJob.objects.filter(
        client_key=client_key,
        status__in=[ExportJob.Status.PENDING, ExportJob.Status.RUNNING],
        updated_at__gte=since,
    ).count()


def export_job_by_token(*, token: str) -> ExportJob | None:
    job_id = export_job_token_read(token=token)
    if job_id is None:
        return None
    return ExportJob.objects.filter(pk=job_id).first()


def dataset_file_list() -> QuerySet[DatasetFile]:
    return DatasetFile.objects.all()


def dataset_file_current(*, kind: str, fmt: str) -> DatasetFile | None:
    return DatasetFile.objects.filter(kind=kind, format=fmt).first()


def dataset_file_by_name(*, filename: str) -> DatasetFile | None:
    return DatasetFile.objects.filter(filename=filename).first()
