"""Every admin changelist and add page renders for staff, in a bounded number of queries, and refuses others."""

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

pytestmark = pytest.mark.usefixtures("reference_data")

MODEL_ADMINS = sorted(
    ((model._meta.app_label, model._meta.model_name) for model in admin.site._registry),
    key=lambda pair: pair,
)
OUR_ADMINS = [
    pair for pair in MODEL_ADMINS if pair[0] in {"states", "reviews", "recommendations", "reminders", "accounts"}
]
# Records written by the app itself (confirmations, reminder deliveries, django-axes' login attempts): staff
# read and delete them.
WRITTEN_BY_THE_APP = {
    ("accounts", "confirmedemail"),
    ("reminders", "reminderdelivery"),
    ("axes", "accessattempt"),
    ("axes", "accessfailurelog"),
    ("axes", "accesslog"),
}


@pytest.mark.parametrize(("app_label", "model_name"), MODEL_ADMINS)
def test_staff_see_every_changelist(client_for, staff, app_label: str, model_name: str) -> None:  # type: ignore[no-untyped-def]
    response = client_for(staff).get(reverse(f"admin:{app_label}_{model_name}_changelist"))
    assert response.status_code == 200


@pytest.mark.parametrize(("app_label", "model_name"), [p for p in MODEL_ADMINS if p not in WRITTEN_BY_THE_APP])
def test_staff_see_every_add_page(client_for, staff, app_label: str, model_name: str) -> None:  # type: ignore[no-untyped-def]
    response = client_for(staff).get(reverse(f"admin:{app_label}_{model_name}_add"))
    assert response.status_code == 200


@pytest.mark.parametrize(("app_label", "model_name"), sorted(WRITTEN_BY_THE_APP))
def test_records_written_by_the_app_cannot_be_added_by_hand(client_for, staff, app_label: str, model_name: str) -> None:  # type: ignore[no-untyped-def]
    response = client_for(staff).get(reverse(f"admin:{app_label}_{model_name}_add"))
    assert response.status_code == 403


@pytest.mark.parametrize(("app_label", "model_name"), OUR_ADMINS)
def test_changelists_make_no_query_per_row(client_for, staff, app_label: str, model_name: str) -> None:  # type: ignore[no-untyped-def]
    client = client_for(staff)
    url = reverse(f"admin:{app_label}_{model_name}_changelist")
    client.get(url)  # warm up sessions and content types
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert len(queries) <= 15, [q["sql"][:120] for q in queries.captured_queries]


@pytest.mark.parametrize(("app_label", "model_name"), OUR_ADMINS)
def test_anonymous_users_are_sent_to_the_login_page(client, app_label: str, model_name: str) -> None:  # type: ignore[no-untyped-def]
    response = client.get(reverse(f"admin:{app_label}_{model_name}_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_signed_up_users_without_staff_status_are_refused(client_for, advocate) -> None:  # type: ignore[no-untyped-def]
    response = client_for(advocate).get(reverse("admin:recommendations_recommendation_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
