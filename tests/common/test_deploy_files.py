"""No Docker engine runs here: check the compose file and Dockerfile against the settings instead."""

import json
import os
import re
import subprocess
import sys

import yaml
from django.conf import settings

COMPOSE = yaml.safe_load((settings.BASE_DIR / "docker-compose.yml").read_text())
DOCKERFILE = (settings.BASE_DIR / "Dockerfile").read_text()


def test_compose_runs_the_production_shape() -> None:
    services = COMPOSE["services"]
    assert {"db", "redis", "web", "worker", "beat", "mailcatcher"} <= set(services)
    assert services["db"]["healthcheck"]["test"]
    assert "gunicorn" in DOCKERFILE  # the web service runs the image's default command
    assert services["worker"]["command"][:4] == ["celery", "-A", "upr_tracker", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "upr_tracker", "beat"]


def test_web_worker_and_beat_share_one_image_and_wait_for_migrations() -> None:
    services = COMPOSE["services"]
    for name in ("web", "worker", "beat", "migrate"):
        assert services[name]["image"] == "upr-tracker"
        assert services[name]["environment"]["DJANGO_SETTINGS_MODULE"] == "upr_tracker.settings.production"
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"


# What each variable compose gives the web service must become in the production settings.
COMPOSE_VARIABLE_EFFECTS = {
    "DJANGO_SECRET_KEY": ("SECRET_KEY", "s" * 50),
    "DATABASE_URL": ("DATABASE_HOST", "db"),
    "CELERY_BROKER_URL": ("CELERY_BROKER_URL", "redis://redis:6379/0"),
    "CACHE_URL": ("CACHE_LOCATION", "redis://redis:6379/1"),
    "EMAIL_BACKEND": ("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend"),
    "EMAIL_HOST": ("EMAIL_HOST", "mailcatcher"),
    "EMAIL_PORT": ("EMAIL_PORT", 1025),
    "DJANGO_ALLOWED_HOSTS": ("ALLOWED_HOSTS", ["localhost", "127.0.0.1"]),
    "DJANGO_SECURE_COOKIES": ("SESSION_COOKIE_SECURE", True),
    "SITE_URL": ("SITE_URL", "https://localhost"),
    "TRUSTED_PROXY_COUNT": ("TRUSTED_PROXY_COUNT", 1),
    "TRUSTED_PROXIES": ("TRUSTED_PROXIES", ["172.16.0.0/12", "192.168.0.0/16", "10.0.0.0/8"]),
    "EXPORTS_DIR": ("EXPORTS_DIR", "/app/var/exports"),
}
_PRINT_SETTINGS = """
import json, django
from django.conf import settings as s
django.setup()
print(json.dumps({
    "SECRET_KEY": s.SECRET_KEY, "DATABASE_HOST": s.DATABASES["default"]["HOST"],
    "CELERY_BROKER_URL": s.CELERY_BROKER_URL, "CACHE_LOCATION": s.CACHES["default"]["LOCATION"],
    "EMAIL_BACKEND": s.EMAIL_BACKEND, "EMAIL_HOST": s.EMAIL_HOST, "EMAIL_PORT": s.EMAIL_PORT,
    "ALLOWED_HOSTS": s.ALLOWED_HOSTS, "SESSION_COOKIE_SECURE": s.SESSION_COOKIE_SECURE, "SITE_URL": s.SITE_URL,
    "TRUSTED_PROXY_COUNT": s.TRUSTED_PROXY_COUNT, "TRUSTED_PROXIES": s.TRUSTED_PROXIES,
    "EXPORTS_DIR": str(s.EXPORTS_DIR),
}))
"""


def compose_environment() -> dict[str, str]:
    """The web service's environment as compose would give it with an .env that sets only the secret key."""
    given = {"DJANGO_SECRET_KEY": "s" * 50}

    def substitute(match: re.Match[str]) -> str:
        name, operator, default = match.group(1), match.group(2), match.group(3)
        return given.get(name, default if operator == ":-" else "")

    return {
        name: re.sub(r"\$\{(\w+)(:[-?])([^}]*)\}", substitute, str(value))
        for name, value in COMPOSE["services"]["web"]["environment"].items()
    }


def test_every_variable_compose_sets_takes_effect_in_the_production_settings() -> None:
    environment = compose_environment()
    assert set(environment) - {"DJANGO_SETTINGS_MODULE"} == set(COMPOSE_VARIABLE_EFFECTS)

    result = subprocess.run(
        [sys.executable, "-c", _PRINT_SETTINGS],
        env={"PATH": os.environ.get("PATH", ""), **environment},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    effective = json.loads(result.stdout.strip().splitlines()[-1])
    for variable, (setting, expected) in COMPOSE_VARIABLE_EFFECTS.items():
        assert effective[setting] == expected, f"{variable} set in compose, but {setting} is {effective[setting]!r}"


def test_compose_gives_no_default_secret() -> None:
    assert COMPOSE["services"]["web"]["environment"]["DJANGO_SECRET_KEY"].startswith("${DJANGO_SECRET_KEY:?")


def test_the_image_installs_the_lock_file_with_hashes() -> None:
    assert "pip install --require-hashes -r requirements.lock" in DOCKERFILE


def test_a_tls_proxy_stands_in_front_of_gunicorn() -> None:
    services = COMPOSE["services"]
    proxy = services["proxy"]
    assert proxy["image"].startswith("caddy:")
    assert {"80:80", "443:443"} <= set(proxy["ports"])
    assert "ports" not in services["web"], "gunicorn must be reached only through the proxy"
    caddyfile = (settings.BASE_DIR / "deploy" / "Caddyfile").read_text()
    assert "reverse_proxy web:8000" in caddyfile
    assert any("Caddyfile" in volume for volume in proxy["volumes"])


def test_compose_declares_its_proxy_and_runs_https_only() -> None:
    environment = COMPOSE["services"]["web"]["environment"]
    assert environment["TRUSTED_PROXY_COUNT"] == "1"
    assert environment["SITE_URL"].startswith("https://")
    assert environment["DJANGO_SECURE_COOKIES"].endswith(":-true}")
