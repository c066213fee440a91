"""A user creates, reads and revokes their own API token."""

import pytest
from rest_framework.authtoken.models import Token

from tests.api.conftest import error_of

pytestmark = pytest.mark.django_db


def test_a_user_gets_a_token_with_their_password_and_uses_it(reference_data, client, editor):
    response = client.post(
        "/api/v1/auth/token/",
        {"username": "editor", "password": "correct horse battery staple"},
        content_type="application/json",
    )

    assert response.status_code == 201
    token = response.json()["token"]
    assert response.json()["username"] == "editor"
    assert response.json()["created"].endswith(("+01:00", "+02:00"))  # Geneva time, like every API timestamp
    assert Token.objects.get(user=editor).key == token
    used = client.get("/api/v1/auth/token/", HTTP_AUTHORIZATION=f"Token {token}")
    assert used.status_code == 200 and used.json()["token"] == token


def test_asking_again_returns_the_same_token(reference_data, client_for, advocate):
    client = client_for(advocate)
    first = client.post("/api/v1/auth/token/", content_type="application/json")
    second = client.post("/api/v1/auth/token/", content_type="application/json")

    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["token"] == second.json()["token"]


def test_a_wrong_password_gets_no_token(reference_data, client, advocate):
    response = client.post(
        "/api/v1/auth/token/", {"username": "advocate", "password": "guess"}, content_type="application/json"
    )

    assert response.status_code == 401
    assert error_of(response)["code"] == "authentication_failed"
    assert not Token.objects.exists()


def test_missing_credentials_are_a_400(reference_data, client):
    response = client.post("/api/v1/auth/token/", {"username": "advocate"}, content_type="application/json")
    assert response.status_code == 400
    assert "password" in error_of(response)["fields"]


def test_a_user_revokes_their_own_token_and_only_theirs(reference_data, client, advocate, outsider):
    mine = Token.objects.create(user=advocate)
    theirs = Token.objects.create(user=outsider)

    revoked = client.delete("/api/v1/auth/token/", HTTP_AUTHORIZATION=f"Token {mine.key}")

    assert revoked.status_code == 204
    assert not Token.objects.filter(key=mine.key).exists()
    assert Token.objects.filter(key=theirs.key).exists()
    after = client.get("/api/v1/themes/", HTTP_AUTHORIZATION=f"Token {mine.key}")
    assert after.status_code == 401


def test_anonymous_users_cannot_read_or_revoke_tokens(reference_data, client):
    assert client.get("/api/v1/auth/token/").status_code == 401
    assert client.delete("/api/v1/auth/token/").status_code == 401
