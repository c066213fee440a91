"""python manage.py export_recommendations [--statements] [--format csv|xlsx|json] [--output FILE] [--filter k=v …]
python manage.py export_recommendations --datasets   (rebuild the prebuilt files of /downloads/ now)"""

import sys
import time
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import QueryDict

from apps.recommendations.exports.columns import export_ids
from apps.recommendations.exports.files import write_atomic
from apps.recommendations.exports.services import datasets_rebuild
from apps.recommendations.exports.writers import EXPORT_FORMATS, export_stream, export_write
from apps.recommendations.selectors import recommendation_list
from apps.reviews.selectors import statement_list


class Command(BaseCommand):
    help = (
        "Export recommendations (or statements) as CSV, XLSX or JSON, streamed. Filters are the API's "
        "query parameters, e.g. --filter state_under_review=CHN --filter cycle=3. The CSV re-imports "
        "with import_recommendations --format csv."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=EXPORT_FORMATS, default="csv")
        parser.add_argument("--output", type=Path, help="default: standard output")
        parser.add_argument("--statements", action="store_true", help="export statements instead")
        parser.add_argument("--filter", action="append", default=[], metavar="NAME=VALUE")
        parser.add_argument("--stats", action="store_true", help="print bytes, seconds and peak memory to stderr")
        parser.add_argument(
            "--datasets",
            action="store_true",
            help="rebuild the prebuilt files of the whole record (/downloads/) in this process, then stop",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["datasets"]:
            for dataset in datasets_rebuild():
                self.stdout.write(
                    f"{dataset.filename}: {dataset.rows} rows, {dataset.size} bytes, sha256 {dataset.sha256}"
                )
            return
        filters = QueryDict(mutable=True)
        for item in options["filter"]:
            name, equals, value = item.partition("=")
            if not equals:
                raise CommandError(f"--filter {item!r}: write NAME=VALUE, e.g. state_under_review=CHN")
            filters.appendlist(name.strip(), value.strip())
        kind = "statements" if options["statements"] else "recommendations"
        try:
            queryset = statement_list(filters=filters) if kind == "statements" else recommendation_list(filters=filters)
        except ValidationError as exc:
            raise CommandError(
                f"Bad filter: {exc.message_dict if hasattr(exc, 'error_dict') else exc.messages}"
            ) from exc
        output = options["output"]
        started, written = time.monotonic(), 0
        if output and (output.is_file() or not output.exists()):
            # A file is written whole or not at all (a temporary file renamed): never a truncated export.
            _rows, written, _digest = write_atomic(
                output.resolve(), lambda out: export_write(kind, export_ids(queryset), options["format"], out)
            )
        else:  # standard output, or a device such as /dev/null (the benchmark): streamed
            out = output.open("wb") if output else sys.stdout.buffer
            try:
                for block in export_stream(kind, export_ids(queryset), options["format"]):
                    out.write(block)
                    written += len(block)
            finally:
                out.close() if output else out.flush()
        if options["stats"]:
            self.stderr.write(
                f"bytes={written} seconds={time.monotonic() - started:.2f} peak_rss_mb={_peak_rss_mb():.1f}"
            )


def _peak_rss_mb() -> float:
    """This process's peak resident memory (Linux VmHWM: since exec, unlike getrusage's ru_maxrss)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
