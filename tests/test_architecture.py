"""The arrows point down: the import contracts of pyproject.toml ([tool.importlinter]) hold.

`make lint` and .ci/run run `lint-imports` too; this test makes a broken contract fail the test run as well,
and keeps every app on a layer, so a new app cannot sit outside the contracts unnoticed.
"""

import tomllib

from django.conf import settings
from importlinter import cli

PYPROJECT = settings.BASE_DIR / "pyproject.toml"


def _layers() -> list[str]:
    config = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["tool"]["importlinter"]
    (contract,) = (c for c in config["contracts"] if c["type"] == "layers")
    return [name.strip() for layer in contract["layers"] for name in layer.replace(":", "|").split("|")]


def test_no_app_imports_a_higher_layer_and_no_package_has_an_import_cycle() -> None:
    # no_cache: nothing written beside the sources. A broken contract's report is in the captured output.
    status = cli.lint_imports(config_filename=str(PYPROJECT), no_cache=True, no_logo=True)
    assert status == cli.EXIT_STATUS_SUCCESS, "import contracts broken: see the report in the captured stdout"


def test_every_app_sits_on_a_layer() -> None:
    apps = {f"apps.{path.parent.name}" for path in (settings.BASE_DIR / "apps").glob("*/__init__.py")}
    assert apps, "no app found"
    assert apps - set(_layers()) == set()
