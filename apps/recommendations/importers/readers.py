"""One reader per source format: each turns a decoded file into ParsedRows (or a rejection per row).

A reader checks the header (a missing column fails the whole file) and maps its columns onto our
fields. It touches no database: states, sessions and themes are names here, resolved by matching.py.
"""

import csv
import functools
import html
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.utils.text import slugify

from apps.recommendations.exports.writers import unescape_csv_cell
from apps.recommendations.fields import RECOMMENDATION_FIELD_NAMES, recommendation_field_empty_value
from apps.recommendations.importers.report import MalformedFileError
from apps.recommendations.models import Recommendation

UPR_INFO = "upr-info"
OHCHR_MATRIX = "ohchr-matrix"
PLAIN_CSV = "csv"
UHRI = "uhri"  # JSON or XLSX, read by importers/uhri.py
FORMATS = (UPR_INFO, OHCHR_MATRIX, PLAIN_CSV, UHRI)

UPR_INFO_COLUMNS = [
    "To",
    "To-Rgrp",
    "To-Org",
    "Text",
    "From",
    "From-Rgrp",
    "From-Org",
    "Response",
    "Action",
    "Issue",
    "Session",
]
OHCHR_COLUMNS = ["wg_session", "state_under_review", "paragraph", "recommendation", "recommending_states", "position"]
OHCHR_OPTIONAL = ["wg_report", "source_of_position", "themes", "affected_persons"]
# Our own CSV (what export_recommendations writes): the required columns, then the optional ones.
CSV_REQUIRED = ["state_under_review", "session", "text", "recommending_states"]
CSV_OPTIONAL = [*(name for name in RECOMMENDATION_FIELD_NAMES if name != "text"), "themes"]
ALL_THEME_SCHEMES = "*"

_RESPONSES = {
    "accepted": Recommendation.Response.SUPPORTED,
    "supported": Recommendation.Response.SUPPORTED,
    "noted": Recommendation.Response.NOTED,
    "pending": Recommendation.Response.PENDING,
    "": Recommendation.Response.PENDING,
}
# Where an OHCHR/UHRI theme term starts in a list: its code (a capital and digits: A12, F31, S04; or S), then its name. Names hold
# semicolons themselves ("F31 Children: definition; general principles; protection"), so a list is cut
# before each code, never at each ";".
_OHCHR_THEME_START = re.compile(r"(?:^|;)\s*((?:[A-Z]\d+|S)\s)")


def split_ohchr_themes(value: str) -> list[tuple[str, str]]:
    """(code, name) of each term of an OHCHR theme list, names single-spaced (the matrix mixes in no-break spaces).

    Text before the first code is a malformed list: RowRejected says so rather than dropping it.
    """
    starts = list(_OHCHR_THEME_START.finditer(value))
    if value.strip() and (not starts or value[: starts[0].start()].strip(" ;")):
        raise RowRejected(f"theme list {value[:60]!r} does not start with an OHCHR code (e.g. G5)")
    terms = []
    for index, start in enumerate(starts):
        end = starts[index + 1].start() if index + 1 < len(starts) else len(value)
        code = start.group(1).strip()
        name = " ".join(value[start.end(1) : end].split()).rstrip(";").strip()
        terms.append((code, name or code))
    return terms


class RowRejected(Exception):
    """The row cannot be imported; the message is the reason printed in the report."""


@dataclass(slots=True)
class ThemeRef:
    scheme: str
    code: str
    name: str


@dataclass(slots=True)  # kept for every valid row until the write: no __dict__ each
class ParsedRow:
    line: int
    state_under_review: str
    session: int
    text: str
    recommending_states: list[str]
    # Our field name → value, for the fields this format provides (and so may update).
    fields: dict[str, Any] = field(default_factory=dict)
    themes: list[ThemeRef] | None = None
    # The theme schemes this row's themes replace on update (comma-separated); other schemes' themes are kept.
    theme_schemes: str = ALL_THEME_SCHEMES
    # Set by formats that bring the UN text: a reported paraphrase of the same review and state may be
    # replaced by this row's text, which is then attributed to this source.
    replaces_paraphrase_source: str = ""
    # Odd values the row was imported despite (e.g. no report symbol), listed in the report.
    notes: list[str] = field(default_factory=list)


@dataclass
class RawRow:
    line: int
    values: dict[str, str] | None
    error: str = ""


def sniff_format(data: bytes) -> str | None:
    """The format named by a file's first line (headers are ASCII in every format we read)."""
    first = data.lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0].split(b"\r", 1)[0].decode("latin-1")
    try:
        header = next(csv.reader([first]))
    except (csv.Error, StopIteration):
        return None
    return detect_format([column.strip() for column in header])


def detect_format(header: list[str]) -> str | None:
    names = set(header)
    if {"To", "Text", "From", "Session"} <= names:
        return UPR_INFO
    if {"recommendation", "recommending_states", "wg_session"} <= names:
        return OHCHR_MATRIX
    if {"text", "recommending_states", "state_under_review"} <= names:
        return PLAIN_CSV
    return None


# Formats whose fields never span lines: a record read over several physical lines is a broken quote there.
SINGLE_LINE_FORMATS = frozenset({UPR_INFO, OHCHR_MATRIX})


class _LineTap:
    """The physical lines csv.reader consumes (CR, LF or CRLF endings), so each record knows its line span."""

    def __init__(self, lines: Iterator[str]) -> None:
        self.lines = lines
        self.taken: list[str] = []
        self.count = 0

    def __iter__(self) -> "_LineTap":
        return self

    def __next__(self) -> str:
        line = next(self.lines)
        self.taken.append(line)
        self.count += 1
        return line

    def take(self) -> list[str]:
        taken, self.taken = self.taken, []
        return taken


def _unbalanced_quotes(raw: list[str]) -> bool:
    """A record whose quotes do not pair up: one was opened and never closed (or stray in a quoted field)."""
    return sum(line.count('"') for line in raw) % 2 == 1


def read_rows(text: str, *, name: str, fmt: str | None) -> tuple[str, list[str], Iterator[RawRow]]:
    """Split text into rows keyed by the header. Returns (format, header, rows with their first line).

    Physical lines are accounted for as well as records; each row carries the line it starts on:
    1. A record whose quotes do not pair up (an unterminated quote swallows the next lines into its field)
       is rejected with its line span, never merged silently.
    2. In a format whose fields never span lines (UPR Info, the OHCHR matrix), a record read over several
       lines is broken the same way: its first line is rejected, and each following line is read again on
       its own, so the line the quote swallowed is imported (or rejected) in its own right.
    """
    tap = _LineTap(iter(io.StringIO(text, newline="")))
    reader = csv.reader(tap, strict=False)
    try:
        header = [column.strip() for column in next(reader)]
    except StopIteration:
        raise MalformedFileError("is empty") from None
    except csv.Error as exc:
        raise MalformedFileError(f"line 1: {exc}") from exc
    if _unbalanced_quotes(tap.take()) or reader.line_num > 1:
        raise MalformedFileError("line 1: the header has an unterminated quote")
    detected = detect_format(header)
    fmt = fmt or detected
    if fmt is None:
        raise MalformedFileError(
            f"has an unknown header ({', '.join(header[:12])}); expected the UPR Info export, the OHCHR matrix "
            "or our CSV (see the README), or give --format"
        )
    required = {UPR_INFO: UPR_INFO_COLUMNS, OHCHR_MATRIX: OHCHR_COLUMNS, PLAIN_CSV: CSV_REQUIRED}[fmt]
    duplicated = sorted({column for column in header if column and header.count(column) > 1})
    if duplicated:
        raise MalformedFileError(f"has the column(s) {', '.join(duplicated)} twice")
    missing = [column for column in required if column not in header]
    if missing:
        raise MalformedFileError(f"is missing the {fmt} column(s) {', '.join(missing)}; found {', '.join(header)}")
    single_line = fmt in SINGLE_LINE_FORMATS

    def row(line: int, values: list[str]) -> RawRow | None:
        if not any(value.strip() for value in values):
            return None  # a blank line is no row
        if len(values) != len(header):
            return RawRow(line, None, f"has {len(values)} columns, the header {len(header)}")
        return RawRow(line, dict(zip(header, values, strict=True)))

    def rows() -> Iterator[RawRow]:
        start = 2
        while True:
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise MalformedFileError(f"line {start}: {exc}") from exc
            raw = tap.take()
            line, last = start, start + len(raw) - 1
            start = last + 1
            if len(raw) > 1 and single_line:
                yield RawRow(
                    line,
                    None,
                    f"a quoted field opened on line {line} is not closed on its line (an unterminated quote) and "
                    f"ran on to line {last}; a {fmt} file has no multi-line fields: lines {line + 1}–{last} are "
                    "read on their own",
                )
                for offset, physical in enumerate(raw[1:], start=line + 1):
                    alone = list(csv.reader([physical], strict=False))
                    if _unbalanced_quotes([physical]):
                        yield RawRow(offset, None, "has an unterminated quote")
                    elif alone and (found := row(offset, alone[0])) is not None:
                        yield found
                continue
            if _unbalanced_quotes(raw):
                span = f"lines {line}–{last}" if last > line else f"line {line}"
                yield RawRow(
                    line,
                    None,
                    f"has an unterminated quote: the record runs over {span}, whose quotes do not pair up; "
                    "nothing of it is imported",
                )
                continue
            found = row(line, values)
            if found is not None:
                yield found

    return fmt, header, rows()


def _session(value: str) -> int:
    try:
        number = int(value.strip())
    except ValueError:
        raise RowRejected(f"session {value!r} is not a number") from None
    if number < 1:
        raise RowRejected(f"session {number} does not exist (sessions start at 1)")
    return number


def _response(value: str) -> str:
    try:
        return str(_RESPONSES[value.strip().casefold()].value)
    except KeyError:
        raise RowRejected(f"unknown response {value!r} (expected Accepted/Supported, Noted or Pending)") from None


def _action(value: str) -> int | None:
    value = value.strip()
    if not value:
        return None
    if not value.isdigit() or not 1 <= int(value) <= 5:
        raise RowRejected(f"action category {value!r} is not 1 to 5")
    return int(value)


def _split(value: str, separator: str) -> list[str]:
    return [part.strip() for part in value.split(separator) if part.strip()]


@functools.lru_cache(maxsize=4096)
def _upr_info_theme(name: str) -> ThemeRef:
    """One shared reference per issue name: a 50 MB export repeats ~60 names 600,000 times."""
    return ThemeRef("upr_info", slugify(name)[:80], name)


def parse_upr_info(values: dict[str, str], line: int) -> ParsedRow:
    """A UPR Info row: one recommending state per row; issues are comma-separated UPR Info themes."""
    get = {key: html.unescape(value) for key, value in values.items()}  # the export escapes brackets: &#40;
    return ParsedRow(
        line=line,
        state_under_review=get["To"].strip(),
        session=_session(get["Session"]),
        text=get["Text"].strip(),
        recommending_states=[get["From"].strip()] if get["From"].strip() else [],
        fields={"response": _response(get["Response"]), "action_category": _action(get["Action"])},
        themes=[_upr_info_theme(name) for name in _split(get["Issue"], ",")],
        theme_schemes="upr_info",
    )


def parse_ohchr_matrix(values: dict[str, str], line: int) -> ParsedRow:
    """An OHCHR matrix row; the text is kept as OHCHR prints it, attributions "(Mongolia);" included."""
    states = _split(values["recommending_states"], ";")
    text = values["recommendation"].strip()
    themes = [ThemeRef("ohchr", code, name) for code, name in split_ohchr_themes(values.get("themes", ""))]
    position = values["position"].strip()
    fields: dict[str, Any] = {
        "paragraph": values["paragraph"].strip(),
        "response": _response(position),
    }
    for column, ours in (
        ("source_of_position", "response_source"),
        ("affected_persons", "affected_persons"),
        ("wg_report", "source_document"),
    ):
        if column in values:
            fields[ours] = values[column].strip()
    return ParsedRow(
        line=line,
        state_under_review=values["state_under_review"].strip(),
        session=_session(values["wg_session"]),
        text=text,
        recommending_states=states,
        fields=fields,
        themes=themes if "themes" in values else None,
        theme_schemes="ohchr",
    )


def parse_plain_csv(values: dict[str, str], line: int) -> ParsedRow:
    """Our own CSV: the columns present are the fields set; themes are `scheme:code` separated by `;`.

    The exporter prefixes an apostrophe to a text a spreadsheet would run as a formula (`'=…`, `'+…`, `'-…`,
    `'@…`, and one more before such a text that already starts with apostrophes): exactly one is taken off
    again here, so an export re-imports unchanged (see apps/recommendations/exports/writers.py).
    """
    values = {column: unescape_csv_cell(value) for column, value in values.items()}
    fields: dict[str, Any] = {}
    for column in CSV_OPTIONAL:
        if column not in values or column == "themes":
            continue
        value = values[column].strip()
        if column == "response":
            fields[column] = _response(value)
        elif column == "action_category":
            fields[column] = _action(value)
        else:
            fields[column] = value or recommendation_field_empty_value(column)
    themes = None
    if "themes" in values:
        themes = []
        for term in _split(values["themes"], ";"):
            scheme, colon, code = term.partition(":")
            if not colon or not code.strip():
                raise RowRejected(f"theme {term!r} is not written scheme:code (e.g. ohchr:G5)")
            themes.append(ThemeRef(scheme.strip(), code.strip(), ""))
    return ParsedRow(
        line=line,
        state_under_review=values["state_under_review"].strip(),
        session=_session(values["session"]),
        text=values["text"].strip(),
        recommending_states=_split(values["recommending_states"], ";"),
        fields=fields,
        themes=themes,
        theme_schemes=ALL_THEME_SCHEMES,
    )


PARSERS = {UPR_INFO: parse_upr_info, OHCHR_MATRIX: parse_ohchr_matrix, PLAIN_CSV: parse_plain_csv}
# The encoding a format usually comes in, which wins a tie in detection.
PREFERRED_ENCODING = {UPR_INFO: "mac_roman", OHCHR_MATRIX: "cp1252", PLAIN_CSV: "cp1252"}
