"""The benchmark is a development app: local and test settings install it, production never loads it."""

import ast
import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.management import get_commands

ROOT = Path(settings.BASE_DIR)


def manage(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_tests_have_the_benchmark_command() -> None:
    assert "bench" in settings.INSTALLED_APPS
    assert get_commands()["benchmark"] == "bench"


def test_make_run_has_the_benchmark_command() -> None:
    result = manage(["help", "benchmark"], DJANGO_SETTINGS_MODULE="upr_tracker.settings.local")
    assert result.returncode == 0, result.stderr
    assert "--http" in result.stdout and "--size" in result.stdout


def test_production_does_not_load_the_benchmark() -> None:
    result = manage(
        ["help", "benchmark"],
        DJANGO_SETTINGS_MODULE="upr_tracker.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DATABASE_URL="sqlite:////tmp/upr-dev-apps-check.sqlite3",
    )
    assert result.returncode != 0
    assert "Unknown command: 'benchmark'" in result.stderr


def test_no_production_module_imports_the_benchmark() -> None:
    offenders = []
    for path in [*ROOT.joinpath("apps").rglob("*.py"), *ROOT.joinpath("upr_tracker").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            offenders += [f"{path.relative_to(ROOT)}: {name}" for name in names if name.split(".")[0] == "bench"]
    assert offenders == []
