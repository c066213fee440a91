"""Identical subscriptions (same target, kinds and lead days) are refused: one reminder, not thirty-one."""

import pytest
from django.db import IntegrityError, transaction

from apps.reminders.models import Subscription
from apps.states.models import MemberState
from tests.api.conftest import error_of
from tests.factories import SubscriptionFactory

pytestmark = pytest.mark.usefixtures("reference_data")

URL = "/subscriptions/"  # under /api/v1 (ApiClient adds it)


def test_the_api_answers_409_to_an_identical_subscription(api, advocate):
    client = api(advocate, token=True)
    body = {
        "state_under_review": "CHN",
        "kinds": ["interactive_dialogue", "stakeholder_submission"],
        "lead_days": [7, 1],
    }
    assert client.post(URL, body).status_code == 201

    # The same lists in another order are the same subscription.
    again = client.post(URL, {**body, "kinds": body["kinds"][::-1], "lead_days": [1, 7], "timezone": "Asia/Seoul"})
    assert again.status_code == 409
    error = error_of(again)
    assert error["code"] == "conflict"
    assert "already have a subscription" in error["message"]
    assert Subscription.objects.filter(user=advocate).count() == 1

    assert client.post(URL, {**body, "lead_days": [30]}).status_code == 201  # different lead days: a new one


def test_the_api_answers_409_when_an_edit_makes_two_identical(api, advocate):
    client = api(advocate, token=True)
    first = client.post(URL, {"state_under_review": "CHN", "lead_days": [7]}).json()
    second = client.post(URL, {"state_under_review": "CHN", "lead_days": [1]}).json()
    response = client.patch(f"{URL}{second['id']}/", {"lead_days": [7]})
    assert response.status_code == 409
    assert error_of(response)["code"] == "conflict"
    assert Subscription.objects.get(pk=first["id"]).lead_days == [7]
    assert Subscription.objects.get(pk=second["id"]).lead_days == [1]


def test_another_users_identical_subscription_is_theirs_to_have(api, advocate, outsider):
    body = {"state_under_review": "CHN", "lead_days": [7]}
    assert api(advocate, token=True).post(URL, body).status_code == 201
    assert api(outsider, token=True).post(URL, body).status_code == 201


def test_the_page_explains_an_identical_subscription(client_for, advocate):
    data = {"target": "state", "state_under_review": "CHN", "lead_days": "30, 7, 1", "timezone": "Europe/Zurich"}
    client = client_for(advocate)
    assert client.post("/subscriptions/new/", data).status_code == 302
    response = client.post("/subscriptions/new/", {**data, "lead_days": "1, 7, 30"})
    assert response.status_code == 400
    assert "You already have a subscription to these deadlines" in response.content.decode()
    assert Subscription.objects.filter(user=advocate).count() == 1


def test_the_database_refuses_identical_subscriptions(advocate):
    china = MemberState.objects.get(iso3="CHN")
    SubscriptionFactory(user=advocate, review=None, state_under_review=china, kinds=[], lead_days=[7, 1])
    with pytest.raises(IntegrityError), transaction.atomic():
        Subscription.objects.create(user=advocate, state_under_review=china, kinds=[], lead_days=[7, 1])
