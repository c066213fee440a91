"""No 500 on any input: each of these answered a 500 before; each now answers a 4xx in the error format
(or, in an import, a rejected row with its reason)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from apps.common import api as common_api
from apps.recommendations.models import Recommendation
from apps.reviews.models import Session
from tests.api.conftest import error_of
from tests.factories import DeadlineFactory, ReviewFactory
from tests.recommendations.test_import import UPR_ROWS, upr_file

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"  # past PostgreSQL's bigint (9223372036854775807)


# -- JSON bodies -------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/statements/", "/recommendations/", "/themes/", "/subscriptions/", "/auth/token/"])
def test_deeply_nested_json_is_a_400_on_every_json_endpoint(reference_data, api, editor, path):
    # The token endpoint reads its body from a visitor who is not signed in yet.
    client = api() if path == "/auth/token/" else api(editor)
    response = client.post(path, "[" * 100_000 + "]" * 100_000)

    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "parse_error"
    assert "nested deeper than 32 levels" in error["message"]


def test_nesting_past_the_limit_but_within_pythons_recursion_is_refused_too(reference_data, api, editor):
    body = '{"review": 1, "text": "x", "themes": ' + "[" * 40 + "]" * 40 + "}"

    response = api(editor).post("/statements/", body)

    assert response.status_code == 400
    assert "nested deeper" in error_of(response)["message"]


def test_deep_json_with_an_escaped_nul_is_a_400_not_a_crash_of_the_nul_guard(reference_data, api, editor):
    body = '{"text": "a\\u0000b", "x": ' + "[" * 100_000 + "]" * 100_000 + "}"

    response = api(editor).post("/statements/", body)

    assert response.status_code == 400
    assert error_of(response)["code"] == "parse_error"


def test_ordinary_nesting_still_parses(reference_data, api, editor):
    review = ReviewFactory()

    response = api(editor).post(
        "/statements/", {"review": review.pk, "speaker_state": "USA", "text": "We recommend.", "themes": []}
    )

    assert response.status_code == 201, response.content


# -- date-times in query parameters ------------------------------------------------------------------
@pytest.mark.parametrize(
    "params",
    [
        {"after": "2024-01-01T00:00:00+16:00"},
        {"before": "2024-01-01T00:00:00-23:59"},
        {"after": "2024-01-01T00:00:00+23:59", "before": "2025-01-01T00:00:00Z"},
    ],
)
def test_a_utc_offset_beyond_what_postgresql_holds_is_a_400(reference_data, api, params):
    response = api().get("/deadlines/", params)

    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "invalid"
    name = next(iter(k for k in params if "+" in params[k] or "-23" in params[k]))
    assert error["fields"][name] == ["Enter a UTC offset between -15:59 and +15:59."]


def test_a_date_time_outside_the_utc_calendar_is_a_400(reference_data, api):
    response = api().get("/deadlines/", {"after": "0001-01-01T00:00:00+01:00"})

    assert response.status_code == 400
    assert error_of(response)["fields"]["after"] == ["Enter a date-time between the years 1 and 9999 in UTC."]


def test_the_largest_offsets_postgresql_holds_still_filter(reference_data, api):
    deadline = DeadlineFactory()
    before = deadline.due_at.astimezone().strftime("%Y-%m-%dT%H:%M:%S")

    response = api().get("/deadlines/", {"after": f"{before}+15:59", "review": deadline.review_id})

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [deadline.pk]


# -- page numbers, page sizes and ids ----------------------------------------------------------------
def test_a_huge_page_number_past_the_count_cap_is_a_400(reference_data, api, monkeypatch):
    monkeypatch.setattr(common_api, "COUNT_CAP", 5)  # the fixtures' 600 recommendations are past it

    response = api().get("/recommendations/", {"page": HUGE})

    assert response.status_code == 400
    assert error_of(response)["fields"]["page"] == ["Enter a whole number between 1 and 1000000."]


def test_the_last_page_number_allowed_past_the_cap_is_an_empty_page_404(reference_data, api, monkeypatch):
    monkeypatch.setattr(common_api, "COUNT_CAP", 5)

    response = api().get("/recommendations/", {"page": "1000000", "page_size": "200"})

    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


@pytest.mark.parametrize("params", [{"page_size": HUGE}, {"page_size": "201"}, {"page": "0"}, {"page": "-1"}])
def test_page_sizes_and_numbers_out_of_range_are_400s(reference_data, api, params):
    response = api().get("/recommendations/", params)

    assert response.status_code == 400
    assert set(error_of(response)["fields"]) == set(params)


@pytest.mark.parametrize(
    "path",
    [
        f"/recommendations/{HUGE}/",
        f"/statements/{HUGE}/",
        f"/reviews/{HUGE}/",
        f"/deadlines/{HUGE}/",
        f"/themes/{HUGE}/",
        f"/sessions/{HUGE}/",
        f"/cycles/{HUGE}/",
        f"/stakeholders/{HUGE}/",
    ],
)
def test_a_huge_id_in_the_url_is_a_404(reference_data, api, path):
    response = api().get(path)

    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_a_huge_id_of_a_subscription_is_a_404(reference_data, api, advocate):
    response = api(advocate).get(f"/subscriptions/{HUGE}/")

    assert response.status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        f"/recommendations/?review={HUGE}",
        f"/recommendations/?session={HUGE}",
        f"/recommendations/?cycle={HUGE}",
        f"/statements/?review={HUGE}",
        f"/statements/?speaker_stakeholder={HUGE}",
        f"/deadlines/?review={HUGE}",
        f"/sessions/?cycle={HUGE}",
        f"/reviews/?session={HUGE}",
    ],
)
def test_a_huge_integer_in_a_filter_is_a_400_naming_it(reference_data, api, path):
    response = api().get(path)

    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == [path.split("?")[1].split("=")[0]]


# The small-integer range is PostgreSQL's: there a value past it was a 500. SQLite (`make run`) stores any
# integer, so Django's field ranges, and these tests, apply to PostgreSQL.
def test_a_speaking_order_past_the_small_integer_range_is_a_400(postgres, reference_data, api, editor):
    review = ReviewFactory()

    response = api(editor).post(
        "/statements/",
        {"review": review.pk, "speaker_state": "USA", "text": "x", "speaking_order": 32768, "seconds_used": 99999},
    )

    assert response.status_code == 400
    assert set(error_of(response)["fields"]) == {"speaking_order", "seconds_used"}


def test_a_session_number_past_the_small_integer_range_is_a_400_in_the_api(postgres, reference_data, api, editor):
    response = api(editor).post("/sessions/", {"number": 32768, "cycle": 1})

    assert response.status_code == 400
    assert "number" in error_of(response)["fields"]


# -- imports -----------------------------------------------------------------------------------------
SESSION_TOO_BIG = UPR_ROWS[1][: UPR_ROWS[1].rindex(",")] + ",32768"


def test_an_import_row_with_a_session_past_the_range_is_rejected_on_the_command_line(
    postgres, reference_data, tmp_path, capsys
):
    path = tmp_path / "sessions.csv"
    path.write_bytes(upr_file([UPR_ROWS[0], SESSION_TOO_BIG]))

    call_command("import_recommendations", str(path))

    out = capsys.readouterr().out
    assert "2 rows read: 1 created, 0 updated, 0 unchanged (0 duplicate rows), 1 rejected" in out
    assert "sessions.csv, line 3: session number 32768: Ensure this value is less than or equal to 32767." in out
    assert not Session.objects.filter(number__gt=1000).exists()


def test_an_import_row_with_a_session_past_the_range_is_rejected_in_the_admin(
    postgres, reference_data, client_for, staff
):
    upload = SimpleUploadedFile("sessions.csv", upr_file([UPR_ROWS[0], SESSION_TOO_BIG]), content_type="text/csv")

    response = client_for(staff).post(
        reverse("admin:recommendations_recommendation_import"), {"file": upload, "dry_run": ""}
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "2 rows read: 1 created, 0 updated, 0 unchanged (0 duplicate rows), 1 rejected" in page
    assert "line 3: session number 32768: Ensure this value is less than or equal to 32767." in page
    assert Recommendation.objects.filter(review__session__number=5).count() == 1


def test_an_import_theme_code_longer_than_the_field_is_a_rejected_row(reference_data, tmp_path, capsys):
    header = "wg_session,state_under_review,paragraph,recommendation,recommending_states,position,themes"
    row = f'17,China,186.999,"Protect refugees (Mongolia);",Mongolia,Supported,{"G" + "5" * 89} Too long a code'
    path = tmp_path / "matrix.csv"
    path.write_text(f"{header}\n{row}\n", encoding="utf-8")

    call_command("import_recommendations", str(path))

    out = capsys.readouterr().out
    assert "1 rejected" in out
    assert "line 2: theme code" in out and "at most 80 characters" in out
