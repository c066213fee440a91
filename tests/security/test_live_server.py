"""Over a real socket (pytest-django's live server): the identity is the peer's address, not a header.
(Chromium meeting the lockout page: tests/e2e/test_lockout_page.py, beside the browser fixtures.)"""

import json
import urllib.error
import urllib.request

from tests.factories import UserFactory

LIMIT = 5


def post_token(base_url: str, username: str, password: str, forwarded_for: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    request = urllib.request.Request(
        f"{base_url}/api/v1/auth/token/",
        data=json.dumps({"username": username, "password": password}).encode(),
        headers={"Content-Type": "application/json", "X-Forwarded-For": forwarded_for},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_rotating_x_forwarded_for_over_http_does_not_escape_the_lockout(postgres, live_server):
    UserFactory(username="remote-advocate")
    statuses = [post_token(live_server.url, "remote-advocate", "wrong", f"203.0.113.{n}")[0] for n in range(LIMIT)]
    assert statuses == [401] * (LIMIT - 1) + [429]
    status, body = post_token(live_server.url, "remote-advocate", "correct horse battery staple", "192.0.2.1")
    assert status == 429
    assert body["error"]["code"] == "locked_out"
