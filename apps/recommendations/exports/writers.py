"""CSV, XLSX and JSON writers: rows in, bytes out, with bounded memory and no live formula.

Exports are public, and their texts come from anyone who can log a statement or upload a file, so a cell
must never run as a formula in the reader's spreadsheet (OWASP "CSV injection"):

- CSV: a text starting with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading apostrophe
  (`'=1+2`), which spreadsheets show as text. So that the importer can take it off again without guessing,
  a text that already starts with apostrophes followed by one of those characters gets one more
  (`'=x` is written `''=x`); `unescape_csv_cell` (used by the importer's CSV reader) removes exactly one.
  An export therefore re-imports unchanged.
- XLSX: every text cell is written as a string (XlsxWriter's write_string), never a formula: the saved
  sheet holds no `<f>` element, and the text is kept exactly as it is (less the control characters Excel
  refuses).
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
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import IO, Any

import xlsxwriter
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from apps.recommendations.exports.columns import columns_for, export_rows, labels_for
from apps.recommendations.exports.copy_csv import (
    copy_csv_available,
    recommendations_csv_rows,
    recommendations_csv_write,
    recommendations_value_rows,
)

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
CSV_BOM = b"\xef\xbb\xbf"
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


def _csv_line(cells: list[Any]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(cells)
    return buffer.getvalue().encode("utf-8")


def csv_stream(columns: list[str], rows: Iterable[dict[str, Any]], *, strict: bool = False) -> Iterator[bytes]:
    """UTF-8 with a byte-order mark (spreadsheets then read the accents right), 500 rows a block.

    A failure mid-way ends the file with a marker row, or raises when `strict` (a file written to disk).
    """
    yield CSV_BOM
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


def csv_copy_stream(
    columns: list[str],
    blocks: Iterable[tuple[int, bytes]],
    *,
    strict: bool = False,
    progress: Callable[[int], None] | None = None,
) -> Iterator[bytes]:
    """csv_stream's bytes from blocks of rows already written as CSV by PostgreSQL (copy_csv.py).

    The same byte-order mark, header and incomplete-export marker; `progress(rows_done)` after each block.
    """
    yield CSV_BOM + _csv_line(columns)
    count = 0
    try:
        for rows, block in blocks:
            yield block
            count += rows
            if progress is not None:
                progress(count)
    except Exception:
        if strict:
            raise
        logger.exception("CSV export stopped after %d rows", count)
        yield _csv_line([EXPORT_INCOMPLETE_MARKER, f"the export stopped after {count} rows because of a server error"])


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


def _xlsx_put(sheet: Any, row: int, col: int, value: Any) -> None:
    """One cell: a number as a number, anything else as a string, never a formula (XlsxWriter's write_string
    writes what it is given as text: "=1+2", "#N/A" and "http://…" stay strings)."""
    if value is None or value == [] or value == "":
        return  # a blank cell (an empty text and no value look the same in a spreadsheet)
    if isinstance(value, int | float) and not isinstance(value, bool):
        sheet.write_number(row, col, value)
        return
    text = _flat(value) if isinstance(value, list) else str(value)
    # Excel refuses control characters and cells past 32,767 characters.
    sheet.write_string(row, col, ILLEGAL_CHARACTERS_RE.sub("", text)[:XLSX_CELL_LIMIT])


def xlsx_write_values(title: str, labels: list[str], rows: Iterable[Sequence[Any]], out: IO[bytes]) -> None:
    """An XLSX workbook of `rows` (sequences of values) under a header of `labels`, written to `out`.

    XlsxWriter in constant_memory mode: each row goes to a temporary file as it is written, so memory stays
    flat whatever the number of rows (openpyxl's write-only mode does the same, at about 1.6 times the time a
    cell here). Its conversions of strings (to formulas, numbers or links) are all off.
    """
    workbook = xlsxwriter.Workbook(
        out,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
            "tmpdir": tempfile.gettempdir(),
        },
    )
    try:
        sheet = workbook.add_worksheet(title[:31])
        for col, label in enumerate(labels):
            _xlsx_put(sheet, 0, col, label)
        for index, values in enumerate(rows, start=1):
            for col, value in enumerate(values):
                _xlsx_put(sheet, index, col, value)
    except BaseException:
        # Remove the temporary files now; the error that stopped the rows is the one raised (the caller
        # throws away the half-written output).
        with contextlib.suppress(Exception):
            workbook.close()
        raise
    workbook.close()


def xlsx_write(kind: str, rows: Iterable[dict[str, Any]], out: IO[bytes]) -> None:
    """The XLSX export of `rows` (export_rows' dicts). The header row is the columns' translated labels, in
    the active language: XLSX is the file people read."""
    columns = columns_for(kind)
    xlsx_write_values(kind, labels_for(kind), ([row[column] for column in columns] for row in rows), out)


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

    if fmt == "csv" and copy_csv_available(kind):
        # PostgreSQL writes the rows in one COPY (copy_csv.py); progress is reported once it is done, since
        # the connection is busy with the COPY until then (seconds, even for the whole record).
        out.write(CSV_BOM + _csv_line(columns_for(kind)))
        count = recommendations_csv_write(ids, out)
        if progress is not None:
            progress(count)
        return count
    if fmt == "xlsx" and copy_csv_available(kind):
        # PostgreSQL joins the rows (copy_csv.recommendations_value_rows); Python only writes the cells.
        values = recommendations_value_rows(ids)
        xlsx_write_values(kind, labels_for(kind), counted(values), out)  # type: ignore[arg-type]
        return count
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
    if fmt == "csv" and copy_csv_available(kind):
        return csv_copy_stream(columns_for(kind), recommendations_csv_rows(ids))
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
