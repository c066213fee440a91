"""Production settings refuse unsafe values; they are checked in a fresh interpreter each time."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

SAFE = {
    "DJANGO_SECRET_KEY": "x" * 50,
    "DATABASE_URL": "sqlite:////tmp/upr-settings-test.sqlite3",
    "DJANGO_DEBUG": "false",
}


def import_production(**overrides: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update({k: v for k, v in {**SAFE, **overrides}.items() if v is not None})
    env = {k: v for k, v in env.items() if v != "<unset>"}
    return subprocess.run(
        [sys.executable, "-c", "import upr_tracker.settings.production"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_starts_with_safe_values() -> None:
    result = import_production()
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"DJANGO_SECRET_KEY": "<unset>"}, "DJANGO_SECRET_KEY must be set"),
        ({"DJANGO_SECRET_KEY": "short"}, "at least 32 characters"),
        ({"DJANGO_DEBUG": "true"}, "DJANGO_DEBUG must be off"),
        ({"DATABASE_URL": "<unset>"}, "DATABASE_URL must be set"),
    ],
)
def test_production_refuses_unsafe_values(overrides: dict[str, str], message: str) -> None:
    result = import_production(**overrides)
    assert result.returncode != 0
    assert message in result.stderr


def test_the_embedded_defaults_need_no_environment() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "CELERY_"))}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import upr_tracker.settings.local as s; print(s.DATABASES['default']['ENGINE'], s.CELERY_BROKER_URL,"
            " s.EMAIL_BACKEND)",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "filesystem://",
        "django.core.mail.backends.filebased.EmailBackend",
    ]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"TRUSTED_PROXIES": "10.0.0.0/8,not-an-address"}, "TRUSTED_PROXIES"),
        ({"TRUSTED_PROXY_COUNT": "-1"}, "TRUSTED_PROXY_COUNT"),
    ],
)
def test_a_malformed_proxy_declaration_refuses_to_start(overrides: dict[str, str], message: str) -> None:
    result = import_production(**overrides)
    assert result.returncode != 0
    assert message in result.stderr
