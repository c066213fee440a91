"""Who may read and write what, per endpoint and persona: reads are public, writes need the model permission."""

from collections.abc import Callable
from typing import Any

import pytest

from tests.api.conftest import error_of
from tests.factories import (
    CycleFactory,
    DeadlineFactory,
    MemberStateFactory,
    RecommendationFactory,
    ReviewFactory,
    SessionFactory,
    StakeholderFactory,
    StatementFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db


def _member_state() -> tuple[str, dict[str, Any], dict[str, Any]]:
    state = MemberStateFactory()
    return (
        f"/member-states/{state.iso3}/",
        {"iso3": "XZQ", "name": "Newland", "regional_group": "WEOG"},
        {"common_name": "Newland"},
    )


def _cycle() -> tuple[str, dict[str, Any], dict[str, Any]]:
    cycle = CycleFactory(number=8, start_year=2036)
    return f"/cycles/{cycle.pk}/", {"number": 7, "start_year": 2032}, {"is_provisional": True}


def _session() -> tuple[str, dict[str, Any], dict[str, Any]]:
    session = SessionFactory()
    return f"/sessions/{session.pk}/", {"number": 998, "cycle": 5}, {"is_provisional": True}


def _review() -> tuple[str, dict[str, Any], dict[str, Any]]:
    review = ReviewFactory()
    other = SessionFactory()
    return f"/reviews/{review.pk}/", {"state_under_review": "FRA", "session": other.number}, {"notes": "Checked."}


def _deadline() -> tuple[str, dict[str, Any], dict[str, Any]]:
    deadline = DeadlineFactory()
    payload = {"review": deadline.review_id, "kind": "other", "due_at": "2031-03-02T12:00:00+01:00"}
    return f"/deadlines/{deadline.pk}/", payload, {"title": "Side event"}


def _stakeholder() -> tuple[str, dict[str, Any], dict[str, Any]]:
    stakeholder = StakeholderFactory()
    return f"/stakeholders/{stakeholder.pk}/", {"name": "Test agency", "kind": "un_agency"}, {"acronym": "TA"}


def _statement() -> tuple[str, dict[str, Any], dict[str, Any]]:
    statement = StatementFactory()
    payload = {"review": statement.review_id, "speaker_state": "USA", "text": "We recommend non-refoulement."}
    return f"/statements/{statement.pk}/", payload, {"seconds_used": 45}


def _recommendation() -> tuple[str, dict[str, Any], dict[str, Any]]:
    recommendation = RecommendationFactory()
    payload = {"review": recommendation.review_id, "text": "Respect non-refoulement.", "recommending_states": ["USA"]}
    return f"/recommendations/{recommendation.pk}/", payload, {"response": "noted"}


def _theme() -> tuple[str, dict[str, Any], dict[str, Any]]:
    theme = ThemeFactory()
    return f"/themes/{theme.pk}/", {"scheme": "project", "code": "test-new", "name": "New theme"}, {"name": "Renamed"}


ENDPOINTS: dict[str, Callable[[], tuple[str, dict[str, Any], dict[str, Any]]]] = {
    "/member-states/": _member_state,
    "/cycles/": _cycle,
    "/sessions/": _session,
    "/reviews/": _review,
    "/deadlines/": _deadline,
    "/stakeholders/": _stakeholder,
    "/statements/": _statement,
    "/recommendations/": _recommendation,
    "/themes/": _theme,
}


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_anyone_reads_every_list_and_detail(reference_data, api, advocate, endpoint):
    detail, _, _ = ENDPOINTS[endpoint]()
    for client in (api(), api(advocate), api(advocate, token=True)):
        listed = client.get(endpoint)
        assert listed.status_code == 200
        assert listed.json()["count"] >= 1
        assert client.get(detail).status_code == 200


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_it_asks_anonymous_writers_to_authenticate(reference_data, api, endpoint):
    detail, payload, change = ENDPOINTS[endpoint]()
    anonymous = api()
    for response in (anonymous.post(endpoint, payload), anonymous.patch(detail, change), anonymous.delete(detail)):
        assert response.status_code == 401
        assert error_of(response)["code"] == "not_authenticated"
        assert response["WWW-Authenticate"] == "Token"


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("by_token", [False, True], ids=["session", "token"])
def test_it_forbids_writes_to_an_advocate_without_the_permission(reference_data, api, advocate, endpoint, by_token):
    detail, payload, change = ENDPOINTS[endpoint]()
    client = api(advocate, token=by_token)
    for response in (client.post(endpoint, payload), client.patch(detail, change), client.delete(detail)):
        assert response.status_code == 403
        assert error_of(response)["code"] == "permission_denied"
    assert client.get(detail).status_code == 200  # still there


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("persona", ["editor", "staff"])
def test_editors_and_staff_create_change_and_delete(reference_data, api, request, endpoint, persona):
    detail, payload, change = ENDPOINTS[endpoint]()
    client = api(request.getfixturevalue(persona), token=True)

    created = client.post(endpoint, payload)
    assert created.status_code == 201, created.json()
    changed = client.patch(detail, change)
    assert changed.status_code == 200, changed.json()
    for name, value in change.items():
        assert changed.json()[name] == value
    assert client.delete(detail).status_code == 204
    assert client.get(detail).status_code == 404
