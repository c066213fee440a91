"""Password-reset requests are limited per address and per client, so the form cannot flood an inbox."""

import pytest
from django.core import mail
from django.test import Client

pytestmark = pytest.mark.django_db


def ask(client: Client, email: str, **extra):  # type: ignore[no-untyped-def]
    return client.post("/accounts/password_reset/", {"email": email}, **extra)


def test_an_address_gets_at_most_three_reset_mails_an_hour_whichever_client_asks(advocate):
    statuses = [ask(Client(REMOTE_ADDR=f"198.51.100.{n}"), "ADVOCATE@example.org").status_code for n in range(1, 6)]
    assert statuses == [302, 302, 302, 429, 429]
    assert len(mail.outbox) == 3


def test_one_client_gets_at_most_ten_reset_requests_an_hour_even_with_rotated_headers(advocate):
    client = Client()
    statuses = [
        ask(client, f"someone{n}@example.org", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code for n in range(11)
    ]
    assert statuses == [302] * 10 + [429]
    response = ask(client, "advocate@example.org")
    assert response.status_code == 429
    assert "Too many password reset requests" in response.content.decode()
    assert mail.outbox == []  # nobody of those ten has an account; the advocate's request was refused
