"""The OHCHR Universal Human Rights Index (UHRI) full export, JSON or XLSX: UPR records become ParsedRows.

The export's shape is documented in shared/data/uhri/README.md (one real record in its sample). Choices:

1. The format is recognised from the content: a JSON array (first byte `[`) or an XLSX workbook (a ZIP
   file, `PK\\x03\\x04`). JSON is streamed with ijson, one record at a time, so the 250,000 records of
   the full export are never all parsed at once; XLSX is read in openpyxl's read-only mode.
2. Only UPR recommendations are imported (`Body` "- UPR", and an `AnnotationType` naming recommendations
   when one is given). Any other record is counted rejected as "skipped: not a UPR recommendation".
3. UHRI names its themes (`Right to health`) without the codes of the OHCHR matrices we hold (`E41 Right
   to health - General`), and its current thesaurus differs from those terms (`Rights related to name,
   identity & nationality` vs D6 `…, identity, nationality`; `Sexual & gender-based violence` has no coded
   term). Mapping names onto codes would be a guess, so UHRI themes form their own scheme, `uhri`, coded
   by the slug of the name. SDGs (`16.2 - Protect children …`) are themes of the `sdg` scheme, coded by
   the target. Affected persons go to the existing `affected_persons` field, `; `-separated.
4. A UPR text may begin with its paragraph number (`28.301 Take measures …`) and end with its recommending
   states in brackets, as OHCHR prints them: both are taken off the text, as for the OHCHR matrix, so the
   text matches the records we already hold.
5. Odd values are reported, never guessed: an unknown position, several positions, several states under
   review or sessions, a cycle that contradicts the session, a malformed SDG reject the record; a record
   without a symbol is imported with the report symbol left unknown, and the report says so.

The "line" of a record is its position in the JSON array (from 1), or its row in the XLSX sheet.
"""

import io
import json
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import ijson
import openpyxl
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl.utils.exceptions import InvalidFileException

from apps.recommendations.importers.readers import ParsedRow, RowRejected, ThemeRef
from apps.recommendations.importers.report import SKIPPED_NOT_UPR, MalformedFileError
from apps.recommendations.models import Recommendation
from apps.reviews.calendar_rules import cycle_number_for_session
from apps.vocabulary.models import Theme

JSON_KIND = "JSON"
XLSX_KIND = "XLSX"
REQUIRED_KEYS = ("Body", "Countries", "Text", "UprSession", "UprRecommendingCountry")
KEYS = (
    "AnnotationId",
    "AnnotationType",
    "Body",
    "Countries",
    "DocumentId",
    "PublicationDate",
    "PublicationDateOnUhri",
    "Regions",
    "Sdgs",
    "Symbol",
    "Text",
    "Themes",
    "AffectedPersons",
    "UprCycle",
    "UprSession",
    "UprPositions",
    "UprRecommendingCountry",
    "UprRecommendingRegions",
)
LIST_KEYS = {
    "Countries",
    "Regions",
    "Sdgs",
    "Themes",
    "AffectedPersons",
    "UprSession",
    "UprPositions",
    "UprRecommendingCountry",
    "UprRecommendingRegions",
}
# The header may sit below a title: look for it in the sheet's first rows.
HEADER_SEARCH_ROWS = 10
THEME_SCHEMES = f"{Theme.Scheme.UHRI},{Theme.Scheme.SDG}"

_POSITIONS = {
    "supported": Recommendation.Response.SUPPORTED,
    "noted": Recommendation.Response.NOTED,
}
# "28.301 Take …", "28.301. Take …" (the UPR numbers its recommendations within one paragraph).
_PARAGRAPH = re.compile(r"^\s*(\d{1,3}\.\d{1,3})\.?\s+(?=\S)")
_SDG_TARGET = re.compile(r"\d{1,2}(?:\.[0-9a-z]{1,2})?")


@dataclass
class UhriRecord:
    line: int
    values: dict[str, Any]


def uhri_kind(data: bytes) -> str | None:
    """JSON or XLSX when the content is one of them (whatever the file's name), else None."""
    if data.startswith(b"PK\x03\x04"):
        return XLSX_KIND
    if data[:1024].removeprefix(b"\xef\xbb\xbf").lstrip()[:1] in (b"[", b"{"):
        return JSON_KIND
    return None


def read_uhri(data: bytes, kind: str) -> Iterator[UhriRecord]:
    """The export's records, one at a time; MalformedFileError when the file is not the export's shape."""
    return _json_records(data) if kind == JSON_KIND else _xlsx_records(data)


def _json_records(data: bytes) -> Iterator[UhriRecord]:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if data.lstrip()[:1] != b"[":
        raise MalformedFileError(_("is JSON, but its top level is not an array of UHRI records"))
    number = 0
    try:
        for number, item in enumerate(ijson.items(io.BytesIO(data), "item", use_float=True), start=1):
            if not isinstance(item, dict):
                raise MalformedFileError(
                    _("record %(number)d is %(kind)s, not an object") % {"number": number, "kind": type(item).__name__}
                )
            yield UhriRecord(number, item)
    except ijson.JSONError as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise MalformedFileError(
            _("is not valid JSON after record %(number)d: %(reason)s") % {"number": number, "reason": reason}
        ) from exc


def _header_key(cell: Any) -> str:
    return re.sub(r"[^a-z]", "", str(cell or "").casefold())


_KEYS_BY_HEADER = {_header_key(key): key for key in KEYS}


def _xlsx_records(data: bytes) -> Iterator[UhriRecord]:
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise MalformedFileError(_("is not a readable XLSX workbook (%(reason)s)") % {"reason": exc}) from exc
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        columns: list[str | None] = []
        for row_number, cells in enumerate(rows, start=1):
            found = [_KEYS_BY_HEADER.get(_header_key(cell)) for cell in cells]
            if set(REQUIRED_KEYS) <= set(found):
                columns = found
                break
            if row_number >= HEADER_SEARCH_ROWS:
                break
        if not columns:
            raise MalformedFileError(
                _("has no header row with the UHRI columns %(columns)s in its first %(rows)d rows")
                % {"columns": ", ".join(REQUIRED_KEYS), "rows": HEADER_SEARCH_ROWS}
            )
        repeated = sorted({key for key in columns if key and columns.count(key) > 1})
        if repeated:
            raise MalformedFileError(_("has the column(s) %(columns)s twice") % {"columns": ", ".join(repeated)})
        for line, cells in enumerate(rows, start=row_number + 1):
            if all(cell is None or str(cell).strip() == "" for cell in cells):
                continue  # an empty row is no record
            values = {key: _cell(key, cell) for key, cell in zip(columns, cells, strict=False) if key}
            yield UhriRecord(line, values)
    finally:
        workbook.close()


def _cell(key: str, cell: Any) -> Any:
    """A sheet cell as the JSON export would hold it: list columns become lists of strings.

    How the XLSX export joins a list in one cell is not documented: a JSON array, line breaks or `;`
    are read (never a comma, which occurs inside names such as "Rights related to name, identity & …").
    """
    if key not in LIST_KEYS:
        return cell
    if cell is None:
        return []
    if isinstance(cell, int | float):
        return [cell]
    text = str(cell).strip()
    if text.startswith("["):
        try:
            parsed = json.loads(text)
        except ValueError:
            parsed = None
        if isinstance(parsed, list):
            return parsed
    return [part.strip() for part in re.split(r"[\n;]", text) if part.strip()]


# -- one record ------------------------------------------------------------------------------------
def _label(value: Any) -> str:
    """A value as text, without the "- " UHRI puts before its labels ("- UPR")."""
    text = "" if value is None else str(value)
    return " ".join(text.strip().removeprefix("- ").split())


def _strings(value: Any, key: str) -> list[str]:
    if value is None or value == "":
        return []
    if not isinstance(value, list):
        value = [value]
    items = []
    for item in value:
        if isinstance(item, dict | list):
            raise RowRejected(_("%(key)s holds %(value)r, not names") % {"key": key, "value": item})
        if _label(item):
            items.append(_label(item))
    return items


def _number(value: Any, what: str) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        # "45", "45th", "45th session": the number UHRI gives, whatever words surround it.
        match = re.fullmatch(r"(\d+)(?:st|nd|rd|th)?(?: session)?", _label(value).casefold())
        if not match:
            raise RowRejected(_("%(what)s %(value)r is not a number") % {"what": what, "value": value})
        number = int(match.group(1))
    if number < 1:
        raise RowRejected(_("%(what)s %(value)r is not a number") % {"what": what, "value": value})
    return number


def _session(values: dict[str, Any]) -> int:
    sessions = {_number(item, "UPR session") for item in _strings_or_numbers(values["UprSession"])}
    if not sessions:
        raise RowRejected(_("a UPR record without its UPR session"))
    if len(sessions) > 1:
        raise RowRejected(
            _("names several UPR sessions (%(sessions)s)") % {"sessions": ", ".join(map(str, sorted(sessions)))}
        )
    session = sessions.pop()
    cycle_value = values.get("UprCycle")
    if cycle_value not in (None, "", []):
        cycle = _number(cycle_value[0] if isinstance(cycle_value, list) else cycle_value, "UPR cycle")
        if cycle != cycle_number_for_session(session):
            raise RowRejected(
                _("UPR cycle %(cycle)d contradicts session %(session)d (cycle %(expected)d)")
                % {"cycle": cycle, "session": session, "expected": cycle_number_for_session(session)}
            )
    return session


def _strings_or_numbers(value: Any) -> list[Any]:
    if value is None or value == "":
        return []
    return value if isinstance(value, list) else [value]


def _response(values: dict[str, Any]) -> str | None:
    """The response, or None when UHRI gives no position (the field is then left as it is)."""
    positions = {position.casefold(): position for position in _strings(values.get("UprPositions"), "UprPositions")}
    if not positions:
        return None
    if len(positions) > 1:
        raise RowRejected(_("several positions (%(positions)s)") % {"positions": ", ".join(sorted(positions.values()))})
    key, shown = positions.popitem()
    if key not in _POSITIONS:
        raise RowRejected(_("unknown position %(position)r (expected Supported or Noted)") % {"position": shown})
    return str(_POSITIONS[key].value)


def _themes(values: dict[str, Any]) -> list[ThemeRef] | None:
    if "Themes" not in values and "Sdgs" not in values:
        return None
    refs: dict[tuple[str, str], ThemeRef] = {}
    for name in _strings(values.get("Themes"), "Themes"):
        code = slugify(name)[:80] or name[:80]
        refs.setdefault((Theme.Scheme.UHRI, code), ThemeRef(Theme.Scheme.UHRI, code, name))
    for item in _strings(values.get("Sdgs"), "Sdgs"):
        target, _dash, title = item.partition(" - ")
        if not _SDG_TARGET.fullmatch(target.strip()):
            raise RowRejected(_("SDG %(sdg)r is not written 'target - title'") % {"sdg": item})
        code = target.strip()
        refs.setdefault((Theme.Scheme.SDG, code), ThemeRef(Theme.Scheme.SDG, code, title.strip() or code))
    return list(refs.values())


def is_upr_recommendation(values: dict[str, Any]) -> bool:
    kind = _label(values.get("AnnotationType")).casefold()
    return _label(values.get("Body")).casefold() == "upr" and (not kind or "recommendation" in kind)


def skipped_reason(values: dict[str, Any]) -> str | None:
    """Why a record is skipped (another mechanism's, or not a recommendation), or None for a UPR recommendation."""
    if "Body" not in values or is_upr_recommendation(values):
        return None
    shown = " ".join(filter(None, [_label(values.get("Body")), _label(values.get("AnnotationType"))]))
    return f"{SKIPPED_NOT_UPR} ({shown or _('no Body')})"


def parse_uhri(values: dict[str, Any], line: int) -> ParsedRow:
    """A UPR record as a ParsedRow, or RowRejected with the reason (a non-UPR record: SKIPPED_NOT_UPR)."""
    ident = _label(values.get("AnnotationId"))
    skipped = skipped_reason(values)
    if skipped:
        raise RowRejected(skipped)
    try:
        return _parse_upr(values, line, ident)
    except RowRejected as exc:
        raise RowRejected(f"{exc} [UHRI {ident}]" if ident else str(exc)) from None


def _parse_upr(values: dict[str, Any], line: int, ident: str) -> ParsedRow:
    missing = [key for key in REQUIRED_KEYS if key not in values]
    if missing:
        raise RowRejected(_("the record has no %(keys)s") % {"keys": ", ".join(missing)})
    countries = _strings(values["Countries"], "Countries")
    if len(countries) != 1:
        raise RowRejected(
            _("a UPR record names %(count)d states under review (%(names)s), not one")
            % {"count": len(countries), "names": ", ".join(countries) or "-"}
        )
    session = _session(values)
    states = _strings(values["UprRecommendingCountry"], "UprRecommendingCountry")
    text = "" if values["Text"] is None else str(values["Text"]).strip()
    fields: dict[str, Any] = {"text_status": Recommendation.TextStatus.VERBATIM.value}
    paragraph = _PARAGRAPH.match(text)
    if paragraph:
        fields["paragraph"] = paragraph.group(1)
        text = text[paragraph.end() :]
    # Stored as the UN printed it, attributions "(Mexico);" included (DESIGN.md, the record's truth);
    # the fingerprint that matches it to existing records ignores them.
    response = _response(values)
    if response is not None:
        fields["response"] = response
    notes = []
    symbol = _label(values.get("Symbol"))
    if symbol:
        fields["source_document"] = symbol
    else:
        notes.append(_("no Symbol: the report symbol is left as it was (unknown on a new record)"))
    persons = _strings(values.get("AffectedPersons"), "AffectedPersons")
    if persons:
        fields["affected_persons"] = "; ".join(persons)
    source = _("OHCHR Universal Human Rights Index (UHRI) export, record %(id)s") % {"id": ident or line}
    return ParsedRow(
        line=line,
        state_under_review=countries[0],
        session=session,
        text=text,
        recommending_states=states,
        fields=fields,
        themes=_themes(values),
        theme_schemes=THEME_SCHEMES,
        replaces_paraphrase_source=source,
        notes=[f"{note} [UHRI {ident}]" if ident else note for note in notes],
    )
