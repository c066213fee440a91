"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server on PostgreSQL."""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django refuses ORM calls there unless told.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def screenshots_dir() -> Path:
    path = Path(os.environ.get("TEST_ARTIFACTS_DIR", "test-artifacts")) / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator:  # type: ignore[type-arg]
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def csp_violations() -> list[str]:
    return []


@pytest.fixture
def page(postgres, browser, live_server, csp_violations):  # type: ignore[no-untyped-def]
    """A fresh browser context per test (own cookies) on PostgreSQL, failing on any CSP violation."""
    context = browser.new_context(base_url=live_server.url, accept_downloads=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.on(
        "console",
        lambda message: csp_violations.append(message.text) if "Content Security Policy" in message.text else None,
    )
    yield page
    context.close()
    assert csp_violations == [], "the pages must not break their own Content Security Policy"


@pytest.fixture
def shoot(screenshots_dir: Path):  # type: ignore[no-untyped-def]
    """Save a full-page screenshot, at desktop width and at phone width."""

    def take(page, name: str, full_page: bool = True) -> None:  # type: ignore[no-untyped-def]
        page.screenshot(path=str(screenshots_dir / f"{name}.png"), full_page=full_page)
        size = page.viewport_size
        page.set_viewport_size(PHONE)
        page.screenshot(path=str(screenshots_dir / f"{name}-phone.png"), full_page=full_page)
        if size:
            page.set_viewport_size(size)

    return take
