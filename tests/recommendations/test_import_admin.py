"""The admin's upload: staff import a file and read the report on the page; others may not."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.recommendations.models import Recommendation
from tests.recommendations.test_import import UPR_ROWS, upr_file

URL = reverse("admin:recommendations_recommendation_import")
pytestmark = pytest.mark.usefixtures("reference_data")


def upload(rows: list[str], name: str = "sessions-5.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, upr_file(rows), content_type="text/csv")


def test_staff_find_the_import_from_the_changelist(client_for, staff) -> None:  # type: ignore[no-untyped-def]
    page = client_for(staff).get(reverse("admin:recommendations_recommendation_changelist"))

    assert URL in page.content.decode()


def test_staff_import_a_file_and_see_every_rejected_row(client_for, staff) -> None:  # type: ignore[no-untyped-def]
    rows = [*UPR_ROWS, UPR_ROWS[0].replace("Austria", "Narnia")]

    response = client_for(staff).post(URL, {"file": upload(rows), "format": "", "dry_run": ""})

    assert response.status_code == 200
    page = response.content.decode()
    assert "4 rows read: 3 created, 0 updated, 0 unchanged (0 duplicate rows), 1 rejected" in page
    assert "sessions-5.csv, line 5: unknown recommending state &#x27;Narnia&#x27;" in page
    assert Recommendation.objects.filter(review__session__number=5).count() == 3


def test_a_dry_run_upload_writes_nothing(client_for, staff) -> None:  # type: ignore[no-untyped-def]
    response = client_for(staff).post(URL, {"file": upload(UPR_ROWS), "dry_run": "on"})

    assert "dry run: nothing was written" in response.content.decode()
    assert not Recommendation.objects.filter(review__session__number=5).exists()


def test_a_malformed_upload_is_a_form_error(client_for, staff) -> None:  # type: ignore[no-untyped-def]
    bad = SimpleUploadedFile("bad.csv", b"name,value\r1,2\r", content_type="text/csv")

    response = client_for(staff).post(URL, {"file": bad})

    assert response.status_code == 400
    assert "Nothing imported: bad.csv has an unknown header" in response.content.decode()


def test_an_editor_may_import(client_for, editor) -> None:  # type: ignore[no-untyped-def]
    editor.is_staff = True
    editor.save()

    response = client_for(editor).post(URL, {"file": upload(UPR_ROWS)})

    assert response.status_code == 200
    assert Recommendation.objects.filter(review__session__number=5).count() == 3


def test_staff_without_the_permission_may_not_import(client_for, outsider) -> None:  # type: ignore[no-untyped-def]
    outsider.is_staff = True
    outsider.save()

    response = client_for(outsider).post(URL, {"file": upload(UPR_ROWS)})

    assert response.status_code == 403
    assert not Recommendation.objects.filter(review__session__number=5).exists()


def test_anonymous_visitors_are_sent_to_the_login(client) -> None:  # type: ignore[no-untyped-def]
    assert client.get(URL).status_code == 302
