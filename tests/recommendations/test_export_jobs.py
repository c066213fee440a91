"""Large exports leave the web request: filtered ones become jobs written by a worker, the whole record is
served as prebuilt files with their date and checksum."""

import csv
import hashlib
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test import Client

from apps.recommendations.exports import services as export_services
from apps.recommendations.exports.tokens import export_job_token_make, export_job_token_read
from apps.recommendations.models import DatasetFile, DatasetRebuild, ExportJob, Recommendation
from apps.recommendations.services import recommendation_update
from apps.recommendations.tasks import purge_export_jobs, rebuild_datasets

API = "/api/v1/recommendations/"
CHINA_2018 = {"state_under_review": "CHN", "cycle": "3"}


@pytest.fixture
def small_limits(settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Exports past 50 rows become jobs; files go to a temporary EXPORTS_DIR; chunks of 40 rows."""
    settings.EXPORT_SYNC_MAX_ROWS = 50
    settings.EXPORT_SYNC_MAX_ROWS_XLSX = 50
    settings.EXPORT_MAX_JOBS_PER_CLIENT = 2
    settings.EXPORTS_DIR = tmp_path / "exports"
    settings.SITE_URL = "https://upr.example.org"
    monkeypatch.setattr("apps.recommendations.exports.columns.CHUNK", 40)
    return settings.EXPORTS_DIR


def _rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def _body(response: Any) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_a_large_filtered_export_becomes_a_job_that_progresses_and_is_mailed(
    client_for: Any,
    advocate: Any,
    reference_data: None,
    small_limits: Path,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = client_for(advocate)
    progress_seen: list[int] = []
    real_write = export_services.export_write

    def observed_write(kind: str, ids: Any, fmt: str, out: Any, *, progress: Any = None) -> int:
        def spy(done: int) -> None:
            progress(done)
            progress_seen.append(ExportJob.objects.get().rows_done)  # what the status endpoint reads

        return real_write(kind, ids, fmt, out, progress=spy)

    monkeypatch.setattr(export_services, "export_write", observed_write)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(API, {**CHINA_2018, "format": "csv"})

    assert response.status_code == 202
    data = response.json()
    assert response["Location"] == data["status_url"]
    assert data["filename"] == "upr-recommendations-china-2018.csv"
    # Rows built in Python report progress every CHUNK rows; a CSV that PostgreSQL's COPY writes in one
    # statement (exports/copy_csv.py, seconds even for the whole record) reports it once, when written.
    expected = [346] if connection.vendor == "postgresql" else [40, 80, 120, 160, 200, 240, 280, 320]
    assert progress_seen == expected
    status = client.get(data["status_url"]).json()
    assert status["status"] == "done"
    assert status["rows_done"] == status["rows_total"] == 346
    download = client.get(status["download_url"])
    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="upr-recommendations-china-2018.csv"'
    content = _body(download)
    assert hashlib.sha256(content).hexdigest() == status["sha256"]
    assert len(_rows(content)) == 346
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [advocate.email]
    link = re.search(r"https://upr\.example\.org/exports/([^/\s]+)/", mail.outbox[0].body)
    assert link is not None, mail.outbox[0].body
    assert export_job_token_read(token=link.group(1)) == ExportJob.objects.get().pk


def test_the_job_page_polls_with_htmx_until_the_file_is_ready(
    client: Client, reference_data: None, small_limits: Path, django_capture_on_commit_callbacks: Any
) -> None:
    response = client.get(API, {**CHINA_2018, "format": "json"})  # not run: the callbacks are not executed
    page_url = response.json()["page_url"]

    waiting = client.get(page_url)
    assert 'hx-trigger="every 2s"' in waiting.content.decode()
    assert "<script" not in waiting.content.decode().split("<main", 1)[1]  # CSP: no inline script

    job = ExportJob.objects.get()
    export_services.export_job_run(job_id=job.pk)
    ready = client.get(page_url, HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in ready
    assert "upr-recommendations-china-2018.json" in ready
    file_url = page_url.replace("http://testserver", "") + "file"
    assert f'href="{file_url}"' in ready
    assert len(json.loads(_body(client.get(file_url)))) == 346


def test_a_client_with_two_exports_being_prepared_gets_429(
    client: Client, reference_data: None, small_limits: Path
) -> None:
    for cycle in ("2", "3"):
        assert client.get(API, {"state_under_review": "CHN", "cycle": cycle, "format": "csv"}).status_code == 202

    refused = client.get(API, {"state_under_review": "CHN", "format": "xlsx"})

    assert refused.status_code == 429
    error = refused.json()["error"]
    assert error["code"] == "throttled"
    assert "2 exports being prepared" in error["message"]
    assert ExportJob.objects.count() == 2
    other_client = Client(REMOTE_ADDR="192.0.2.7")
    assert other_client.get(API, {"state_under_review": "CHN", "format": "xlsx"}).status_code == 202


def test_a_finished_export_frees_its_place(client: Client, reference_data: None, small_limits: Path) -> None:
    for cycle in ("2", "3"):
        client.get(API, {"state_under_review": "CHN", "cycle": cycle, "format": "csv"})
    export_services.export_job_run(job_id=ExportJob.objects.order_by("pk").first().pk)  # type: ignore[union-attr]

    assert client.get(API, {"state_under_review": "CHN", "format": "csv"}).status_code == 202


def test_an_anonymous_job_is_only_visible_with_its_signed_token(
    client: Client, reference_data: None, small_limits: Path
) -> None:
    data = client.get(API, {**CHINA_2018, "format": "csv"}).json()
    job = ExportJob.objects.get()
    token = export_job_token_make(job_id=job.pk)

    assert client.get(f"/api/v1/export-jobs/{token}/").status_code == 200
    assert client.get(data["page_url"]).status_code == 200
    forged = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    for url in (f"/api/v1/export-jobs/{forged}/", f"/api/v1/export-jobs/{job.pk}/", f"/exports/{job.pk}/"):
        response = Client().get(url)
        assert response.status_code == 404, url
    assert Client().get(f"/api/v1/export-jobs/{forged}/").json()["error"]["code"] == "not_found"


def test_xlsx_has_a_lower_in_request_limit_than_csv(
    client: Client, settings: Any, reference_data: None, small_limits: Path
) -> None:
    settings.EXPORT_SYNC_MAX_ROWS = 1000
    settings.EXPORT_SYNC_MAX_ROWS_XLSX = 300

    assert client.get(API, {**CHINA_2018, "format": "csv"}).status_code == 200
    response = client.get(API, {**CHINA_2018, "format": "xlsx"})

    assert response.status_code == 202
    assert "More than 300 rows" in response.json()["message"]
    assert client.get(API, {"state_under_review": "CHN", "cycle": "2", "format": "xlsx"}).status_code == 200


def test_a_bad_filter_starts_no_job(client: Client, reference_data: None, small_limits: Path) -> None:
    response = client.get(API, {"state_under_review": "XXX", "format": "csv"})

    assert response.status_code == 400
    assert ExportJob.objects.count() == 0


def test_the_explorer_starts_a_job_for_a_large_list_and_links_a_small_one(
    client: Client, reference_data: None, small_limits: Path
) -> None:
    large = client.get("/recommendations/", CHINA_2018).content.decode()
    small = client.get("/recommendations/", {**CHINA_2018, "theme": "dprk-refugees"}).content.decode()

    assert 'action="/exports/"' in large
    assert "/api/v1/recommendations/?state_under_review=CHN&amp;cycle=3&amp;theme=dprk-refugees&amp;format=csv" in small
    response = client.post(
        "/exports/", {"kind": "recommendations", "format": "xlsx", "query": "state_under_review=CHN&cycle=3"}
    )
    assert response.status_code == 302
    job = ExportJob.objects.get()
    token = response["Location"].removeprefix("/exports/").removesuffix("/")
    assert export_job_token_read(token=token) == job.pk
    assert (job.format, job.filters) == ("xlsx", {"state_under_review": ["CHN"], "cycle": ["3"]})
    refused = client.post("/exports/", {"format": "csv", "query": "state_under_review=XXX"})
    assert refused.status_code == 400


def test_a_failed_job_keeps_no_file_and_says_why(
    client: Client, reference_data: None, small_limits: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = client.get(API, {**CHINA_2018, "format": "csv"}).json()

    def broken_rows(ids: list[int]) -> dict[int, dict[str, Any]]:
        raise RuntimeError("the database went away")

    monkeypatch.setattr("apps.recommendations.exports.columns._recommendation_rows", broken_rows)
    monkeypatch.setattr("apps.recommendations.exports.copy_csv._copy", lambda *args: broken_rows([]))
    export_services.export_job_run(job_id=ExportJob.objects.get().pk)

    status = client.get(data["status_url"]).json()
    assert status["status"] == "failed"
    assert "the database went away" in status["error"]
    assert status["download_url"] is None
    assert not any(path.is_file() for path in small_limits.rglob("*"))


def test_a_job_runs_once_even_if_its_message_comes_twice(
    client: Client, reference_data: None, small_limits: Path
) -> None:
    client.get(API, {**CHINA_2018, "format": "csv"})
    job = ExportJob.objects.get()

    assert export_services.export_job_run(job_id=job.pk) is not None
    assert export_services.export_job_run(job_id=job.pk) is None


# -- the whole record, prebuilt ---------------------------------------------------------------------------
def test_the_task_builds_every_file_listed_with_its_date_and_checksum(
    client: Client, reference_data: None, small_limits: Path
) -> None:
    with time_machine.travel("2026-11-30 02:15:00+00:00", tick=False):
        rebuild_datasets.delay()

    listing = client.get("/api/v1/downloads/").json()["results"]
    assert {(item["kind"], item["format"]) for item in listing} == {
        (kind, fmt) for kind in ("recommendations", "statements") for fmt in ("csv", "xlsx", "json")
    }
    csv_item = next(item for item in listing if (item["kind"], item["format"]) == ("recommendations", "csv"))
    assert csv_item["filename"] == "upr-recommendations-all-20261130T021500Z.csv"
    assert csv_item["built_at"].startswith("2026-11-30T03:15:00")  # Geneva time, as every API time
    assert csv_item["rows"] == Recommendation.objects.count()
    for item in listing:
        content = _body(client.get(item["url"]))
        assert hashlib.sha256(content).hexdigest() == item["sha256"]
        assert len(content) == item["size"]
    page = client.get("/downloads/").content.decode()
    assert csv_item["sha256"] in page and csv_item["filename"] in page


def test_a_rebuild_replaces_the_file_and_its_listing_together(
    client: Client, reference_data: None, small_limits: Path
) -> None:
    with time_machine.travel("2026-11-30 02:15:00+00:00", tick=False):
        rebuild_datasets.delay()
    old = DatasetFile.objects.get(kind="recommendations", format="json")
    removed = Recommendation.objects.filter(paragraph="28.1")
    removed_count = removed.count()
    removed.delete()

    with time_machine.travel("2026-12-01 02:15:00+00:00", tick=False):
        rebuild_datasets.delay()

    new = DatasetFile.objects.get(kind="recommendations", format="json")
    assert new.filename == "upr-recommendations-all-20261201T021500Z.json"
    assert removed_count > 0
    assert new.rows == old.rows - removed_count
    assert client.get(f"/downloads/{old.filename}").status_code == 404
    assert not (small_limits / "datasets" / old.filename).exists()
    assert hashlib.sha256((small_limits / "datasets" / new.filename).read_bytes()).hexdigest() == new.sha256


def test_a_large_unfiltered_export_is_sent_to_the_prebuilt_file(
    client: Client, reference_data: None, small_limits: Path
) -> None:
    rebuild_datasets.delay()
    dataset = DatasetFile.objects.get(kind="recommendations", format="csv")

    response = client.get(API, {"format": "csv"})

    assert response.status_code == 303
    assert response["Location"] == f"/downloads/{dataset.filename}"
    assert ExportJob.objects.count() == 0


def test_edits_ask_for_one_rebuild_however_many_they_are(
    settings: Any,
    reference_data: None,
    small_limits: Path,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.EXPORT_REBUILD_AFTER_CHANGES = True
    enqueued: list[dict[str, Any]] = []
    monkeypatch.setattr(rebuild_datasets, "apply_async", lambda **kwargs: enqueued.append(kwargs))
    recommendation = Recommendation.objects.get(review__session__number=31, paragraph="28.1")

    with django_capture_on_commit_callbacks(execute=True):
        recommendation_update(recommendation=recommendation, data={"note": "first edit"})
        recommendation_update(recommendation=recommendation, data={"note": "second edit"})

    assert enqueued == [{"countdown": settings.EXPORT_REBUILD_DELAY_SECONDS}]
    assert DatasetRebuild.objects.get().pending is True
    export_services.datasets_rebuild()  # what the enqueued task does
    assert DatasetRebuild.objects.get().pending is False
    with django_capture_on_commit_callbacks(execute=True):
        recommendation_update(recommendation=recommendation, data={"note": "a later edit"})
    assert len(enqueued) == 2


def test_an_import_asks_for_a_rebuild_and_a_dry_run_does_not(
    settings: Any,
    client: Client,
    reference_data: None,
    small_limits: Path,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from apps.recommendations.importers import ImportSource, recommendation_import

    settings.EXPORT_REBUILD_AFTER_CHANGES = True
    enqueued: list[dict[str, Any]] = []
    monkeypatch.setattr(rebuild_datasets, "apply_async", lambda **kwargs: enqueued.append(kwargs))
    data = _body(client.get(API, {**CHINA_2018, "theme": "dprk-refugees", "format": "csv"}))
    Recommendation.objects.filter(review__session__number=31, themes__code="dprk-refugees").delete()

    with django_capture_on_commit_callbacks(execute=True):
        recommendation_import(sources=[ImportSource("refugees.csv", data)], dry_run=True)
    assert enqueued == []
    with django_capture_on_commit_callbacks(execute=True):
        report = recommendation_import(sources=[ImportSource("refugees.csv", data)])
    assert report.counts["created"] > 0
    assert len(enqueued) == 1


def test_old_jobs_and_their_files_are_purged_and_lost_ones_marked_failed(
    client: Client, reference_data: None, small_limits: Path
) -> None:
    with time_machine.travel("2026-11-27 10:00:00+00:00", tick=False):
        client.get(API, {**CHINA_2018, "format": "csv"})
        finished = ExportJob.objects.get()
        export_services.export_job_run(job_id=finished.pk)
        client.get(API, {"state_under_review": "CHN", "cycle": "2", "format": "csv"})  # never picked up
    finished.refresh_from_db()
    path = small_limits / finished.file
    assert path.is_file()

    with time_machine.travel("2026-11-29 11:00:00+00:00", tick=False):
        purge_export_jobs.delay()

    assert not path.exists()
    assert not ExportJob.objects.filter(pk=finished.pk).exists()
    lost = ExportJob.objects.get()
    assert lost.status == ExportJob.Status.FAILED
    assert "ask for it again" in lost.error
