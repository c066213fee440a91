"""Peak memory of a large import: a ~50 MB UPR Info file through import_recommendations, in a subprocess.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/upr_inputs .venv/bin/python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/upr_inputs .venv/bin/python manage.py load_reference_data
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/upr_inputs .venv/bin/python bench/import_memory.py --megabytes 50

It builds the file in a temporary folder from the real UPR Info export (../shared/data), exactly as exported
(Mac Roman, CR line endings): the export's rows repeated until the size is reached, each copy's text
suffixed " [copy N]" so that every row is a new recommendation (a re-import of the same row would only be
"unchanged"). It runs `manage.py import_recommendations FILE --dry-run` (everything is validated and
written, then rolled back: the database is left as it was) in a child process and prints the child's
peak resident memory (getrusage's ru_maxrss), its time and the import's own summary.
"""

import argparse
import csv
import io
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("UPR_SHARED_DATA_DIR", ROOT.parent / "shared" / "data"))


def build_file(folder: Path, megabytes: float) -> tuple[Path, int]:
    """A UPR Info-shaped file of about `megabytes` MB; returns its path and its row count."""
    sources = sorted((SHARED / "upr-info-export-2008-2014").glob("sessions-*.csv"))
    if not sources:
        sys.exit(f"No UPR Info export under {SHARED}: set UPR_SHARED_DATA_DIR.")
    header: list[str] = []
    rows: list[list[str]] = []
    for source in sources:
        reader = csv.reader(io.StringIO(source.read_bytes().decode("mac_roman"), newline=""))
        header = next(reader)
        rows += [row for row in reader if len(row) == len(header)]
    text_column = header.index("Text")
    target = int(megabytes * 1024 * 1024)
    path = folder / "upr-info-large.csv"
    written = 0
    with path.open("w", encoding="mac_roman", errors="replace", newline="") as out:
        writer = csv.writer(out, lineterminator="\r")
        writer.writerow(header)
        copy = 0
        while out.tell() < target:
            copy += 1
            for row in rows:
                mutated = list(row)
                mutated[text_column] = f"{row[text_column]} [copy {copy}]"
                writer.writerow(mutated)
                written += 1
                if written % 1000 == 0 and out.tell() >= target:
                    break
    return path, written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--megabytes", type=float, default=50.0)
    parser.add_argument("--keep", action="store_true", help="keep the generated file (its path is printed)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="upr-import-memory-"))
    path, rows = build_file(folder, args.megabytes)
    size = path.stat().st_size
    print(f"file: {path} ({size / 1024 / 1024:.1f} MB, {rows:,} rows)", flush=True)  # noqa: T201
    command = [sys.executable, str(ROOT / "manage.py"), "import_recommendations", str(path), "--dry-run"]
    started = time.monotonic()
    child = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    seconds = time.monotonic() - started
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # kilobytes on Linux
    print(child.stdout.strip())  # noqa: T201
    if child.returncode:
        print(child.stderr[-3000:], file=sys.stderr)  # noqa: T201
    print(f"peak RSS of the import process: {peak_kb / 1024:.0f} MB; {seconds:.0f} s; exit {child.returncode}")  # noqa: T201
    if not args.keep:
        path.unlink()
        folder.rmdir()


if __name__ == "__main__":
    main()
