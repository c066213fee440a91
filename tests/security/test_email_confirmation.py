"""Reminders go only to a confirmed address; one account per address; links are signed, expiring, POST-only."""

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.test import Client

from apps.accounts.models import ConfirmedEmail
from apps.accounts.selectors import email_is_confirmed
from apps.reminders.models import ReminderDelivery
from apps.reminders.services import reminder_sweep
from apps.reminders.tasks import send_reminder_batch
from tests.factories import DeadlineFactory, ReviewFactory, SubscriptionFactory, UserFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.UTC)
PASSWORD = "a long enough passphrase 42"


def sign_up(client: Client, username: str, email: str):  # type: ignore[no-untyped-def]
    return client.post(
        "/accounts/signup/", {"username": username, "email": email, "password1": PASSWORD, "password2": PASSWORD}
    )


def link_in(message) -> str:  # type: ignore[no-untyped-def]
    match = re.search(r"https?://\S+/accounts/email/confirm/\S+/", message.body)
    assert match, message.body
    return urlsplit(match.group(0)).path


@pytest.fixture
def due_deadline(db):  # type: ignore[no-untyped-def]
    """A deadline five days after NOW: a 7-day reminder is due at NOW."""
    return DeadlineFactory(review=ReviewFactory(), due_at=NOW + dt.timedelta(days=5, hours=2))


def sweep(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        return reminder_sweep(dispatch=send_reminder_batch.delay)


# -- the reminder sweep ----------------------------------------------------------------------------
def test_an_unconfirmed_address_gets_no_reminder_and_a_confirmed_one_does(
    due_deadline, django_capture_on_commit_callbacks
):
    stranger = UserFactory(username="impostor", email="victim@example.org", email_confirmed=False)
    owner = UserFactory(username="owner", email="owner@example.org")
    for user in (stranger, owner):
        SubscriptionFactory(user=user, review=due_deadline.review, lead_days=[7])

    report = sweep(django_capture_on_commit_callbacks)

    assert report.created == 1
    assert [m.to for m in mail.outbox] == [["owner@example.org"]]
    assert not ReminderDelivery.objects.filter(subscription__user=stranger).exists()


def test_signing_up_sends_a_link_and_reminders_start_once_it_is_confirmed(
    client, due_deadline, django_capture_on_commit_callbacks
):
    assert sign_up(client, "newcomer", "Newcomer@Example.ORG").status_code == 302
    user = User.objects.get(username="newcomer")
    assert user.email == "Newcomer@example.org"  # the domain in lower case, the rest as typed
    assert not email_is_confirmed(user=user)
    [confirmation] = mail.outbox
    assert confirmation.to == ["Newcomer@example.org"]
    SubscriptionFactory(user=user, review=due_deadline.review, lead_days=[7])
    mail.outbox.clear()

    assert sweep(django_capture_on_commit_callbacks).created == 0
    assert mail.outbox == []

    link = link_in(confirmation)
    assert Client().get(link).status_code == 200  # a mail scanner's GET confirms nothing
    assert not email_is_confirmed(user=User.objects.get(pk=user.pk))
    assert Client().post(link).status_code == 302
    assert ConfirmedEmail.objects.get(user=user).email == "Newcomer@example.org"

    assert sweep(django_capture_on_commit_callbacks).created == 1
    assert [m.to for m in mail.outbox] == [["Newcomer@example.org"]]


def test_a_reminder_pending_when_the_address_changed_is_skipped(due_deadline, django_capture_on_commit_callbacks):
    user = UserFactory(username="mover", email="old@example.org")
    subscription = SubscriptionFactory(user=user, review=due_deadline.review, lead_days=[7])
    with time_machine.travel(NOW, tick=False):
        reminder_sweep(dispatch=lambda ids: None)  # created and enqueued, not yet sent
    User.objects.filter(pk=user.pk).update(email="new@example.org")  # e.g. in the shell: unconfirmed

    from apps.reminders.services import reminder_batch_send

    with time_machine.travel(NOW, tick=False):
        report = reminder_batch_send(delivery_ids=[ReminderDelivery.objects.get(subscription=subscription).pk])
    assert report.skipped == 1
    assert mail.outbox == []
    assert "not confirmed" in ReminderDelivery.objects.get(subscription=subscription).last_error


# -- links -----------------------------------------------------------------------------------------
def test_a_confirmation_link_expires(client):
    with time_machine.travel(NOW, tick=False):
        sign_up(client, "slow", "slow@example.org")
    link = link_in(mail.outbox[0])
    with time_machine.travel(NOW + dt.timedelta(hours=73), tick=False):
        response = Client().post(link)
    assert response.status_code == 400
    assert "invalid or has expired" in response.content.decode()
    assert not email_is_confirmed(user=User.objects.get(username="slow"))


def test_a_tampered_link_confirms_nothing(client):
    sign_up(client, "tamper", "tamper@example.org")
    link = link_in(mail.outbox[0])
    assert Client().post(link[:-3] + "xx/").status_code == 400
    assert not ConfirmedEmail.objects.exists()


def test_changing_the_address_sends_a_link_and_changes_it_only_when_opened(client_for):
    user = UserFactory(username="changer", email="first@example.org")
    client = client_for(user)
    response = client.post(
        "/accounts/email/", {"email": "second@example.org", "current_password": "correct horse battery staple"}
    )
    assert response.status_code == 302
    [message] = mail.outbox
    assert message.to == ["second@example.org"]
    user.refresh_from_db()
    assert user.email == "first@example.org"  # reminders keep going to the confirmed address meanwhile
    assert email_is_confirmed(user=user)

    assert Client().post(link_in(message)).status_code == 302
    user.refresh_from_db()
    assert user.email == "second@example.org"
    assert email_is_confirmed(user=user)


def test_an_old_link_cannot_bring_an_old_address_back(client):
    sign_up(client, "twice", "one@example.org")
    old_link = link_in(mail.outbox[0])
    user = User.objects.get(username="twice")
    User.objects.filter(pk=user.pk).update(email="two@example.org")
    response = Client().post(old_link)
    assert response.status_code == 400
    assert "out of date" in response.content.decode()
    assert User.objects.get(pk=user.pk).email == "two@example.org"


def test_the_email_change_needs_the_current_password(client_for):
    client = client_for(UserFactory(username="guarded"))
    response = client.post("/accounts/email/", {"email": "thief@example.org", "current_password": "wrong"})
    assert response.status_code == 400
    assert mail.outbox == []


def test_confirmation_links_to_one_address_are_limited(client_for):
    user = UserFactory(username="flooder", email="target@example.org", email_confirmed=False)
    client = client_for(user)
    for _ in range(3):
        client.post("/accounts/email/resend/")
    client.post("/accounts/email/resend/")
    assert len(mail.outbox) == 3
    response = client.post(
        "/accounts/email/", {"email": "target@example.org", "current_password": "correct horse battery staple"}
    )
    assert response.status_code == 429
    assert len(mail.outbox) == 3


def test_the_subscriptions_page_says_an_unconfirmed_address_gets_nothing(client_for):
    client = client_for(UserFactory(username="unsure", email_confirmed=False))
    body = client.get("/subscriptions/").content.decode()
    assert "is not confirmed yet" in body


# -- one account per address -----------------------------------------------------------------------
def test_an_address_in_use_is_refused_at_sign_up_whatever_its_case(client, advocate):
    response = sign_up(client, "copycat", "ADVOCATE@EXAMPLE.ORG")
    assert response.status_code == 400
    assert "Another account already uses this e-mail address." in response.content.decode()
    assert not User.objects.filter(username="copycat").exists()
    assert mail.outbox == []


def test_the_database_refuses_a_second_account_with_the_same_address(advocate):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user(username="sneaky", email="Advocate@Example.org")
    User.objects.create_user(username="blank1", email="")
    User.objects.create_user(username="blank2", email="")  # no address: not a duplicate


def test_an_address_in_use_is_refused_as_a_new_address(client_for, advocate):
    client = client_for(UserFactory(username="other"))
    response = client.post(
        "/accounts/email/", {"email": "advocate@example.org", "current_password": "correct horse battery staple"}
    )
    assert response.status_code == 400
    assert "Another account already uses this e-mail address." in response.content.decode()


# -- staff -----------------------------------------------------------------------------------------
def test_an_address_staff_set_in_the_admin_is_confirmed(client_for, staff):
    user = UserFactory(username="invited", email="", email_confirmed=False)
    response = client_for(staff).post(
        f"/admin/auth/user/{user.pk}/change/",
        {
            "username": "invited",
            "email": "invited@example.org",
            "is_active": "on",
            "date_joined_0": "2026-11-01",
            "date_joined_1": "10:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user.refresh_from_db()
    assert user.email == "invited@example.org"
    assert ConfirmedEmail.objects.get(user=user).method == ConfirmedEmail.Method.STAFF


def test_the_admin_refuses_an_address_in_use(client_for, staff, advocate):
    user = UserFactory(username="clash", email="")
    response = client_for(staff).post(
        f"/admin/auth/user/{user.pk}/change/",
        {
            "username": "clash",
            "email": "ADVOCATE@example.org",
            "is_active": "on",
            "date_joined_0": "2026-11-01",
            "date_joined_1": "10:00:00",
        },
    )
    assert response.status_code == 200
    assert "Another account already uses this e-mail address." in response.content.decode()


def test_createsuperuser_confirms_the_address_it_is_given(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a long enough passphrase 42")
    call_command("createsuperuser", interactive=False, username="root", email="root@example.org", verbosity=0)
    root = User.objects.get(username="root")
    assert email_is_confirmed(user=root)
    assert root.confirmed_email.method == ConfirmedEmail.Method.STAFF
