"""The OpenAPI 3 schema: valid, complete, and documenting the one error format on every operation."""

import io

import pytest
import yaml
from django.core.management import call_command

pytestmark = pytest.mark.django_db

ENDPOINTS = [
    "member-states",
    "cycles",
    "sessions",
    "reviews",
    "deadlines",
    "stakeholders",
    "statements",
    "recommendations",
    "themes",
]


@pytest.fixture(scope="module")
def schema(django_db_blocker) -> dict:  # type: ignore[no-untyped-def]
    out = io.StringIO()
    with django_db_blocker.unblock():
        # --validate checks it against the OpenAPI 3 meta-schema; --fail-on-warn refuses guessed types.
        call_command("spectacular", "--validate", "--fail-on-warn", stdout=out)
    return yaml.safe_load(out.getvalue())


def test_the_schema_is_openapi_3_and_serves_at_api_schema(schema, client):
    assert schema["openapi"].startswith("3.")
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "UPR Tracker API"


def test_every_endpoint_is_documented(schema):
    for name in ENDPOINTS:
        assert f"/api/v1/{name}/" in schema["paths"], name
    assert "/api/v1/member-states/{iso3}/" in schema["paths"]
    assert "/api/v1/auth/token/" in schema["paths"]


def test_every_operation_documents_its_errors_in_the_one_format(schema):
    operations = [
        (path, method, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in {"get", "post", "put", "patch", "delete"}
    ]
    assert len(operations) > 50
    for path, method, operation in operations:
        for code in ("400", "401", "403", "404", "429"):
            body = operation["responses"][code]["content"]["application/json"]["schema"]
            assert body == {"$ref": "#/components/schemas/Error"}, (path, method, code)
    error = schema["components"]["schemas"]["ErrorDetail"]
    assert set(error["required"]) == {"code", "message", "fields"}


def test_list_filters_are_documented_with_their_values(schema):
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/recommendations/"]["get"]["parameters"]}
    for name in (
        "state_under_review",
        "recommending_state",
        "cycle",
        "session",
        "review",
        "response",
        "action_category",
        "theme",
        "verbatim",
        "q",
        "ordering",
        "page",
        "page_size",
    ):
        assert name in parameters, name
    assert parameters["page_size"]["schema"]["maximum"] == 200
    assert parameters["recommending_state"]["schema"]["type"] == "array"


def test_the_interactive_docs_answer(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    assert b"swagger-ui" in response.content
