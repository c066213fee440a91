"""A changed password revokes the user's API tokens, by every path that changes it."""

import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from rest_framework.authtoken.models import Token

from apps.accounts.services import user_password_set

pytestmark = pytest.mark.django_db

OLD = "correct horse battery staple"  # tests/factories.py
NEW = "an entirely new passphrase 77"


def api_status(client, key: str) -> int:  # type: ignore[no-untyped-def]
    return client.get("/api/v1/auth/token/", HTTP_AUTHORIZATION=f"Token {key}").status_code


def test_changing_the_password_revokes_the_token(client, client_for, advocate):
    key = Token.objects.create(user=advocate).key
    response = client_for(advocate).post(
        "/accounts/password_change/", {"old_password": OLD, "new_password1": NEW, "new_password2": NEW}
    )
    assert response.status_code == 302
    assert not Token.objects.filter(user=advocate).exists()
    assert api_status(client, key) == 401


def test_resetting_the_password_revokes_the_token(client, advocate):
    key = Token.objects.create(user=advocate).key
    client.post("/accounts/password_reset/", {"email": advocate.email})
    link = re.search(r"/accounts/reset/\S+/\S+/", mail.outbox[0].body).group(0)
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 302
    assert User.objects.get(pk=advocate.pk).check_password(NEW)
    assert api_status(client, key) == 401


@pytest.mark.parametrize("usable", [True, False])
def test_setting_the_password_in_the_admin_revokes_the_token(client, client_for, staff, advocate, usable):
    key = Token.objects.create(user=advocate).key
    data = (
        {"password1": NEW, "password2": NEW, "usable_password": "true"}
        if usable
        else {"usable_password": "false", "unset-password": "1"}
    )
    response = client_for(staff).post(f"/admin/auth/user/{advocate.pk}/password/", data)
    assert response.status_code == 302
    assert User.objects.get(pk=advocate.pk).has_usable_password() is usable
    assert api_status(client, key) == 401


def test_a_new_token_after_the_change_works(client, advocate):
    Token.objects.create(user=advocate)
    assert user_password_set(user=advocate, password=NEW) == 1
    response = client.post(
        "/api/v1/auth/token/", {"username": "advocate", "password": NEW}, content_type="application/json"
    )
    assert response.status_code == 201
    assert api_status(client, response.json()["token"]) == 200
