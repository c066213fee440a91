"""The subscriptions pages: one's own list, create, edit, delete; nobody else's."""

import pytest

from apps.reminders.models import Subscription
from tests.factories import SubscriptionFactory

pytestmark = pytest.mark.django_db


def test_the_pages_need_a_login(client, subscription):
    for url in ("/subscriptions/", "/subscriptions/new/", f"/subscriptions/{subscription.pk}/edit/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_the_list_shows_only_ones_own_subscriptions(client_for, advocate, outsider, subscription, reference_data):
    SubscriptionFactory(user=outsider)
    response = client_for(advocate).get("/subscriptions/")
    assert response.status_code == 200
    assert list(response.context["subscriptions"]) == [subscription]
    assert b"Asia/Seoul" in response.content


def test_the_new_subscription_form_suggests_china(client_for, advocate, reference_data):
    response = client_for(advocate).get("/subscriptions/new/")
    assert response.status_code == 200
    assert response.context["form"].initial["state_under_review"] == "CHN"
    assert b'value="CHN" selected' in response.content


def test_an_advocate_subscribes_to_chinas_dialogues_in_the_browser(client_for, advocate, reference_data):
    response = client_for(advocate).post(
        "/subscriptions/new/",
        {
            "target": "state",
            "state_under_review": "CHN",
            "kinds": ["interactive_dialogue", "stakeholder_submission"],
            "lead_days": "14, 3",
            "timezone": "America/New_York",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    created = Subscription.objects.get(user=advocate)
    assert (created.state_under_review.iso3, created.lead_days, created.timezone) == (
        "CHN",
        [14, 3],
        "America/New_York",
    )
    assert created.kinds == ["interactive_dialogue", "stakeholder_submission"]


@pytest.mark.parametrize(
    ("field", "value"),
    [("lead_days", "soon"), ("lead_days", "0"), ("timezone", "Nowhere/Land"), ("state_under_review", "")],
)
def test_bad_input_redisplays_the_form_with_the_error(client_for, advocate, reference_data, field, value):
    data = {"target": "state", "state_under_review": "CHN", "lead_days": "30, 7, 1", "timezone": "Europe/Zurich"}
    data[field] = value
    response = client_for(advocate).post("/subscriptions/new/", data)
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert not Subscription.objects.exists()


def test_the_owner_edits_and_deletes_a_subscription(client_for, advocate, subscription, review):
    client = client_for(advocate)
    response = client.post(
        f"/subscriptions/{subscription.pk}/edit/",
        {"target": "review", "review": review.pk, "lead_days": "2", "timezone": "Asia/Seoul"},
    )
    assert response.status_code == 302
    subscription.refresh_from_db()
    assert (subscription.lead_days, subscription.is_active) == ([2], False)  # the box was left unticked
    assert client.get(f"/subscriptions/{subscription.pk}/delete/").status_code == 200
    assert client.post(f"/subscriptions/{subscription.pk}/delete/").status_code == 302
    assert not Subscription.objects.exists()


def test_another_users_subscription_pages_answer_404(client_for, outsider, subscription):
    client = client_for(outsider)
    assert client.get(f"/subscriptions/{subscription.pk}/edit/").status_code == 404
    assert client.post(f"/subscriptions/{subscription.pk}/delete/").status_code == 404
    assert Subscription.objects.filter(pk=subscription.pk).exists()
