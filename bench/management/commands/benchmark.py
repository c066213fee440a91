"""python manage.py benchmark [--size 250000] [--requests 200] [--subscriptions 100000] [--json FILE] [--only-api]
                            [--http] [--peer]

Seeds the database (PostgreSQL: use a database of its own) and prints the scale benchmark's table;
see bench/scale.py for what each figure measures, bench/servers.py (--http: the production server,
gunicorn) and bench/peer.py (--peer: the same rows in SQLite with FTS5, served by Datasette).
A development command: the `bench` app is installed by the local and test settings, never in production.
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
from bench import peer, scale, servers

TARGETS_MS = {"list": 25.0, "filter": 25.0, "search": 50.0, "detail": 10.0}


def _target(name: str) -> float:
    for prefix, target in TARGETS_MS.items():
        if name.startswith(prefix):
            return target
    return TARGETS_MS["list"]


def _pair(p50: float | None, p95: float | None) -> str:
    return "–" if p50 is None or p95 is None else f"{p50:.1f} / {p95:.1f}"


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
            "--export-formats",
            default="csv,json,xlsx",
            help="formats of the whole-record export to time (csv,json,xlsx)",
        )
        parser.add_argument(
            "--only-api",
            action="store_true",
            help="time the API cases only, on the database as it is (no reference data, import, seeding, export, sweep)",
        )
        parser.add_argument(
            "--http",
            action="store_true",
            help="also time each case over HTTP: gunicorn (gunicorn.conf.py, production settings) on a free loopback port",
        )
        parser.add_argument(
            "--peer",
            action="store_true",
            help="also time the same questions against Datasette serving the same rows from SQLite with FTS5",
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
        out(f"API cases, {options['requests']} requests each, in process …")
        paths = scale.api_case_paths(peer.sample_ids(200, random.Random(7)))
        result.cases = scale.api_cases(paths, options["requests"])
        log_dir = Path(settings.BASE_DIR) / "var" / "bench"
        if options["http"]:
            out("The same over HTTP: gunicorn with the production settings on loopback …")
            with servers.production_server(log_dir=log_dir) as port:
                self.time_server(port, result.cases, paths, options["requests"], "http")
        if options["peer"]:
            path = log_dir / f"peer-{connection.settings_dict['NAME']}.sqlite3"
            out(f"The peer: the same rows in SQLite with FTS5 ({path}) …")
            result.peer = peer.build_sqlite(path, log=out)
            out(f"  {result.peer}")
            with peer.datasette_server(path, log_dir=log_dir) as port:
                paths = peer.peer_cases(path, scale.detail_ids(paths))
                self.time_server(port, [c for c in result.cases if c.name in paths], paths, options["requests"], "peer")
        if not options["skip_export"]:
            for fmt in options["export_formats"].split(","):
                out(f"Export of every row as {fmt.upper()} to a file (child process) …")
                result.export[fmt] = scale.export_memory(fmt)
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

    def time_server(
        self, port: int, cases: list[scale.CaseResult], paths: dict[str, list[str]], requests: int, prefix: str
    ) -> None:
        client = servers.Client(port)
        try:
            for case in cases:
                timing = servers.time_paths(client, paths[case.name], requests)
                setattr(case, f"{prefix}_p50_ms", timing.p50_ms)
                setattr(case, f"{prefix}_p95_ms", timing.p95_ms)
                setattr(case, f"{prefix}_p99_ms", timing.p99_ms)
                self.stdout.write(f"  {case.name}: p50 {timing.p50_ms} ms, p95 {timing.p95_ms} ms")
        finally:
            client.close()

    def print_table(self, result: scale.BenchResult) -> None:
        out = self.stdout.write
        out("")
        out(
            f"{result.recommendations:,} recommendations on {result.database}; {result.requests_per_case} requests a case"
        )
        out("")
        out(
            "| API case | in process p50 / p95 ms | target p95 | queries | raw SQL p50 ms | ratio "
            "| HTTP (gunicorn) p50 / p95 ms | peer (Datasette) p50 / p95 ms |"
        )
        out("|---|---:|---:|---:|---:|---:|---:|---:|")
        for case in result.cases:
            out(
                f"| {case.name} | {case.p50_ms:.1f} / {case.p95_ms:.1f} | ≤ {_target(case.name):.0f} | {case.queries} "
                f"| {case.raw_sql_p50_ms:.1f} | {case.ratio:.1f}× | {_pair(case.http_p50_ms, case.http_p95_ms)} "
                f"| {_pair(case.peer_p50_ms, case.peer_p95_ms)} |"
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
        for fmt, exp in result.export.items():
            out(
                f"Export of {exp['rows']:,} rows as {fmt.upper()}: {exp['seconds']} s, {exp['bytes'] / 1e6:.1f} MB, "
                f"peak memory {exp['peak_rss_mb']} MB"
            )
        if result.reminder_sweep:
            sweep = result.reminder_sweep
            out(
                f"Reminder sweep, {sweep['subscriptions']:,} subscriptions: all due {sweep['all_due_seconds']} s; "
                f"nothing new {sweep['steady_seconds']} s"
            )
