"""Exports: the API's ?format=csv|xlsx|json streams the whole filtered list; an export re-imports to the same records."""

import csv
import io
import json
from pathlib import Path

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

    response = client.get(f"{API}/statements/", {"format": "csv"})

    rows = csv_rows(body(response))
    assert list(rows[0]) == STATEMENT_COLUMNS
    assert [row["speaker_state"] for row in rows] == ["USA", "DEU"]


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
