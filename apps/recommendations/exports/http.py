"""Export responses for the API and the pages: small lists streamed, large ones as jobs, the whole record as files.

1. Up to EXPORT_SYNC_MAX_ROWS matching rows (EXPORT_SYNC_MAX_ROWS_XLSX for XLSX): answered in the request. CSV and JSON are streamed (their ids
   were read before the first byte, so a bad query is an error response, not a broken file; a failure later
   ends the file with a marker); XLSX is built first and then sent (a zip cannot be cut and stay readable).
2. More rows, no filter at all: a 303 to the current prebuilt file of the whole record (/downloads/).
3. More rows, filtered: an ExportJob for a worker; 202 with the job's status and page links; 429 when the
   client already has EXPORT_MAX_JOBS_PER_CLIENT jobs waiting or running.
"""

import contextlib
import logging
import tempfile
import threading
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.urls import reverse
from rest_framework import exceptions, status

from apps.recommendations.exports.columns import export_ids, export_rows
from apps.recommendations.exports.naming import export_filename
from apps.recommendations.exports.selectors import dataset_file_current
from apps.recommendations.exports.writers import CONTENT_TYPES, export_stream, xlsx_write

logger = logging.getLogger(__name__)


class ExportFailed(exceptions.APIException):
    """A server-side failure while building a file that is sent only once complete (XLSX)."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "The export could not be built just now; try again in a moment."
    default_code = "export_failed"


# In-request exports are CPU-bound Python: a gthread process building several at once leaves its other
# threads (a /healthz, a page) waiting for the GIL. At most this many build at once per process; the others
# wait their turn without using the CPU. Per process by design (it guards this process's CPU; nothing is shared).
_BUILDING = threading.BoundedSemaphore(max(1, int(getattr(settings, "EXPORT_SYNC_CONCURRENCY", 1))))


@contextlib.contextmanager
def _building_slot() -> Iterator[None]:
    """Wait (up to 2 minutes) for a slot; past that, build anyway rather than fail or hang."""
    acquired = _BUILDING.acquire(timeout=120)
    try:
        yield
    finally:
        if acquired:
            _BUILDING.release()


def _one_at_a_time(blocks: Iterator[bytes]) -> Iterator[bytes]:
    """The stream, built while holding a slot (taken at the first block, so a stream never read takes none)."""
    with _building_slot():
        yield from blocks


def content_disposition(filename: str) -> str:
    """An attachment header; the names we make are ASCII slugs, anything else is reduced to ASCII."""
    safe = filename.encode("ascii", "ignore").decode().replace('"', "").replace("\\", "") or "export"
    return f'attachment; filename="{safe}"'


def export_sync_response(
    kind: str, ids: list[int], fmt: str, filters: Mapping[str, Sequence[str]]
) -> StreamingHttpResponse:
    """The export of records `ids` (already read: at most EXPORT_SYNC_MAX_ROWS) in this response."""
    filename = export_filename(kind, fmt, filters)
    response: StreamingHttpResponse
    if fmt == "xlsx":
        spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 (FileResponse closes it)
        try:
            with _building_slot():
                xlsx_write(kind, export_rows(kind, ids), spool)
        except Exception as exc:
            spool.close()
            logger.exception("XLSX export failed before its first byte")
            raise ExportFailed() from exc
        spool.seek(0)
        response = FileResponse(spool, content_type=CONTENT_TYPES[fmt])
    else:
        response = StreamingHttpResponse(_one_at_a_time(export_stream(kind, ids, fmt)), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition(filename)
    return response


def sync_limit(fmt: str) -> int:
    """The most rows answered in the request in `fmt` (XLSX costs about 5 times the CPU of CSV a row)."""
    return int(settings.EXPORT_SYNC_MAX_ROWS_XLSX if fmt == "xlsx" else settings.EXPORT_SYNC_MAX_ROWS)


def first_ids(queryset: QuerySet[Any], fmt: str) -> list[int]:
    """Up to sync_limit(fmt) + 1 ids of the list in its order: the rows of a small export, or proof it is large."""
    return list(queryset.values_list("pk", flat=True)[: sync_limit(fmt) + 1])


def is_small(ids: list[int], fmt: str) -> bool:
    return len(ids) <= sync_limit(fmt)


def dataset_url(kind: str, fmt: str) -> str | None:
    """The current prebuilt file of the whole record of `kind` in `fmt`, if one was built."""
    dataset = dataset_file_current(kind=kind, fmt=fmt)
    if dataset is None:
        return None
    return reverse("exports:dataset_file", kwargs={"filename": dataset.filename})


__all__ = [
    "content_disposition",
    "dataset_url",
    "export_ids",
    "export_sync_response",
    "first_ids",
    "is_small",
    "sync_limit",
]
