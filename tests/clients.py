"""Test clients as a persona: one way to sign in, for pages (Django's client) and for the API (JSON)."""

import json
from typing import Any

from django.test import Client
from rest_framework.authtoken.models import Token

API = "/api/v1"


def signed_in_client(user: Any = None) -> Client:
    """A Django test client signed in as `user` by session, or anonymous for None."""
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


class ApiClient:
    """A Django test client that speaks JSON, signed in by session or token (or anonymous)."""

    def __init__(self, user: Any = None, *, token: bool = False) -> None:
        self.client = signed_in_client(None if token else user)
        self.headers: dict[str, str] = {"HTTP_ACCEPT": "application/json"}
        if user is not None and token:
            key = Token.objects.get_or_create(user=user)[0].key
            self.headers["HTTP_AUTHORIZATION"] = f"Token {key}"

    def get(self, path: str, params: dict[str, Any] | None = None, **extra: Any) -> Any:
        return self.client.get(API + path, params or {}, **self.headers, **extra)

    def _send(self, method: str, path: str, body: Any, **extra: Any) -> Any:
        data = body if isinstance(body, str | bytes) else json.dumps(body)
        return getattr(self.client, method)(
            API + path, data=data, content_type=extra.pop("content_type", "application/json"), **self.headers, **extra
        )

    def post(self, path: str, body: Any = None, **extra: Any) -> Any:
        return self._send("post", path, {} if body is None else body, **extra)

    def put(self, path: str, body: Any, **extra: Any) -> Any:
        return self._send("put", path, body, **extra)

    def patch(self, path: str, body: Any, **extra: Any) -> Any:
        return self._send("patch", path, body, **extra)

    def delete(self, path: str, **extra: Any) -> Any:
        return self.client.delete(API + path, **self.headers, **extra)


def error_of(response: Any) -> dict[str, Any]:
    """The error object of a response, after checking it has the one error format."""
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message", "fields"}, body
    return body["error"]
