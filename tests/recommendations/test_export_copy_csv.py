"""CSV from PostgreSQL's COPY is byte for byte the Python writer's CSV, on the nastiest texts we can think of."""

import csv
import datetime as dt
import io
import zipfile
from pathlib import Path

import openpyxl
import pytest

from apps.recommendations.exports import copy_csv
from apps.recommendations.exports.columns import RECOMMENDATION_COLUMNS, export_rows
from apps.recommendations.exports.writers import (
    csv_copy_stream,
    csv_stream,
    escape_csv_cell,
    export_stream,
    export_write,
    xlsx_write,
)
from apps.recommendations.models import DPRK_REFUGEES_THEME_CODE, Recommendation, RecommendationTheme, Theme
from tests.factories import MemberStateFactory, RecommendationFactory, ReviewFactory, SessionFactory, ThemeFactory

NASTY_TEXTS = [
    'He said "stop", then, "again"',
    "line one\nline two",
    "windows\r\nline end",
    "a lone\rcarriage return",
    "ends with a newline\n",
    '"starts with a quote',
    '"',
    ",,,",
    "=1+2",
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A2)",
    "\tstarts with a tab",
    "\rstarts with a carriage return",
    "'=already escaped once",
    "''@escaped twice",
    "'",
    "'''",
    "'not a formula",
    "북한 이탈주민의 강제송환을 중단할 것 (Republic of Korea)",
    "back\\slash \\N and \\. and C:\\path",
    "emoji 🙂 and NUL-free control \x01 character",
    "  leading and trailing spaces  ",
    "#N/A",
]


def python_csv(ids: list[int]) -> bytes:
    return b"".join(csv_stream(RECOMMENDATION_COLUMNS, export_rows("recommendations", ids)))


def copy_csv_bytes(ids: list[int]) -> bytes:
    return b"".join(csv_copy_stream(RECOMMENDATION_COLUMNS, copy_csv.recommendations_csv_rows(ids)))


@pytest.fixture
def nasty_records() -> list[int]:
    """Recommendations with every kind of awkward text, list, empty value and missing year; their ids, shuffled.

    The states use ISO 3166 user-assigned codes (QM–QZ) that MemberStateFactory (X..) never makes.
    """
    comma_state = MemberStateFactory(iso3="QMB", name='Korea, "Republic" of')
    formula_state = MemberStateFactory(iso3="QMA", name="=HYPERLINK(evil)")
    korean_state = MemberStateFactory(iso3="QMC", name="대한민국")
    dprk, _ = Theme.objects.get_or_create(
        scheme=Theme.Scheme.PROJECT, code=DPRK_REFUGEES_THEME_CODE, defaults={"name": "North Korean refugees"}
    )
    odd_theme = ThemeFactory(scheme=Theme.Scheme.OHCHR, code="Z9", name="@Theme; with a semicolon, and a comma")
    korean_theme = ThemeFactory(scheme=Theme.Scheme.UPR_INFO, code="난민", name='난민 "refugees"')
    dated = ReviewFactory(
        state_under_review=comma_state, dialogue_date=dt.date(2018, 11, 6), session=SessionFactory(number=931)
    )
    by_session = ReviewFactory(session=SessionFactory(number=932, starts_on=dt.date(2013, 10, 21)))
    undated = ReviewFactory(state_under_review=formula_state, session=SessionFactory(number=933))
    reviews = [dated, by_session, undated]
    ids: list[int] = []
    for index, text in enumerate(NASTY_TEXTS):
        rec = RecommendationFactory(
            review=reviews[index % 3],
            paragraph="" if index % 4 == 0 else f"=28.{index}" if index % 5 == 0 else f"28.{index}",
            text=text,
            text_source=text if index % 2 else "",
            response_label="" if index % 3 else "-rejected",
            affected_persons=NASTY_TEXTS[-index - 1],
            note="" if index % 2 else 'note, with "quotes"\nand a newline',
            action_category=None if index % 3 == 0 else 1 + index % 5,
            recommending_states=[[], [comma_state], [korean_state, formula_state, comma_state]][index % 3],
        )
        if index % 2:
            RecommendationTheme.objects.create(recommendation=rec, theme=korean_theme)
            RecommendationTheme.objects.create(recommendation=rec, theme=odd_theme)
        if index % 4 == 1:
            RecommendationTheme.objects.create(
                recommendation=rec, theme=dprk, mention=RecommendationTheme.Mention.EXPLICIT
            )
        ids.append(rec.pk)
    ids.reverse()  # not the table's order: the list's order must be kept
    return ids


def test_the_copy_csv_is_byte_for_byte_the_python_writers_csv(postgres: None, nasty_records: list[int]) -> None:
    expected = python_csv(nasty_records)

    assert copy_csv_bytes(nasty_records) == expected
    # The nasty texts really went through: quoted, escaped, in the list's order.
    rows = list(csv.DictReader(io.StringIO(expected.decode("utf-8-sig"), newline="")))
    assert [int(row["id"]) for row in rows] == nasty_records
    assert {row["text"] for row in rows} == {escape_csv_cell(text) for text in NASTY_TEXTS}
    assert b"\r\n" in expected and b"'=1+2" in expected and "대한민국".encode() in expected


def test_chunks_keep_the_order_and_leave_out_a_record_deleted_meanwhile(
    postgres: None, nasty_records: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(copy_csv, "COPY_CHUNK", 4)
    Recommendation.objects.filter(pk=nasty_records[5]).delete()

    assert copy_csv_bytes(nasty_records) == python_csv(nasty_records)
    assert [rows for rows, _block in copy_csv.recommendations_csv_rows(nasty_records)] == [4, 3, 4, 4, 4, 4]


def test_streams_and_files_on_postgresql_come_from_copy_not_from_python_rows(
    postgres: None, nasty_records: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = python_csv(nasty_records)

    def no_python_rows(*args: object) -> None:
        raise AssertionError("the CSV export built its rows in Python")

    monkeypatch.setattr("apps.recommendations.exports.writers.export_rows", no_python_rows)

    assert b"".join(export_stream("recommendations", iter(nasty_records), "csv")) == expected
    done: list[int] = []
    file = io.BytesIO()
    assert export_write("recommendations", iter(nasty_records), "csv", file, progress=done.append) == len(NASTY_TEXTS)
    assert file.getvalue() == expected
    assert done == [len(NASTY_TEXTS)]


def test_statements_keep_the_python_writer(db: None) -> None:
    assert copy_csv.copy_csv_available("statements") is False


def test_the_xlsx_from_postgresqls_rows_holds_the_python_rows_cells_and_no_formula(
    postgres: None, nasty_records: list[int], tmp_path: Path
) -> None:
    from_python = tmp_path / "python.xlsx"
    with from_python.open("wb") as out:
        xlsx_write("recommendations", export_rows("recommendations", nasty_records), out)
    from_sql = tmp_path / "sql.xlsx"
    with from_sql.open("wb") as out:
        assert export_write("recommendations", iter(nasty_records), "xlsx", out) == len(NASTY_TEXTS)

    def cells(path: Path) -> list[tuple[object, ...]]:
        return list(openpyxl.load_workbook(path, read_only=True).active.iter_rows(values_only=True))

    assert cells(from_sql) == cells(from_python)
    with zipfile.ZipFile(from_sql) as archive:
        xml = b"".join(archive.read(name) for name in archive.namelist() if name.startswith("xl/worksheets/"))
    assert b"<f>" not in xml and b"<f " not in xml
    texts = [row[RECOMMENDATION_COLUMNS.index("text")] for row in cells(from_sql)[1:]]
    assert "=1+2" in texts and "#N/A" in texts and "북한 이탈주민의 강제송환을 중단할 것 (Republic of Korea)" in texts
