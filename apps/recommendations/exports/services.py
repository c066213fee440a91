"""The export machinery's work, run by the tasks: export jobs' files, the prebuilt files of the whole record.

Requests for that work (a new job, a rebuild after a change) enqueue the tasks: apps/recommendations/export_requests.py.

Web requests never write a large export: a filtered list past EXPORT_SYNC_MAX_ROWS becomes an ExportJob,
written by a Celery worker (apps/recommendations/tasks.py) to a file under EXPORTS_DIR; the whole record is
served from prebuilt files, rebuilt after changes (debounced) and nightly.
"""

import datetime as dt
import logging
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from apps.recommendations.exports.columns import KINDS, export_ids
from apps.recommendations.exports.files import DATASETS, JOBS, exports_path, write_atomic
from apps.recommendations.exports.selectors import export_queryset
from apps.recommendations.exports.tokens import export_job_token_make
from apps.recommendations.exports.writers import EXPORT_FORMATS, export_write
from apps.recommendations.models import DatasetFile, DatasetRebuild, ExportJob

logger = logging.getLogger(__name__)


def export_job_url(job: ExportJob) -> str:
    """The job's page, absolute: the link e-mailed and returned by the API."""
    return settings.SITE_URL + reverse("exports:job", kwargs={"token": export_job_token_make(job_id=job.pk)})


def export_job_run(*, job_id: int) -> ExportJob | None:
    """Write a job's file. Safe to run twice: only a pending job (or one left running by a lost worker) is claimed.

    1. Claim: pending → running with a conditional UPDATE (or a running job with no progress for
       EXPORT_JOB_STALE_SECONDS).
    2. Count the rows (rows_total), write the file through a temporary file, updating rows_done every chunk.
    3. Mark it done with its size and SHA-256 and e-mail the link to a signed-in requester; or failed, with
       the error, and no file kept.
    """
    now = timezone.now()
    stale = now - dt.timedelta(seconds=settings.EXPORT_JOB_STALE_SECONDS)
    claimable = ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.PENDING) | ExportJob.objects.filter(
        pk=job_id, status=ExportJob.Status.RUNNING, updated_at__lt=stale
    )
    if claimable.update(status=ExportJob.Status.RUNNING, started_at=now, rows_done=0, updated_at=now) != 1:
        return None
    job = ExportJob.objects.select_related("requester").get(pk=job_id)
    relative = Path(JOBS) / f"{job.pk}.{job.format}"
    try:
        queryset = export_queryset(job.kind, job.filters)
        job.rows_total = queryset.order_by().values("pk").count()
        ExportJob.objects.filter(pk=job.pk).update(rows_total=job.rows_total, updated_at=timezone.now())

        def progress(rows_done: int) -> None:
            ExportJob.objects.filter(pk=job.pk).update(rows_done=rows_done, updated_at=timezone.now())

        rows, size, digest = write_atomic(
            exports_path(str(relative)),
            lambda out: export_write(job.kind, export_ids(queryset), job.format, out, progress=progress),
        )
    except Exception as exc:  # recorded on the job (and logged): the requester sees the failure on its page
        logger.exception("export job %s failed", job.pk)
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportJob.Status.FAILED, error=str(exc)[:2000] or type(exc).__name__, finished_at=timezone.now()
        )
        job.refresh_from_db()
        return job
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportJob.Status.DONE,
        rows_done=rows,
        rows_total=rows,
        file=str(relative),
        size=size,
        sha256=digest,
        finished_at=timezone.now(),
    )
    job.refresh_from_db()
    if job.requester is not None and job.requester.email:
        export_job_ready_mail(job=job)
    return job


def export_job_ready_mail(*, job: ExportJob) -> None:
    """The e-mail to a signed-in requester: the link to the job's page (the file is downloaded from there)."""
    assert job.requester is not None
    context = {"job": job, "url": export_job_url(job), "keep_hours": settings.EXPORT_JOB_KEEP_HOURS}
    subject = " ".join(render_to_string("emails/export-ready-subject.txt", context).split())
    body = render_to_string("emails/export-ready-body-text.txt", context)
    EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [job.requester.email]).send()


def export_job_purge(*, now: dt.datetime | None = None) -> tuple[int, int]:
    """Delete jobs finished more than EXPORT_JOB_KEEP_HOURS ago (and their files); mark lost jobs failed.

    Returns (jobs deleted, jobs marked failed).
    """
    now = now or timezone.now()
    stale = now - dt.timedelta(seconds=settings.EXPORT_JOB_STALE_SECONDS)
    lost = ExportJob.objects.filter(
        status__in=[ExportJob.Status.PENDING, ExportJob.Status.RUNNING], updated_at__lt=stale
    ).update(
        status=ExportJob.Status.FAILED,
        error="No worker finished this export in time; ask for it again.",
        finished_at=now,
    )
    old = ExportJob.objects.filter(finished_at__lt=now - dt.timedelta(hours=settings.EXPORT_JOB_KEEP_HOURS))
    for relative in old.exclude(file="").values_list("file", flat=True):
        exports_path(relative).unlink(missing_ok=True)
    deleted, _counts = old.delete()
    return deleted, lost


# -- the prebuilt files of the whole record ------------------------------------------------------------
def dataset_build(*, kind: str, fmt: str, now: dt.datetime | None = None) -> DatasetFile:
    """Write the whole record of `kind` in `fmt` to a new dated file, record it, then remove the file it replaces.

    The listing and the file always agree: a new name for every build (the old file is deleted only once the
    listing names the new one), so the checksum listed is the checksum of the file served under that name.
    """
    built_at = now or timezone.now()
    stamp = built_at.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    filename = f"upr-{kind}-all-{stamp}.{fmt}"
    queryset = export_queryset(kind, {})
    rows, size, digest = write_atomic(
        exports_path(DATASETS, filename), lambda out: export_write(kind, export_ids(queryset), fmt, out)
    )
    previous = DatasetFile.objects.filter(kind=kind, format=fmt).first()
    dataset, _created = DatasetFile.objects.update_or_create(
        kind=kind,
        format=fmt,
        defaults={"filename": filename, "rows": rows, "size": size, "sha256": digest, "built_at": built_at},
    )
    if previous is not None and previous.filename != filename:
        exports_path(DATASETS, previous.filename).unlink(missing_ok=True)
    return dataset


def datasets_rebuild() -> list[DatasetFile]:
    """Rebuild every prebuilt file (each kind, each format); clears the pending flag first, so an edit made
    during the rebuild asks for the next one."""
    DatasetRebuild.objects.get_or_create(pk=1)
    DatasetRebuild.objects.filter(pk=1).update(pending=False)
    built = [dataset_build(kind=kind, fmt=fmt) for kind in KINDS for fmt in EXPORT_FORMATS]
    DatasetRebuild.objects.filter(pk=1).update(last_built_at=timezone.now())
    return built
