"""python manage.py benchmark [--size 250000] [--requests 200] [--subscriptions 100000] [--json FILE] [--only-api]

Seeds the database (PostgreSQL: use a database of its own) and prints the scale benchmark's table;
see bench/scale.py for what each figure measures.
"""

import json
import random
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.utils import timezone

from apps.recommendations.models import Recommendation
from apps.vocabulary.models import Theme
from bench import scale

TARGETS_MS = {"list": 25.0, "filter": 25.0, "search": 50.0, "detail": 10.0}


def _target(name: str) -> float:
    for prefix, target in TARGETS_MS.items():
        if name.startswith(prefix):
            return target
    return TARGETS_MS["list"]


class Command(BaseCommand):
    help = "Seed to N recommendations and measure the API, the import, an export and the reminder sweep."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--size", type=int, default=250_000, help="recommendations to seed to (default 250000)")
        parser.add_argument("--requests", type=int, default=200, help="timed requests per API case (default 200)")
        parser.add_argument("--subscriptions", type=int, default=100_000, help="for the reminder sweep (0: skip)")
        parser.add_argument("--json", type=Path, default=Path("var/benchmark.json"), help="where to write the results")
        parser.add_argument("--data-dir", type=Path, default=settings.SHARED_DATA_DIR)
        parser.add_argument("--skip-export", action="store_true")
        parser.add_argument(
            "--only-api",
            action="store_true",
            help="time the API cases only, on the database as it is (no reference data, import, seeding, export, sweep)",
        )
        parser.add_argument("--allow-sqlite", action="store_true", help="run on SQLite anyway (figures not comparable)")

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql" and not options["allow_sqlite"]:
            raise CommandError(
                "The benchmark measures PostgreSQL: set DATABASE_URL=postgres://…/upr_bench (a database of its own)."
            )
        out = self.stdout.write
        result = scale.BenchResult(
            database=f"{connection.vendor} {connection.settings_dict['NAME']}",
            recommendations=0,
            requests_per_case=options["requests"],
            started_at=timezone.now().isoformat(),
        )
        if options["only_api"]:
            options["skip_export"], options["subscriptions"] = True, 0
        else:
            self.seed(result, options)
        result.recommendations = Recommendation.objects.count()
        out(f"API cases, {options['requests']} requests each …")
        result.cases = scale.api_cases(options["requests"], random.Random(7))
        if not options["skip_export"]:
            out("Export of every row as CSV (child process) …")
            result.export = scale.export_memory()
        if options["subscriptions"]:
            out(f"Reminder sweep over {options['subscriptions']:,} subscriptions …")
            result.reminder_sweep = scale.reminder_sweep_time(options["subscriptions"])
        self.print_table(result)
        options["json"].parent.mkdir(parents=True, exist_ok=True)
        options["json"].write_text(json.dumps(scale.as_json(result), indent=1) + "\n")
        out(f"Results written to {options['json']}")

    def seed(self, result: scale.BenchResult, options: dict[str, Any]) -> None:
        out = self.stdout.write
        out("Reference data …")
        call_command("load_reference_data", verbosity=0)
        if not Theme.objects.filter(scheme=Theme.Scheme.UPR_INFO).exists():
            out("Importing the five UPR Info files (timed) …")
            result.import_upr_info = scale.import_upr_info(options["data_dir"])
        else:
            out("UPR Info rows already present: timing a re-import (every row unchanged) …")
            result.import_upr_info = {"reimport": True, **scale.import_upr_info(options["data_dir"])}
        out(f"  {result.import_upr_info}")
        out(f"Seeding to {options['size']:,} recommendations …")
        result.seed = scale.seed_synthetic(options["size"], log=out)

    def print_table(self, result: scale.BenchResult) -> None:
        out = self.stdout.write
        out("")
        out(
            f"{result.recommendations:,} recommendations on {result.database}; {result.requests_per_case} requests a case"
        )
        out("")
        out("| API case | p50 ms | p95 ms | p99 ms | target p95 | queries | raw SQL p50 ms | ratio |")
        out("|---|---:|---:|---:|---:|---:|---:|---:|")
        for case in result.cases:
            out(
                f"| {case.name} | {case.p50_ms:.1f} | {case.p95_ms:.1f} | {case.p99_ms:.1f} | ≤ {_target(case.name):.0f} "
                f"| {case.queries} | {case.raw_sql_p50_ms:.1f} | {case.ratio:.1f}× |"
            )
        out("")
        imp = result.import_upr_info
        if "rows" in imp:
            out(
                f"Import of the UPR Info files: {imp['rows']:,} rows in {imp['seconds']} s "
                f"({imp['rows_per_second']:,} rows/s); created {imp['created']}, updated {imp['updated']}, "
                f"unchanged {imp['unchanged']} ({imp['duplicates']} duplicates), rejected {imp['rejected']}"
                + (" — a re-import" if imp.get("reimport") else "")
            )
        if result.export:
            exp = result.export
            out(f"Export of {exp['rows']:,} rows as CSV: {exp['seconds']} s, peak memory {exp['peak_rss_mb']} MB")
        if result.reminder_sweep:
            sweep = result.reminder_sweep
            out(
                f"Reminder sweep, {sweep['subscriptions']:,} subscriptions: all due {sweep['all_due_seconds']} s; "
                f"nothing new {sweep['steady_seconds']} s"
            )
