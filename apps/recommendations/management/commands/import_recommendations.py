"""python manage.py import_recommendations FILE… [--format upr-info|ohchr-matrix|csv|uhri] [--dry-run] [--report FILE]"""

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.recommendations.importers import FORMATS, ImportSource, MalformedFileError, recommendation_import

SHOWN_REJECTIONS = 20


class Command(BaseCommand):
    help = (
        "Import recommendations from the UPR Info export, the OHCHR matrix CSV, our own CSV or the OHCHR "
        "Universal Human Rights Index export (JSON or XLSX). "
        "Idempotent; every row is reported as created, updated, unchanged or rejected."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument("--format", choices=FORMATS, help="default: recognised from each file's content")
        parser.add_argument("--encoding", help="skip detection (e.g. mac_roman, cp1252, utf_8)")
        parser.add_argument("--dry-run", action="store_true", help="do everything, then roll back")
        parser.add_argument("--report", type=Path, help="write every row's outcome to this CSV (or .json) file")

    def handle(self, *args: Any, **options: Any) -> None:
        sources = []
        for path in options["files"]:
            try:
                sources.append(ImportSource(path.name, path.read_bytes()))
            except OSError as exc:
                raise CommandError(f"Cannot read {path}: {exc.strerror}") from exc
        try:
            report = recommendation_import(
                sources=sources,
                fmt=options["format"],
                dry_run=options["dry_run"],
                encoding=options["encoding"],
                progress=sys.stderr.isatty(),
            )
        except MalformedFileError as exc:
            raise CommandError(f"Nothing imported: {exc}.") from exc
        for line in report.summary_lines():
            self.stdout.write(line)
        rejected = report.rejected_lines()
        for line in rejected[:SHOWN_REJECTIONS]:
            self.stdout.write(f"  rejected: {line}")
        if len(rejected) > SHOWN_REJECTIONS:
            more = "; see --report" if not options["report"] else ""
            self.stdout.write(f"  … and {len(rejected) - SHOWN_REJECTIONS} more rejected rows{more}")
        if options["report"]:
            report.write(options["report"])
            self.stdout.write(f"Report of every row: {options['report']}")
