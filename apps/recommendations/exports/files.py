"""Export files on disk: written atomically (a temporary file in the same folder, then a rename), with their
size and SHA-256, under settings.EXPORTS_DIR (datasets/ for the prebuilt files, jobs/ for export jobs)."""

import hashlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from django.conf import settings

DATASETS = "datasets"
JOBS = "jobs"


def exports_path(*parts: str) -> Path:
    return Path(settings.EXPORTS_DIR).joinpath(*parts)


def write_atomic(path: Path, write: Callable[[IO[bytes]], Any]) -> tuple[Any, int, str]:
    """Call `write(file)` on a temporary file beside `path`, then rename it to `path`.

    Returns (what `write` returned, size in bytes, SHA-256 hex). A reader sees the old file or the new
    one, never half of one; on any error the temporary file is removed and nothing is renamed.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "w+b") as out:
            result = write(out)
            out.flush()
            os.fsync(out.fileno())
        digest, size = file_sha256(Path(temp_name))
        os.chmod(temp_name, 0o644)
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    return result, size, digest


def file_sha256(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as source:
        while block := source.read(1024 * 1024):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size
