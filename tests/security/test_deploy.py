"""Production settings pass `check --deploy` with no warning; X-Forwarded-Proto is believed only from a proxy."""

import os
import secrets
import subprocess
import sys

from django.conf import settings

PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "upr_tracker.settings.production",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DATABASE_URL": "sqlite:////tmp/upr-deploy-check.sqlite3",
    "DJANGO_ALLOWED_HOSTS": "upr.example.org",
}


def run(args: list[str], **env_overrides: str) -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_URL", "TRUSTED_PROX", "SECURE_", "LOGIN_", "PASSWORD_RESET"))
    }
    env.update({**PRODUCTION, **env_overrides})
    env = {k: v for k, v in env.items() if v != "<unset>"}
    return subprocess.run(
        [sys.executable, *args], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )


def setting(name: str, **env: str) -> str:
    result = run(["-c", f"from django.conf import settings; print(repr(settings.{name}))"], **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_check_deploy_passes_with_no_warning_behind_the_compose_proxy():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], TRUSTED_PROXY_COUNT="1")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


def test_check_deploy_passes_with_no_warning_without_a_proxy():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_is_https_only_by_default():
    assert setting("SECURE_SSL_REDIRECT") == "True"
    assert setting("SESSION_COOKIE_SECURE") == "True"
    assert setting("CSRF_COOKIE_SECURE") == "True"
    assert int(setting("SECURE_HSTS_SECONDS")) >= 31_536_000


def test_x_forwarded_proto_is_believed_only_from_a_declared_proxy():
    assert setting("SECURE_PROXY_SSL_HEADER") == "None"
    assert setting("SECURE_PROXY_SSL_HEADER", TRUSTED_PROXY_COUNT="1") == "('HTTP_X_FORWARDED_PROTO', 'https')"
    assert setting("SECURE_PROXY_SSL_HEADER", TRUSTED_PROXIES="172.16.0.0/12") == "('HTTP_X_FORWARDED_PROTO', 'https')"


def test_a_malformed_trusted_proxy_refuses_to_start():
    result = run(["-c", "import upr_tracker.settings.production"], TRUSTED_PROXIES="10.0.0.0/8,proxy.local")
    assert result.returncode != 0
    assert "TRUSTED_PROXIES" in result.stderr and "proxy.local" in result.stderr


def test_make_run_stays_on_plain_http():
    local = {"DJANGO_SETTINGS_MODULE": "upr_tracker.settings.local", "DJANGO_SECRET_KEY": "<unset>"}
    local["DATABASE_URL"] = "<unset>"
    for name, expected in [("DEBUG", "True"), ("SECURE_SSL_REDIRECT", "False"), ("SESSION_COOKIE_SECURE", "False")]:
        assert setting(name, **local) == expected
