"""One-click unsubscribe: a signed link that works without logging in; tampered links are refused."""

import pytest

from apps.reminders.emails import unsubscribe_url
from apps.reminders.tokens import unsubscribe_token_make, unsubscribe_token_read

pytestmark = pytest.mark.django_db


def path_of(subscription) -> str:
    return unsubscribe_url(subscription.pk).removeprefix("http://127.0.0.1:8000")


def test_a_token_names_its_subscription_and_nothing_else():
    assert unsubscribe_token_read(token=unsubscribe_token_make(subscription_id=42)) == 42


@pytest.mark.parametrize(
    "tamper",
    [
        lambda t: t.replace("42:", "43:"),  # another subscription's id
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # a changed signature
        lambda t: t.split(":")[0],  # the signature cut off
        lambda t: "",
        lambda t: "42:" + "x" * 43,
    ],
)
def test_a_tampered_token_is_refused(tamper):
    assert unsubscribe_token_read(token=tamper(unsubscribe_token_make(subscription_id=42))) is None


def test_opening_the_link_asks_and_does_not_unsubscribe(client, subscription):
    response = client.get(path_of(subscription))
    assert response.status_code == 200
    assert b"Stop these reminders?" in response.content
    subscription.refresh_from_db()
    assert subscription.is_active


def test_one_post_unsubscribes_without_login_or_csrf_token(subscription):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(path_of(subscription), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert b"Unsubscribed" in response.content
    subscription.refresh_from_db()
    assert not subscription.is_active
    assert client.post(path_of(subscription)).status_code == 200  # twice is harmless


def test_a_tampered_link_answers_400_and_changes_nothing(client, subscription):
    path = path_of(subscription)
    forged = path.replace(f"/{subscription.pk}:", f"/{subscription.pk + 1}:")
    for response in (client.get(forged), client.post(forged), client.post(path[:-5] + "AAAA/")):
        assert response.status_code == 400
        assert b"not valid" in response.content
    subscription.refresh_from_db()
    assert subscription.is_active
