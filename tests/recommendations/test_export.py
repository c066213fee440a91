"""Exports: the API's ?format=csv|xlsx|json streams the whole filtered list; an export re-imports to the same records."""

import csv
import io
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.management import call_command
from django.test import Client

from apps.recommendations.exports.columns import RECOMMENDATION_COLUMNS, STATEMENT_COLUMNS, labels_for
from apps.recommendations.importers import ImportSource, recommendation_import
from apps.recommendations.models import Recommendation
from apps.reviews.models import Review
from apps.states.models import MemberState
from tests.factories import StatementFactory

API = "/api/v1"
CHINA_2013_2018 = 598  # the OHCHR matrices' recommendations in the reference data


def body(response) -> bytes:  # type: ignore[no-untyped-def]
    assert response.streaming, "an export must stream"
    return b"".join(response.streaming_content)


def csv_rows(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


@pytest.fixture
def few_per_chunk(monkeypatch: pytest.MonkeyPatch) -> None:
    """Small chunks, so the tests cross chunk boundaries as a 250,000-row export does."""
    monkeypatch.setattr("apps.recommendations.exports.columns.CHUNK", 7)


def test_anyone_can_export_the_whole_filtered_list_as_csv(
    client: Client, reference_data: None, few_per_chunk: None
) -> None:
    response = client.get(f"{API}/recommendations/", {"state_under_review": "CHN", "cycle": 3, "format": "csv"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="upr-recommendations-china-2018.csv"'
    rows = csv_rows(body(response))
    assert list(rows[0]) == RECOMMENDATION_COLUMNS
    assert len(rows) == 346 == Recommendation.objects.filter(review__session__cycle__number=3).count()
    first = next(row for row in rows if row["paragraph"] == "28.1")
    assert first["state_under_review"] == "CHN"
    assert first["session"] == "31"
    assert first["response"] in {"supported", "noted"}
    assert ";" in next(row["themes"] for row in rows if row["themes"].count(":") > 1)


def test_the_json_export_is_every_row_not_one_page(client: Client, reference_data: None, few_per_chunk: None) -> None:
    response = client.get(f"{API}/recommendations/", {"format": "json"})

    data = json.loads(body(response))
    assert response["Content-Type"] == "application/json"
    assert len(data) == Recommendation.objects.count() > 200
    china = Review.objects.get(state_under_review__iso3="CHN", session__number=17)
    row = next(item for item in data if item["paragraph"] == "186.28" and item["session"] == china.session.number)
    assert row["recommending_states"] == ["MNG"]
    assert row["text"].startswith("Continue its efforts on the ratification")


def test_the_xlsx_export_opens_in_a_spreadsheet(client: Client, reference_data: None, tmp_path: Path) -> None:
    response = client.get(f"{API}/recommendations/", {"state_under_review": "CHN", "cycle": 2, "format": "xlsx"})

    path = tmp_path / "export.xlsx"
    path.write_bytes(body(response))
    sheet = openpyxl.load_workbook(path, read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == labels_for("recommendations")
    assert "Recommending states (ISO3)" in rows[0]
    assert len(rows) - 1 == 252


def test_the_full_text_search_is_exported_too(client: Client, reference_data: None) -> None:
    response = client.get(f"{API}/recommendations/", {"q": "refoulement", "format": "csv"})

    rows = csv_rows(body(response))
    assert rows
    assert all("refoulement" in row["text"].lower() for row in rows)


def test_a_bad_filter_is_a_json_400_not_a_broken_file(client: Client, reference_data: None) -> None:
    response = client.get(f"{API}/recommendations/", {"state_under_review": "XXX", "format": "csv"})

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content)["error"]["code"] == "invalid"


def test_statements_export_as_csv(client: Client, reference_data: None) -> None:
    review = Review.objects.get(state_under_review__iso3="CHN", session__number=31)
    StatementFactory(review=review, speaker_state=MemberState.objects.get(iso3="USA"), speaking_order=1)
    StatementFactory(review=review, speaker_state=MemberState.objects.get(iso3="DEU"), speaking_order=2)

    response = client.get(f"{API}/statements/", {"format": "csv", "review": review.pk})

    rows = csv_rows(body(response))
    assert list(rows[0]) == STATEMENT_COLUMNS
    assert [row["speaker_state"] for row in rows] == ["USA", "DEU"]
    assert {row["text_kind"] for row in rows} == {"delivered"}


def test_a_statement_export_says_when_the_text_is_the_reports_summary(client: Client, reference_data: None) -> None:
    review = Review.objects.get(state_under_review__iso3="CHN", session__number=4)

    rows = csv_rows(body(client.get(f"{API}/statements/", {"format": "csv", "review": review.pk})))

    canada = next(row for row in rows if row["speaker_state"] == "CAN")
    assert (canada["text_kind"], canada["source"]) == ("report_summary", "A/HRC/11/25 para. 28")


def test_an_export_reimports_to_the_same_records(client: Client, reference_data: None, few_per_chunk: None) -> None:
    before = Recommendation.objects.count()
    data = body(client.get(f"{API}/recommendations/", {"format": "csv"}))

    report = recommendation_import(sources=[ImportSource("export.csv", data)])

    assert report.files[0].format == "csv"
    assert report.files[0].encoding == "UTF-8 with BOM"
    assert report.counts == {"created": 0, "updated": 0, "unchanged": before, "rejected": 0}
    assert Recommendation.objects.count() == before


def test_an_export_into_an_empty_review_recreates_its_records(reference_data: None, tmp_path: Path) -> None:
    path = tmp_path / "china-2013.csv"
    call_command(
        "export_recommendations", "--filter", "state_under_review=CHN", "--filter", "cycle=2", "--output", str(path)
    )
    exported = {(row["paragraph"], row["text"], row["response"], row["themes"]) for row in csv_rows(path.read_bytes())}
    Recommendation.objects.filter(review__session__number=17).delete()

    report = recommendation_import(sources=[ImportSource(path.name, path.read_bytes())])

    assert report.counts["created"] == 252
    again = tmp_path / "again.csv"
    call_command(
        "export_recommendations", "--filter", "state_under_review=CHN", "--filter", "cycle=2", "--output", str(again)
    )
    assert {
        (row["paragraph"], row["text"], row["response"], row["themes"]) for row in csv_rows(again.read_bytes())
    } == exported


def test_the_command_refuses_an_unknown_filter_value(reference_data: None) -> None:
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="Bad filter"):
        call_command("export_recommendations", "--filter", "state_under_review=XXX", "--output", "/dev/null")


# -- issue 9: what the columns say, and the file's name --------------------------------------------------
def test_a_row_names_the_year_the_states_and_the_themes_beside_their_codes(
    client: Client, reference_data: None
) -> None:
    rows = csv_rows(body(client.get(f"{API}/recommendations/", {"state_under_review": "CHN", "format": "csv"})))

    by_session = {row["session"]: row["year"] for row in rows}
    assert by_session == {"4": "2009", "17": "2013", "31": "2018", "45": "2024"}
    row = next(r for r in rows if r["session"] == "17" and r["paragraph"] == "186.28")
    assert (row["state_under_review"], row["state_under_review_name"]) == ("CHN", "China")
    assert (row["recommending_states"], row["recommending_state_names"]) == ("MNG", "Mongolia")
    refugees = next(r for r in rows if "project:dprk-refugees" in r["themes"].split(";"))
    codes, names = refugees["themes"].split(";"), refugees["theme_names"].split(";")
    assert len(codes) == len(names)
    assert names[codes.index("project:dprk-refugees")] == "North Korean refugees / non-refoulement"


def test_a_year_the_record_does_not_hold_is_left_empty(client: Client, reference_data: None) -> None:
    from tests.factories import RecommendationFactory, ReviewFactory

    review = ReviewFactory()  # a session without dates, a review without a dialogue date
    RecommendationFactory(review=review, recommending_states=[MemberState.objects.get(iso3="KOR")])

    rows = csv_rows(body(client.get(f"{API}/recommendations/", {"session": review.session.number, "format": "csv"})))

    assert [row["year"] for row in rows] == [""]


@pytest.mark.parametrize(
    ("query", "filename"),
    [
        ({"state_under_review": "CHN", "cycle": "3"}, "upr-recommendations-china-2018.csv"),
        ({"state_under_review": "CHN", "session": "17"}, "upr-recommendations-china-2013.csv"),
        ({"state_under_review": "CHN"}, "upr-recommendations-china.csv"),
        ({"cycle": "2", "theme": "dprk-refugees"}, "upr-recommendations-cycle-2-theme-dprk-refugees.csv"),
        (
            {"state_under_review": "CHN", "recommending_state": "KOR", "response": "noted"},
            "upr-recommendations-china-from-republic-of-korea-noted.csv",
        ),
        ({"q": "non-refoulement", "verbatim": "true"}, "upr-recommendations-search-non-refoulement-filtered.csv"),
    ],
)
def test_the_file_is_named_after_what_it_holds(
    client: Client, reference_data: None, query: dict[str, str], filename: str
) -> None:
    response = client.get(f"{API}/recommendations/", {**query, "format": "csv"})

    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'


def test_an_unfiltered_export_is_named_with_its_date(client: Client, reference_data: None) -> None:
    import time_machine

    with time_machine.travel("2026-11-30 12:00:00+00:00", tick=False):
        response = client.get(f"{API}/statements/", {"format": "json"})

    assert response["Content-Disposition"] == 'attachment; filename="upr-statements-all-20261130.json"'


# -- a stream that stops early says so ---------------------------------------------------------------------
@pytest.fixture
def failing_after_ten_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunks of 10 rows; the second chunk's query fails (as a lost database connection would), whether
    Python builds the rows or PostgreSQL's COPY writes the CSV (copy_csv.py)."""
    from apps.recommendations.exports import columns, copy_csv

    real = columns._recommendation_rows
    calls: list[int] = []

    def rows(ids: list[int]) -> dict:  # type: ignore[type-arg]
        calls.append(len(ids))
        if len(calls) == 2:
            raise RuntimeError("connection to the database lost")
        return real(ids)

    monkeypatch.setattr(columns, "CHUNK", 10)
    monkeypatch.setattr(columns, "_recommendation_rows", rows)
    real_copy = copy_csv._copy
    copies: list[int] = []

    def copy(sink: Any, ids: list[int], using: str) -> None:
        copies.append(len(ids))
        if len(copies) == 2:
            raise RuntimeError("connection to the database lost")
        real_copy(sink, ids, using)

    monkeypatch.setattr(copy_csv, "COPY_CHUNK", 10)
    monkeypatch.setattr(copy_csv, "_copy", copy)


def test_a_csv_stream_that_fails_midway_ends_with_a_marker_row(
    client: Client, reference_data: None, failing_after_ten_rows: None
) -> None:
    data = body(client.get(f"{API}/recommendations/", {"state_under_review": "CHN", "format": "csv"}))

    lines = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert len(lines) == 1 + 10 + 1
    assert lines[-1][0] == "#EXPORT-INCOMPLETE"
    assert "after 10 rows" in lines[-1][1]


def test_a_json_stream_that_fails_midway_is_valid_json_ending_with_a_marker(
    client: Client, reference_data: None, failing_after_ten_rows: None
) -> None:
    data = json.loads(body(client.get(f"{API}/recommendations/", {"state_under_review": "CHN", "format": "json"})))

    assert len(data) == 11
    assert data[-1] == {
        "export_incomplete": True,
        "rows_written": 10,
        "error": "the export stopped after 10 rows because of a server error",
    }


def test_a_complete_export_has_no_marker(client: Client, reference_data: None) -> None:
    data = body(client.get(f"{API}/recommendations/", {"state_under_review": "CHN", "format": "csv"}))

    assert b"EXPORT-INCOMPLETE" not in data


def test_an_xlsx_export_that_fails_is_an_error_before_any_byte(
    client: Client, reference_data: None, failing_after_ten_rows: None
) -> None:
    response = client.get(f"{API}/recommendations/", {"state_under_review": "CHN", "format": "xlsx"})

    assert response.status_code == 503
    assert not response.streaming
    assert json.loads(response.content)["error"]["code"] == "export_failed"
