"""Requests for exports: an export job for a large filtered list, a rebuild of the prebuilt files after a change.

Each records its row and enqueues a task after commit, so this module sits above apps/recommendations/tasks.py,
whose tasks run the work in apps/recommendations/exports/services.py: requests → tasks → work, no cycle.
"""

import zlib
from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.recommendations.exports.columns import KINDS
from apps.recommendations.exports.naming import export_filename
from apps.recommendations.exports.selectors import export_job_active_count, export_queryset
from apps.recommendations.exports.writers import EXPORT_FORMATS
from apps.recommendations.models import DatasetRebuild, ExportJob
from apps.recommendations.tasks import rebuild_datasets, run_export_job


class ExportLimitReached(Exception):
    """The client already has EXPORT_MAX_JOBS_PER_CLIENT export jobs waiting or running."""


def _lock_client(client_key: str) -> None:
    """Serialise job creation per client (PostgreSQL advisory lock, released at commit), so two requests at
    once cannot both pass the limit. SQLite (make run) serialises writes anyway."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [7401, zlib.crc32(client_key.encode()) - 2**31])


@transaction.atomic
def export_job_create(
    *,
    kind: str,
    fmt: str,
    filters: Mapping[str, Sequence[str]],
    client_key: str,
    requester_id: int | None = None,
) -> ExportJob:
    """Record an export job and enqueue it after commit; ExportLimitReached past the client's limit.

    The filters are checked here (ValidationError naming the parameter), not only by the worker.
    """
    if kind not in KINDS or fmt not in EXPORT_FORMATS:
        raise ValidationError({"format": f"{kind}/{fmt} is not an export"})
    export_queryset(kind, filters)  # raises ValidationError on an unknown value
    _lock_client(client_key)
    limit = settings.EXPORT_MAX_JOBS_PER_CLIENT
    if export_job_active_count(client_key=client_key) >= limit:
        raise ExportLimitReached(
            _(
                "You already have %(limit)d exports being prepared. Wait until one is ready (its page shows the "
                "progress), then ask again."
            )
            % {"limit": limit}
        )
    job = ExportJob(
        kind=kind,
        format=fmt,
        filters={name: list(values) for name, values in filters.items()},
        client_key=client_key,
        requester_id=requester_id,
        filename=export_filename(kind, fmt, filters),
    )
    job.full_clean()
    job.save()
    run_export_job.delay_on_commit(job.pk)
    return job


def dataset_rebuild_request() -> bool:
    """Ask for a rebuild of the prebuilt files after a change (an import, an edit). Debounced: if one is already
    pending nothing more is enqueued; else one rebuild is enqueued EXPORT_REBUILD_DELAY_SECONDS after commit.

    Returns whether this call enqueued it.
    """
    if not settings.EXPORT_REBUILD_AFTER_CHANGES:
        return False
    DatasetRebuild.objects.get_or_create(pk=1)
    claimed = DatasetRebuild.objects.filter(pk=1, pending=False).update(pending=True, requested_at=timezone.now())
    if claimed != 1:
        return False
    transaction.on_commit(lambda: rebuild_datasets.apply_async(countdown=settings.EXPORT_REBUILD_DELAY_SECONDS))
    return True


def dataset_rebuild_on_statements_changed(sender: Any, **kwargs: Any) -> None:
    """Receiver of apps.reviews.signals.statements_changed (connected in RecommendationsConfig.ready): the
    prebuilt files hold the statements too, and reviews, below this app, cannot call dataset_rebuild_request."""
    dataset_rebuild_request()
