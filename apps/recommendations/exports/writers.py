"""CSV, XLSX and JSON writers: rows in, bytes out, with bounded memory and no live formula.

Exports are public, and their texts come from anyone who can log a statement or upload a file, so a cell
must never run as a formula in the reader's spreadsheet (OWASP "CSV injection"):

- CSV: a text starting with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading apostrophe
  (`'=1+2`), which spreadsheets show as text. So that the importer can take it off again without guessing,
  a text that already starts with apostrophes followed by one of those characters gets one more
  (`'=x` is written `''=x`); `unescape_csv_cell` (used by the importer's CSV reader) removes exactly one.
  An export therefore re-imports unchanged.
- XLSX: every text cell is written as a string (`data_type = "s"`, an inline string), never a formula: the
  saved sheet holds no `<f>` element, and the text is kept exactly as it is.
- JSON is exact: no apostrophe, no change.

A streamed CSV or JSON that fails after its first bytes ends with a marker (a CSV row starting with
EXPORT_INCOMPLETE_MARKER, a last JSON element `{"export_incomplete": true, …}`) instead of stopping silently
mid-file. XLSX is never streamed before it is complete (a zip cannot be cut and stay readable).
"""

import contextlib
import csv
import io
import json
import logging
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from apps.recommendations.exports.columns import columns_for, export_rows, labels_for

logger = logging.getLogger(__name__)

EXPORT_FORMATS = ("csv", "xlsx", "json")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}
XLSX_CELL_LIMIT = 32_767
# Lists become `;`-separated cells in CSV and XLSX (the importer splits them there), arrays in JSON.
LIST_SEPARATOR = ";"
# The first cell of the last row of a CSV export that stopped early.
EXPORT_INCOMPLETE_MARKER = "#EXPORT-INCOMPLETE"

# What a spreadsheet may read as the start of a formula (OWASP), after any apostrophes we added before.
_FORMULA_START = re.compile(r"^'*[=+\-@\t\r]")
_ESCAPED = re.compile(r"^'+[=+\-@\t\r]")


def escape_csv_cell(value: str) -> str:
    """The text as a spreadsheet shows it without running it: `=1+2` → `'=1+2` (see the module's docstring)."""
    return "'" + value if _FORMULA_START.match(value) else value


def unescape_csv_cell(value: str) -> str:
    """The inverse of escape_csv_cell, for the importer: `'=1+2` → `=1+2`, `''=x` → `'=x`, others unchanged."""
    return value[1:] if _ESCAPED.match(value) else value


def _flat(value: Any) -> Any:
    if isinstance(value, list):
        return LIST_SEPARATOR.join(str(item) for item in value)
    return "" if value is None else value


def _csv_cell(value: Any) -> Any:
    value = _flat(value)
    return escape_csv_cell(value) if isinstance(value, str) else value


def csv_stream(columns: list[str], rows: Iterable[dict[str, Any]], *, strict: bool = False) -> Iterator[bytes]:
    """UTF-8 with a byte-order mark (spreadsheets then read the accents right), 500 rows a block.

    A failure mid-way ends the file with a marker row, or raises when `strict` (a file written to disk).
    """
    yield b"\xef\xbb\xbf"
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    count = 0
    try:
        for row in rows:
            writer.writerow([_csv_cell(row[column]) for column in columns])
            count += 1
            if count % 500 == 0:
                yield buffer.getvalue().encode("utf-8")
                buffer.seek(0)
                buffer.truncate()
    except Exception:
        if strict:
            raise
        # The status line went out with the first block: the file itself must say it is cut short.
        logger.exception("CSV export stopped after %d rows", count)
        writer.writerow([EXPORT_INCOMPLETE_MARKER, f"the export stopped after {count} rows because of a server error"])
    yield buffer.getvalue().encode("utf-8")


def json_stream(rows: Iterable[dict[str, Any]], *, strict: bool = False) -> Iterator[bytes]:
    """A JSON array written one object at a time; values exactly as stored, lists as arrays.

    A failure mid-way ends the array with a marker object, or raises when `strict`.
    """
    yield b"["
    separator = b"\n"
    count = 0
    try:
        for row in rows:
            yield separator + json.dumps(row, ensure_ascii=False).encode("utf-8")
            separator = b",\n"
            count += 1
    except Exception:
        if strict:
            raise
        logger.exception("JSON export stopped after %d rows", count)
        marker = {
            "export_incomplete": True,
            "rows_written": count,
            "error": f"the export stopped after {count} rows because of a server error",
        }
        yield separator + json.dumps(marker).encode("utf-8")
    yield b"\n]\n"


def _xlsx_cell(sheet: Any, value: Any) -> Any:
    value = _flat(value)
    if not isinstance(value, str):
        return value
    # Excel refuses control characters and cells past 32,767 characters.
    value = ILLEGAL_CHARACTERS_RE.sub("", value)[:XLSX_CELL_LIMIT]
    if not value.startswith(("=", "#")):
        return value  # openpyxl writes it as a string (a cell of its own for each costs ~40 % more time)
    # openpyxl would infer a formula ("=…") or an error value ("#N/A"): this cell is a string, whatever it holds.
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell


def xlsx_write(kind: str, rows: Iterable[dict[str, Any]], out: IO[bytes]) -> None:
    """An XLSX workbook in openpyxl's write-only mode (rows go to a temporary file, not memory), saved to `out`.

    The header row is the columns' translated labels, in the active language: XLSX is the file people read.
    """
    columns = columns_for(kind)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=kind[:31])
    sheet.append([_xlsx_cell(sheet, label) for label in labels_for(kind)])
    try:
        for row in rows:
            sheet.append([_xlsx_cell(sheet, row[column]) for column in columns])
    except BaseException:
        # Close the sheet's temporary file now (openpyxl would complain when the workbook is collected);
        # the error that stopped the rows is the one raised.
        with contextlib.suppress(Exception):
            sheet.close()
        raise
    workbook.save(out)


def export_write(
    kind: str, ids: Iterable[int], fmt: str, out: IO[bytes], *, progress: Callable[[int], None] | None = None
) -> int:
    """Write the export of records `ids` of `kind` in `fmt` to `out`; returns the rows written.

    Unlike the streams, a failure raises (the caller writes to a temporary file and keeps nothing).
    `progress(rows_done)` is called after every CHUNK rows.
    """
    from apps.recommendations.exports import columns as columns_module

    count = 0

    def counted(rows: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        nonlocal count
        for row in rows:
            yield row
            count += 1
            if progress is not None and count % columns_module.CHUNK == 0:
                progress(count)

    rows = counted(export_rows(kind, ids))
    if fmt == "xlsx":
        xlsx_write(kind, rows, out)
        return count
    if fmt == "csv":
        _write_all(out, csv_stream(columns_for(kind), rows, strict=True))
    elif fmt == "json":
        _write_all(out, json_stream(rows, strict=True))
    else:
        raise ValueError(f"Unknown export format {fmt!r}; choose one of {', '.join(EXPORT_FORMATS)}.")
    return count


def _write_all(out: IO[bytes], blocks: Iterable[bytes]) -> None:
    for block in blocks:
        out.write(block)


def export_stream(kind: str, ids: Iterable[int], fmt: str) -> Iterator[bytes]:
    """The bytes of an export of records `ids` of `kind` ("recommendations" or "statements") in `fmt`."""
    rows = export_rows(kind, ids)
    if fmt == "csv":
        return csv_stream(columns_for(kind), rows)
    if fmt == "json":
        return json_stream(rows)
    if fmt == "xlsx":
        return _xlsx_blocks(kind, rows)
    raise ValueError(f"Unknown export format {fmt!r}; choose one of {', '.join(EXPORT_FORMATS)}.")


def _xlsx_blocks(kind: str, rows: Iterable[dict[str, Any]]) -> Iterator[bytes]:
    with tempfile.TemporaryFile() as spool:
        xlsx_write(kind, rows, spool)
        spool.seek(0)
        while block := spool.read(256 * 1024):
            yield block
