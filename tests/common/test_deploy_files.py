"""No Docker engine runs here: check the compose file and Dockerfile against the settings instead."""

import re

import yaml
from django.conf import settings

COMPOSE = yaml.safe_load((settings.BASE_DIR / "docker-compose.yml").read_text())
DOCKERFILE = (settings.BASE_DIR / "Dockerfile").read_text()
SETTINGS_SOURCE = "".join(p.read_text() for p in (settings.BASE_DIR / "upr_tracker" / "settings").glob("*.py"))


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


def test_every_variable_compose_sets_is_read_by_the_settings() -> None:
    environment = COMPOSE["services"]["web"]["environment"]
    for variable in set(environment) - {"DJANGO_SETTINGS_MODULE"}:  # read by Django itself
        assert re.search(rf'"{variable}"', SETTINGS_SOURCE), f"{variable} is set in compose but never read"


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
