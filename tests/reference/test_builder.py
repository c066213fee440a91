"""The committed fixtures are what `build_reference_fixtures` writes from ../shared/data.

The builder reads the OHCHR matrix through the importer's reader and parser (one parser): a change to that
parser which would change the reference data shows here, as a difference from the committed fixtures.
"""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from apps.reference.management.commands import build_reference_fixtures as builder

pytestmark = pytest.mark.shared_data


def test_the_committed_fixtures_are_what_the_builder_writes(
    shared_data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(builder, "FIXTURES_DIR", tmp_path)
    call_command("build_reference_fixtures", data_dir=str(shared_data_dir), stdout=io.StringIO())
    committed = settings.BASE_DIR / "fixtures"
    built = sorted(path.name for path in tmp_path.glob("*.json"))
    assert built == sorted(path.name for path in committed.glob("*.json"))
    for name in built:
        assert (tmp_path / name).read_text(encoding="utf-8") == (committed / name).read_text(encoding="utf-8"), name


def test_the_builder_reads_the_matrix_with_the_importers_parser(
    shared_data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[int] = []
    parse = builder.parse_ohchr_matrix

    def observed(values: dict[str, str], line: int):  # type: ignore[no-untyped-def]
        seen.append(line)
        return parse(values, line)

    monkeypatch.setattr(builder, "parse_ohchr_matrix", observed)
    rows = builder.Command().read_matrix(shared_data_dir / builder.MATRIX_FILE)
    assert len(rows) == len(seen) == 598
