"""The admin's import takes real files past the 2 MB body limit (up to 50 MB); other requests keep 2 MB."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.recommendations.admin import MAX_UPLOAD_BYTES
from tests.api.conftest import error_of
from tests.factories import ReviewFactory

URL = reverse("admin:recommendations_recommendation_import")
pytestmark = pytest.mark.usefixtures("reference_data")


@pytest.mark.shared_data
def test_staff_upload_a_real_upr_info_file_past_two_megabytes(client_for, staff, shared_data_dir: Path) -> None:
    path = shared_data_dir / "upr-info-export-2008-2014" / "sessions-14-17.csv"
    data = path.read_bytes()
    assert len(data) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE  # 2.3 MB, past the 2 MB body limit

    with path.open("rb") as upload:
        response = client_for(staff).post(URL, {"file": upload, "dry_run": "on"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "sessions-14-17.csv: upr-info, Mac Roman, line endings CR" in page
    assert "dry run: nothing was written" in page


def test_a_file_over_fifty_megabytes_gets_a_clear_413(client_for, staff) -> None:
    upload = SimpleUploadedFile("huge.csv", b"x" * (MAX_UPLOAD_BYTES + 100 * 1024), content_type="text/csv")

    response = client_for(staff).post(URL, {"file": upload, "dry_run": "on"})

    assert response.status_code == 413
    assert response.content.decode().startswith("The request body (50.1 MB) is larger than 50.1 MB")
    assert "the most this address accepts" in response.content.decode()


def test_a_file_just_over_fifty_megabytes_within_the_envelope_is_a_form_error(client_for, staff) -> None:
    upload = SimpleUploadedFile("big.csv", b"x" * (MAX_UPLOAD_BYTES + 1), content_type="text/csv")

    response = client_for(staff).post(URL, {"file": upload, "dry_run": "on"})

    assert response.status_code == 400
    assert "The file is larger than 50 MB." in response.content.decode()


def test_other_requests_keep_the_two_megabyte_limit(client_for, staff, api, editor) -> None:
    review = ReviewFactory()
    body = {"review": review.pk, "speaker_state": "USA", "text": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10)}

    response = api(editor).post("/statements/", body)

    assert response.status_code == 413
    assert error_of(response)["code"] == "payload_too_large"
    other_admin = client_for(staff).post(
        reverse("admin:vocabulary_theme_add"), {"name": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10)}
    )
    assert other_admin.status_code == 413
