"""Exports of recommendations and statements as CSV, XLSX and JSON, streamed with flat memory.

The list to export is any filtered queryset (the API's, the explorer's, the command's). Only its ids are
read with a server-side cursor; the rows are fetched and written a chunk at a time, so a 250,000-row
export holds about one chunk in memory. The CSV of recommendations is the importer's own CSV format:
`import_recommendations --format csv` reads it back to the same records.
"""

import csv
import datetime as dt
import io
import json
import tempfile
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.db.models import Model, Prefetch, QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from rest_framework import renderers

from apps.recommendations.models import Recommendation, Theme
from apps.reviews.models import Statement
from apps.states.models import MemberState

CHUNK = 2000
EXPORT_FORMATS = ("csv", "xlsx", "json")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}
XLSX_CELL_LIMIT = 32_767

RECOMMENDATION_COLUMNS = [
    "id",
    "state_under_review",
    "state_under_review_name",
    "session",
    "cycle",
    "paragraph",
    "text",
    "text_status",
    "text_source",
    "recommending_states",
    "response",
    "response_label",
    "response_source",
    "action_category",
    "themes",
    "affected_persons",
    "source_document",
    "note",
]
STATEMENT_COLUMNS = [
    "id",
    "state_under_review",
    "session",
    "forum",
    "speaking_order",
    "speaker_state",
    "speaker_stakeholder",
    "language",
    "seconds_used",
    "text",
    "text_kind",
    "source",
    "source_url",
    "themes",
    "recommendations",
]
# Lists become `;`-separated cells in CSV and XLSX (the importer splits them there), arrays in JSON.
LIST_SEPARATOR = ";"


def _theme_codes(themes: Iterable[Theme]) -> list[str]:
    return sorted(f"{theme.scheme}:{theme.code}" for theme in themes)


def _recommendation_row(rec: Recommendation) -> dict[str, Any]:
    review = rec.review
    return {
        "id": rec.pk,
        "state_under_review": review.state_under_review.iso3,
        "state_under_review_name": review.state_under_review.name,
        "session": review.session.number,
        "cycle": review.session.cycle.number,
        "paragraph": rec.paragraph,
        "text": rec.text,
        "text_status": rec.text_status,
        "text_source": rec.text_source,
        "recommending_states": sorted(state.iso3 for state in rec.recommending_states.all()),
        "response": rec.response,
        "response_label": rec.response_label,
        "response_source": rec.response_source,
        "action_category": rec.action_category,
        "themes": _theme_codes(rec.themes.all()),
        "affected_persons": rec.affected_persons,
        "source_document": rec.source_document,
        "note": rec.note,
    }


def _statement_row(statement: Statement) -> dict[str, Any]:
    review = statement.review
    return {
        "id": statement.pk,
        "state_under_review": review.state_under_review.iso3,
        "session": review.session.number,
        "forum": statement.forum,
        "speaking_order": statement.speaking_order,
        "speaker_state": statement.speaker_state.iso3 if statement.speaker_state else "",
        "speaker_stakeholder": statement.speaker_stakeholder.name if statement.speaker_stakeholder else "",
        "language": statement.language,
        "seconds_used": statement.seconds_used,
        "text": statement.text,
        "text_kind": statement.text_kind,
        "source": statement.source,
        "source_url": statement.source_url,
        "themes": _theme_codes(statement.themes.all()),
        "recommendations": sorted(rec.pk for rec in statement.recommendations.all()),
    }


def _recommendation_chunk(ids: list[int]) -> QuerySet[Recommendation]:
    return (
        Recommendation.objects.filter(pk__in=ids)
        .defer("search_vector")
        .select_related("review__state_under_review", "review__session__cycle")
        .prefetch_related(
            Prefetch("recommending_states", queryset=MemberState.objects.only("id", "iso3")),
            Prefetch("themes", queryset=Theme.objects.only("id", "scheme", "code")),
        )
    )


def _statement_chunk(ids: list[int]) -> QuerySet[Statement]:
    return (
        Statement.objects.filter(pk__in=ids)
        .defer("search_vector")
        .select_related("review__state_under_review", "review__session", "speaker_state", "speaker_stakeholder")
        .prefetch_related(
            Prefetch("themes", queryset=Theme.objects.only("id", "scheme", "code")),
            Prefetch("recommendations", queryset=Recommendation.objects.only("id")),
        )
    )


def _rows(
    queryset: QuerySet[Any], fetch: Callable[[list[int]], QuerySet[Any]], to_row: Callable[[Any], dict[str, Any]]
) -> Iterator[dict[str, Any]]:
    """The rows of `queryset` in its order, a chunk at a time.

    Only the ids come from the filtered queryset (its search rank and snippet annotations are not
    computed for the export); each chunk's rows are then read with their relations in 3 queries.
    """
    chunk: list[int] = []

    def flush() -> Iterator[dict[str, Any]]:
        by_id: dict[int, Model] = {obj.pk: obj for obj in fetch(chunk)}
        for pk in chunk:
            if pk in by_id:  # deleted since the ids were read
                yield to_row(by_id[pk])

    for pk in queryset.values_list("pk", flat=True).iterator(chunk_size=CHUNK):
        chunk.append(pk)
        if len(chunk) == CHUNK:
            yield from flush()
            chunk = []
    if chunk:
        yield from flush()


def recommendation_export_rows(queryset: QuerySet[Recommendation]) -> Iterator[dict[str, Any]]:
    return _rows(queryset, _recommendation_chunk, _recommendation_row)


def statement_export_rows(queryset: QuerySet[Statement]) -> Iterator[dict[str, Any]]:
    return _rows(queryset, _statement_chunk, _statement_row)


def _flat(value: Any) -> Any:
    if isinstance(value, list):
        return LIST_SEPARATOR.join(str(item) for item in value)
    return "" if value is None else value


def csv_stream(columns: list[str], rows: Iterable[dict[str, Any]]) -> Iterator[bytes]:
    """UTF-8 with a byte-order mark (so spreadsheet programs read the accents right), a chunk of rows at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for count, row in enumerate(rows, start=1):
        writer.writerow([_flat(row[column]) for column in columns])
        if count % 500 == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def csv_stream_with_bom(columns: list[str], rows: Iterable[dict[str, Any]]) -> Iterator[bytes]:
    yield b"\xef\xbb\xbf"
    yield from csv_stream(columns, rows)


def json_stream(rows: Iterable[dict[str, Any]]) -> Iterator[bytes]:
    """A JSON array written one object at a time."""
    yield b"["
    separator = b"\n"
    for row in rows:
        yield separator + json.dumps(row, ensure_ascii=False).encode("utf-8")
        separator = b",\n"
    yield b"\n]\n"


def _xlsx_cell(value: Any) -> Any:
    value = _flat(value)
    if isinstance(value, str):
        # Excel refuses control characters and cells past 32,767 characters.
        return ILLEGAL_CHARACTERS_RE.sub("", value)[:XLSX_CELL_LIMIT]
    return value


def xlsx_stream(columns: list[str], rows: Iterable[dict[str, Any]], *, title: str) -> Iterator[bytes]:
    """An XLSX workbook built in openpyxl's write-only mode (rows go to a temporary file, not memory)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(columns)
    for row in rows:
        sheet.append([_xlsx_cell(row[column]) for column in columns])
    with tempfile.TemporaryFile() as spool:
        workbook.save(spool)
        spool.seek(0)
        while block := spool.read(256 * 1024):
            yield block


def export_stream(kind: str, queryset: QuerySet[Any], fmt: str) -> Iterator[bytes]:
    """The bytes of an export of `kind` ("recommendations" or "statements") in `fmt`."""
    if kind == "recommendations":
        columns, rows = RECOMMENDATION_COLUMNS, recommendation_export_rows(queryset)
    else:
        columns, rows = STATEMENT_COLUMNS, statement_export_rows(queryset)
    if fmt == "csv":
        return csv_stream_with_bom(columns, rows)
    if fmt == "xlsx":
        return xlsx_stream(columns, rows, title=kind)
    if fmt == "json":
        return json_stream(rows)
    raise ValueError(f"Unknown export format {fmt!r}; choose one of {', '.join(EXPORT_FORMATS)}.")


def export_filename(kind: str, fmt: str, now: dt.datetime | None = None) -> str:
    stamp = timezone.localtime(now or timezone.now()).strftime("%Y%m%d-%H%M")
    return f"{kind}-{stamp}.{fmt}"


def export_response(kind: str, queryset: QuerySet[Any], fmt: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(export_stream(kind, queryset, fmt), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{export_filename(kind, fmt)}"'
    return response


# -- DRF ------------------------------------------------------------------------------------------
class _ErrorAsJsonRenderer(renderers.BaseRenderer):
    """Lets `?format=csv|xlsx` through content negotiation; the list itself is streamed by ExportMixin.

    What the renderer itself gets is an error (a bad filter) or a single record: it is answered as JSON.
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


class ExportMixin:
    """A list view that streams its whole filtered list for `?format=csv`, `xlsx` or `json` (not one page).

    `export_kind` names the columns: "recommendations" or "statements".
    """

    export_kind = "recommendations"

    def get_renderers(self) -> list[renderers.BaseRenderer]:
        return [*super().get_renderers(), CSVRenderer(), XLSXRenderer()]  # type: ignore[misc]

    def list(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        fmt = request.query_params.get("format")
        if fmt in EXPORT_FORMATS:
            queryset = self.filter_queryset(self.get_queryset())  # type: ignore[attr-defined]
            return export_response(self.export_kind, queryset, fmt)
        return super().list(request, *args, **kwargs)  # type: ignore[misc]
