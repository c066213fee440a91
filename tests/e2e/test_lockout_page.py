"""Chromium meets the lockout page after repeated wrong passwords (the rest: tests/security/)."""

import pytest

from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LIMIT = 5  # LOGIN_FAILURE_LIMIT's default


def test_the_browser_shows_the_lockout_page(page):
    UserFactory(username="browser-advocate")
    for _ in range(LIMIT):
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill("browser-advocate")
        page.get_by_label("Password").fill("wrong password")
        page.get_by_role("button", name="Log in").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Log-in locked"
    assert "Too many failed log-in attempts" in page.get_by_role("alert").inner_text()
