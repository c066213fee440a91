"""Repeated wrong passwords lock a username and a client out of every login door; staff unlock."""

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from tests.api.conftest import error_of

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"  # tests/factories.py
LIMIT = 5  # LOGIN_FAILURE_LIMIT's default


def page_login(client: Client, path: str, username: str, password: str, **extra):  # type: ignore[no-untyped-def]
    return client.post(path, {"username": username, "password": password}, **extra)


def token_login(client: Client, username: str, password: str, **extra):  # type: ignore[no-untyped-def]
    return client.post(
        "/api/v1/auth/token/", {"username": username, "password": password}, content_type="application/json", **extra
    )


@pytest.mark.parametrize("path", ["/accounts/login/", "/admin/login/"])
def test_a_login_page_locks_a_username_out_after_repeated_failures(client, staff, path):
    for n in range(LIMIT - 1):
        assert page_login(client, path, "staff", f"wrong{n}").status_code == 200  # the form again, with its error
    locked = page_login(client, path, "staff", "wrong-again")
    assert locked.status_code == 429
    assert "Too many failed log-in attempts" in locked.content.decode()
    assert int(locked["Retry-After"]) > 0
    # Even the right password is refused now, from this client...
    assert page_login(client, path, "staff", PASSWORD).status_code == 429
    # ...and from any other: the username itself is locked.
    other = Client(REMOTE_ADDR="198.51.100.20")
    assert page_login(other, path, "staff", PASSWORD).status_code == 429
    assert "_auth_user_id" not in other.session


def test_the_token_endpoint_locks_out_with_the_api_error_format(client, advocate):
    for _ in range(LIMIT - 1):
        assert token_login(client, "advocate", "wrong").status_code == 401
    response = token_login(client, "advocate", "wrong")
    assert response.status_code == 429
    error = error_of(response)
    assert error["code"] == "locked_out"
    assert "Too many failed log-in attempts" in error["message"]
    assert int(response["Retry-After"]) > 0
    assert error_of(token_login(client, "advocate", PASSWORD))["code"] == "locked_out"


def test_one_client_guessing_many_usernames_is_locked_out_whatever_x_forwarded_for_says(client, advocate):
    for n in range(LIMIT):
        token_login(client, f"someone{n}", "guess", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    # The lock is on the client (the socket's address), so even a real user's right password from it waits.
    response = token_login(client, "advocate", PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.99")
    assert response.status_code == 429
    assert error_of(response)["code"] == "locked_out"
    # Another client is not affected.
    assert token_login(Client(REMOTE_ADDR="198.51.100.30"), "advocate", PASSWORD).status_code == 201


def test_failures_across_doors_add_up(client, advocate):
    for _ in range(2):
        page_login(client, "/accounts/login/", "advocate", "wrong")
    for _ in range(2):
        page_login(client, "/admin/login/", "advocate", "wrong")
    assert token_login(client, "advocate", "wrong").status_code == 429


def test_staff_unlock_a_user_from_the_admin(client, client_for, staff, advocate):
    far = Client(REMOTE_ADDR="198.51.100.40")
    for _ in range(LIMIT):
        page_login(far, "/accounts/login/", "advocate", "wrong")
    assert page_login(far, "/accounts/login/", "advocate", PASSWORD).status_code == 429

    admin = client_for(staff)
    response = admin.post(
        reverse("admin:auth_user_changelist"),
        {"action": "unlock_login", "_selected_action": [User.objects.get(username="advocate").pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert "failed-attempt record" in response.content.decode()

    # The username is free again (the client's own count was cleared with it: the failures were its).
    assert page_login(Client(REMOTE_ADDR="198.51.100.41"), "/accounts/login/", "advocate", PASSWORD).status_code == 302


def test_a_successful_login_clears_the_count(client, advocate):
    for _ in range(LIMIT - 1):
        page_login(client, "/accounts/login/", "advocate", "wrong")
    assert page_login(client, "/accounts/login/", "advocate", PASSWORD).status_code == 302
    client.logout()
    for _ in range(LIMIT - 1):
        assert page_login(client, "/accounts/login/", "advocate", "wrong").status_code == 200


def test_an_overlong_username_is_a_400_not_a_lockout_record_that_breaks(client):
    response = token_login(client, "x" * 300, "guess")
    assert response.status_code == 400
    assert "username" in error_of(response)["fields"]
