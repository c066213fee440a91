"""One error format, {"error": {"code", "message", "fields"}}, with the right 4xx status for every failure."""

import pytest
from django.core.cache import cache
from django.test import Client
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from tests.api.conftest import error_of
from tests.factories import ReviewFactory

pytestmark = pytest.mark.django_db


def test_a_validation_error_names_its_fields(reference_data, api, editor):
    response = api(editor).post("/recommendations/", {"review": 999999, "recommending_states": ["ZZZ"]})

    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "invalid"
    assert set(error["fields"]) == {"review", "recommending_states", "text"}
    assert error["message"].startswith("Invalid input:")


def test_malformed_json_is_a_400(reference_data, api, editor):
    response = api(editor).post("/statements/", '{"review": 1, "text": "unterminated')

    assert response.status_code == 400
    assert error_of(response)["code"] == "parse_error"


def test_a_body_that_is_not_json_is_a_415(reference_data, api, editor):
    response = api(editor).post("/statements/", "review=1", content_type="application/x-www-form-urlencoded")

    assert response.status_code == 415
    assert error_of(response)["code"] == "unsupported_media_type"


@pytest.mark.parametrize(
    "path",
    [
        "/recommendations/?q=refugee%00",
        "/recommendations/?recommending_state=%00US",
        "/reviews/%00/",
        "/member-states/CH%00/",
    ],
)
def test_nul_bytes_in_the_url_are_a_400(reference_data, client, path):
    response = client.get("/api/v1" + path, HTTP_ACCEPT="application/json")

    assert response.status_code == 400
    assert error_of(response)["code"] == "nul_byte"


@pytest.mark.parametrize("body", ['{"review": 1, "text": "a\\u0000b"}', b'{"review": 1, "text": "a\x00b"}'])
def test_nul_bytes_in_the_body_are_a_400(reference_data, api, editor, body):
    response = api(editor).post("/statements/", body)

    assert response.status_code == 400
    assert error_of(response)["code"] == "nul_byte"


def test_an_oversize_body_is_a_413(reference_data, api, editor, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    review = ReviewFactory()

    response = api(editor).post("/statements/", {"review": review.pk, "speaker_state": "USA", "text": "x" * 2000})

    assert response.status_code == 413
    assert error_of(response)["code"] == "payload_too_large"


def test_unknown_objects_and_urls_are_json_404s(reference_data, api):
    client = api()
    for path in ("/reviews/999999/", "/member-states/ZZZ/", "/no-such-endpoint/", "/recommendations/?page=999"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert error_of(response)["code"] in {"not_found"}


def test_a_method_not_allowed_is_a_405(reference_data, api, editor):
    response = api(editor).client.put("/api/v1/", "{}", content_type="application/json")
    assert response.status_code == 405
    assert error_of(response)["code"] == "method_not_allowed"


def test_an_invalid_token_is_a_401_even_for_reads(reference_data, client):
    response = client.get("/api/v1/themes/", HTTP_AUTHORIZATION="Token not-a-real-token")

    assert response.status_code == 401
    assert error_of(response)["code"] == "authentication_failed"


@pytest.fixture
def low_rates(monkeypatch):
    cache.clear()
    monkeypatch.setattr(AnonRateThrottle, "rate", "3/minute", raising=False)
    monkeypatch.setattr(UserRateThrottle, "rate", "5/minute", raising=False)
    yield
    cache.clear()


def test_anonymous_clients_are_throttled(reference_data, api, low_rates):
    client = api()
    statuses = [client.get("/cycles/").status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]
    response = client.get("/cycles/")
    assert error_of(response)["code"] == "throttled"
    assert int(response["Retry-After"]) > 0


def test_signed_in_users_have_their_own_higher_limit(reference_data, api, advocate, low_rates):
    client = api(advocate, token=True)
    statuses = [client.get("/cycles/").status_code for _ in range(6)]

    assert statuses == [200] * 5 + [429]


def test_a_session_write_without_the_csrf_token_is_refused(reference_data, editor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    response = client.post(
        "/api/v1/themes/", '{"scheme": "project", "code": "x", "name": "X"}', content_type="application/json"
    )

    assert response.status_code == 403
    assert "CSRF" in error_of(response)["message"]


def test_a_format_the_api_does_not_serve_is_a_406(reference_data, client):
    response = client.get("/api/v1/themes/", HTTP_ACCEPT="application/xml")

    assert response.status_code == 406
    assert error_of(response)["code"] == "not_acceptable"


def test_nul_bytes_are_refused_on_the_pages_too(reference_data, client):
    response = client.get("/recommendations/", {"q": "refugee\x00"})

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
