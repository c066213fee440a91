"""/api/v1/subscriptions/: owner-only; another user's id answers 404; errors in the shared format."""

import pytest

from apps.reminders.models import Subscription
from tests.factories import SubscriptionFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/subscriptions/"


def test_anonymous_visitors_may_not_list_or_create(client):
    for response in (client.get(URL), client.post(URL, {}, content_type="application/json")):
        assert response.status_code in (401, 403)
        assert "error" in response.json()


def test_an_advocate_sees_only_their_own_subscriptions(client_for, advocate, outsider, subscription):
    SubscriptionFactory(user=outsider)
    body = client_for(advocate).get(URL).json()
    assert body["count"] == 1
    assert [row["id"] for row in body["results"]] == [subscription.pk]
    assert body["results"][0]["lead_days"] == [30, 7, 1]
    assert body["results"][0]["timezone"] == "Asia/Seoul"


def test_another_users_subscription_answers_404_to_every_method(client_for, outsider, subscription):
    client = client_for(outsider)
    url = f"{URL}{subscription.pk}/"
    for response in (
        client.get(url),
        client.patch(url, {"is_active": False}, content_type="application/json"),
        client.delete(url),
    ):
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
    subscription.refresh_from_db()
    assert subscription.is_active


def test_an_advocate_subscribes_to_chinas_reviews_with_the_default_lead_times(client_for, advocate, reference_data):
    response = client_for(advocate).post(
        URL, {"state_under_review": "CHN", "timezone": "Asia/Seoul"}, content_type="application/json"
    )
    assert response.status_code == 201, response.json()
    created = Subscription.objects.get(pk=response.json()["id"])
    assert (created.user, created.state_under_review.iso3, created.lead_days, created.kinds) == (
        advocate,
        "CHN",
        [30, 7, 1],
        [],
    )


def test_lead_times_are_kept_once_each_largest_first(client_for, advocate, reference_data):
    response = client_for(advocate).post(
        URL, {"state_under_review": "CHN", "lead_days": [1, 7, 7, 30]}, content_type="application/json"
    )
    assert response.status_code == 201
    assert response.json()["lead_days"] == [30, 7, 1]


def test_the_owner_changes_and_deletes_a_subscription(client_for, advocate, subscription):
    client = client_for(advocate)
    url = f"{URL}{subscription.pk}/"
    response = client.patch(
        url, {"lead_days": [14, 2], "kinds": ["interactive_dialogue"]}, content_type="application/json"
    )
    assert response.status_code == 200, response.json()
    subscription.refresh_from_db()
    assert (subscription.lead_days, subscription.kinds) == ([14, 2], ["interactive_dialogue"])
    assert client.delete(url).status_code == 204
    assert not Subscription.objects.filter(pk=subscription.pk).exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"state_under_review": "CHN", "timezone": "Mars/Olympus"}, "timezone"),
        ({"state_under_review": "CHN", "timezone": "Europe"}, "timezone"),  # a folder of the tz database
        ({"state_under_review": "CHN", "timezone": "../../etc/passwd"}, "timezone"),
        ({"state_under_review": "CHN", "lead_days": [0]}, "lead_days"),
        ({"state_under_review": "CHN", "lead_days": [400]}, "lead_days"),
        ({"state_under_review": "CHN", "lead_days": "seven"}, "lead_days"),
        ({"state_under_review": "CHN", "kinds": ["lunch"]}, "kinds"),
        ({"state_under_review": "ZZZ"}, "state_under_review"),
        ({}, "review"),
    ],
)
def test_bad_input_answers_400_with_the_field_named(client_for, advocate, reference_data, payload, field):
    response = client_for(advocate).post(URL, payload, content_type="application/json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert field in error["fields"]
    assert not Subscription.objects.exists()


def test_a_subscription_to_both_a_review_and_a_state_is_refused(client_for, advocate, review):
    response = client_for(advocate).post(
        URL,
        {"review": review.pk, "state_under_review": review.state_under_review.iso3},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "review" in response.json()["error"]["fields"]
