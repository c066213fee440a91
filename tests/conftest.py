"""Shared fixtures: personas, reference data, and the real services the integration tiers need.

Where a service (PostgreSQL, Redis, Chromium, ...) is missing a test skips with the reason on a
developer's machine, and fails under CI=true, where .ci/run has started or installed every service.
"""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection

from apps.accounts.groups import EDITORS_GROUP
from apps.states.models import MemberState
from tests.clients import ApiClient, signed_in_client
from tests.factories import UserFactory

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
REFERENCE_STATE_COUNT = 195


def require(available: bool, reason: str) -> None:
    """Skip a test whose service is missing, or fail it under CI=true."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: a missing service fails the run instead of skipping)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> None:
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        call_command("load_reference_data", verbosity=0)


@pytest.fixture
def reference_data(db: None) -> None:
    """The fixtures' reference data; reloaded if a transactional test flushed the tables."""
    if MemberState.objects.filter(iso3="CHN").count() == 0 or MemberState.objects.count() < REFERENCE_STATE_COUNT:
        call_command("load_reference_data", verbosity=0)


# -- personas -------------------------------------------------------------------------------------
@pytest.fixture
def advocate(db: None):  # type: ignore[no-untyped-def]
    """A signed-up user who reads and subscribes but may not edit the record."""
    return UserFactory(username="advocate")


@pytest.fixture
def editor(db: None):  # type: ignore[no-untyped-def]
    """A member of the editors group: logs statements, curates recommendations."""
    user = UserFactory(username="editor")
    user.groups.add(Group.objects.get(name=EDITORS_GROUP))
    return user


@pytest.fixture
def outsider(db: None):  # type: ignore[no-untyped-def]
    """Another signed-up user, who must never see the advocate's private data."""
    return UserFactory(username="outsider")


@pytest.fixture
def staff(db: None):  # type: ignore[no-untyped-def]
    return UserFactory(username="staff", is_staff=True, is_superuser=True)


@pytest.fixture
def client_for():  # type: ignore[no-untyped-def]
    """client_for(user) → a page client signed in as the persona (None: anonymous)."""
    return signed_in_client


@pytest.fixture
def api():  # type: ignore[no-untyped-def]
    """api(user) → a JSON client signed in by session; api(user, token=True) by token; api() anonymous."""

    def make(user: Any = None, *, token: bool = False) -> ApiClient:
        return ApiClient(user, token=token)

    return make


# -- real services ---------------------------------------------------------------------------------
@pytest.fixture
def postgres(db: None) -> None:
    require(connection.vendor == "postgresql", "needs PostgreSQL: set DATABASE_URL=postgres://...")


@pytest.fixture(scope="session")
def redis_url() -> str:
    url = os.environ.get("TEST_REDIS_URL", "")
    if url:
        import redis

        try:
            redis.Redis.from_url(url, socket_connect_timeout=2).ping()
        except redis.RedisError as exc:
            require(False, f"Redis at {url} does not answer: {exc}")
    else:
        require(False, "needs Redis: set TEST_REDIS_URL=redis://127.0.0.1:6379/15")
    return url


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    require(Path(path).exists(), f"needs Chromium at {path}: apt-get install chromium")
    return path


@pytest.fixture(scope="session")
def shared_data_dir() -> Iterator[Path]:
    path = Path(settings.SHARED_DATA_DIR)
    if not (path / "un_member_states.csv").exists():
        pytest.skip(f"../shared/data is absent ({path}): the bulk UPR Info export is not shipped with the project")
    yield path


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """List what the browser and fuzz tiers left in TEST_ARTIFACTS_DIR, so CI's log points to it."""
    folder = Path(os.environ.get("TEST_ARTIFACTS_DIR", "test-artifacts"))
    files = sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []
    if not files:
        return
    terminalreporter.section(f"test artifacts in {folder.resolve()}")
    for path in files:
        terminalreporter.write_line(f"{path.relative_to(folder)}  ({path.stat().st_size:,} bytes)")
