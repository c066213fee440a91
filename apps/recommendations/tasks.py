"""Thin Celery tasks for exports: each takes an id (or nothing) and calls a service."""

from celery import shared_task

from apps.recommendations.exports.services import datasets_rebuild, export_job_purge, export_job_run


@shared_task(ignore_result=True, acks_late=True, reject_on_worker_lost=True)
def run_export_job(job_id: int) -> str:
    """Write one export job's file; a second delivery of the same message finds it claimed and does nothing."""
    job = export_job_run(job_id=job_id)
    return "already claimed" if job is None else f"export {job.pk}: {job.status}, {job.rows_done} rows"


@shared_task(ignore_result=True)
def rebuild_datasets() -> str:
    """Rebuild the prebuilt files of the whole record (after changes, debounced, and nightly by beat)."""
    return ", ".join(f"{dataset.filename} ({dataset.rows} rows)" for dataset in datasets_rebuild())


@shared_task(ignore_result=True)
def purge_export_jobs() -> str:
    deleted, lost = export_job_purge()
    return f"deleted {deleted} old jobs, marked {lost} lost jobs failed"
