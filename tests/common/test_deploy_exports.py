"""The production shape serves exports without starving /healthz: threaded gunicorn, files shared by web and worker."""

import runpy

import yaml
from django.conf import settings

COMPOSE = yaml.safe_load((settings.BASE_DIR / "docker-compose.yml").read_text())
DOCKERFILE = (settings.BASE_DIR / "Dockerfile").read_text()


def test_the_image_runs_gunicorn_with_its_threaded_config() -> None:
    assert '"--config", "gunicorn.conf.py"' in DOCKERFILE
    config = runpy.run_path(str(settings.BASE_DIR / "gunicorn.conf.py"))
    assert config["worker_class"] == "gthread"
    assert config["workers"] * config["threads"] >= 8
    assert config["timeout"] >= 30


def test_web_and_worker_share_the_exports_volume() -> None:
    services = COMPOSE["services"]
    for name in ("web", "worker"):
        assert "exports:/app/var/exports" in services[name]["volumes"]
        assert services[name]["environment"]["EXPORTS_DIR"] == "/app/var/exports"
    assert "exports" in COMPOSE["volumes"]
