"""The interactive API docs render in Chromium from our own static files, within the page's CSP."""

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_api_docs_list_every_endpoint(page, shoot, live_server):
    outside: list[str] = []
    page.on("request", lambda request: None if request.url.startswith(live_server.url) else outside.append(request.url))

    page.goto("/api/docs/")
    page.wait_for_selector(".opblock-tag-section")

    tags = page.locator(".opblock-tag").all_inner_texts()
    for name in ("recommendations", "statements", "reviews", "deadlines", "member-states", "auth"):
        assert any(tag.strip().startswith(name) for tag in tags), tags
    assert outside == [], "the docs load nothing from outside the server"
    shoot(page, "api-docs", full_page=False)
