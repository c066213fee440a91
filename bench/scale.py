"""The scale benchmark: seed PostgreSQL to N recommendations, then time the API, the import, an export and
the reminder sweep. `python manage.py benchmark` runs it (see the README, "Import, export and benchmark").

1. Seed: the reference data, the five UPR Info files through the importer (timed: the import rate),
   then synthetic recommendations up to N: real UPR Info texts and their issues, copied into the
   reviews of sessions 21–54 (14 states a session, each state once a cycle), marked as synthetic in
   `text_source`. Written in bulk without history: this is test data, not an import.
2. API: each list (unfiltered, by state, cycle, theme; `q` with a rare and a common term) and the
   detail, through Django's full stack (middleware, DRF, serializers) in process: p50/p95/p99 of
   `--requests` requests, the queries per request, and the same queries replayed as raw SQL.
3. Export: `export_recommendations --format csv|json|xlsx --output FILE` of every row in a child process
   (the prebuilt files' path): time, size and peak memory.
4. Reminders: `reminder_sweep` over `--subscriptions` subscriptions, all due, then again with none new.
"""

import datetime as dt
import os
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.recommendations.importers import ImportSource, recommendation_import
from apps.recommendations.models import Recommendation
from apps.reviews.models import Cycle, Deadline, Review, Session
from apps.states.models import MemberState
from apps.vocabulary.models import Theme
from bench.seed import seed_synthetic

__all__ = ["seed_synthetic"]

BENCH_PREFIX = "bench-sweep-"


@dataclass
class CaseResult:
    name: str
    path: str
    p50_ms: float
    p95_ms: float
    p99_ms: float
    queries: int
    raw_sql_p50_ms: float
    ratio: float
    rows: int | None = None
    # Over HTTP (--http: gunicorn, production settings) and the peer (--peer: Datasette), same paths or questions.
    http_p50_ms: float | None = None
    http_p95_ms: float | None = None
    http_p99_ms: float | None = None
    peer_p50_ms: float | None = None
    peer_p95_ms: float | None = None
    peer_p99_ms: float | None = None


@dataclass
class BenchResult:
    database: str
    recommendations: int
    requests_per_case: int
    started_at: str
    seed: dict[str, Any] = field(default_factory=dict)
    import_upr_info: dict[str, Any] = field(default_factory=dict)
    cases: list[CaseResult] = field(default_factory=list)
    export: dict[str, Any] = field(default_factory=dict)
    reminder_sweep: dict[str, Any] = field(default_factory=dict)
    peer: dict[str, Any] = field(default_factory=dict)


def _percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


# -- seeding --------------------------------------------------------------------------------------
def import_upr_info(data_dir: Path) -> dict[str, Any]:
    files = sorted((data_dir / "upr-info-export-2008-2014").glob("sessions-*.csv"))
    if not files:
        return {"skipped": f"no UPR Info files in {data_dir}"}
    sources = [ImportSource(path.name, path.read_bytes()) for path in files]
    report = recommendation_import(sources=sources)
    return {
        "files": len(files),
        "rows": report.rows_read,
        **report.counts,
        "duplicates": report.duplicates,
        "seconds": round(report.seconds, 2),
        "rows_per_second": round(report.rows_read / report.seconds),
        "phases": {name: round(seconds, 2) for name, seconds in report.phases.items()},
    }


# -- API ------------------------------------------------------------------------------------------
def _time_case(client: Client, name: str, paths: list[str], requests: int) -> CaseResult:
    for path in paths[:3]:  # warm up: caches, prepared plans, imports
        assert client.get(path).status_code == 200, path
    samples: list[float] = []
    for index in range(requests):
        path = paths[index % len(paths)]
        started = time.perf_counter()
        response = client.get(path)
        samples.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"{path}: HTTP {response.status_code}")
    with CaptureQueriesContext(connection) as captured:
        response = client.get(paths[0])
    sqls = [query["sql"] for query in captured.captured_queries]
    raw: list[float] = []
    with connection.cursor() as cursor:
        for _ in range(min(requests, 50)):
            started = time.perf_counter()
            for sql in sqls:
                cursor.execute(sql)
                cursor.fetchall()
            raw.append((time.perf_counter() - started) * 1000)
    rows = None
    data = response.json() if response.get("Content-Type", "").startswith("application/json") else None
    if isinstance(data, dict) and "count" in data:
        rows = data["count"]
    p50, raw_p50 = statistics.median(samples), statistics.median(raw)
    return CaseResult(
        name=name,
        path=paths[0],
        p50_ms=round(p50, 2),
        p95_ms=round(_percentile(samples, 95), 2),
        p99_ms=round(_percentile(samples, 99), 2),
        queries=len(sqls),
        raw_sql_p50_ms=round(raw_p50, 2),
        ratio=round(p50 / raw_p50, 2) if raw_p50 else 0.0,
        rows=rows,
    )


def api_case_paths(ids: list[int]) -> dict[str, list[str]]:
    """Each API case's path(s); `ids` are the recommendations the detail case asks for."""
    api = "/api/v1/recommendations/"
    theme = "womens-rights" if Theme.objects.filter(code="womens-rights").exists() else "G5"
    return {
        "list, unfiltered": [api],
        "list, page 50": [f"{api}?page=50"],
        "filter: state under review": [f"{api}?state_under_review={c}" for c in ("CHN", "USA", "FRA", "BRA")],
        "filter: cycle": [f"{api}?cycle={n}" for n in (1, 2, 3, 4)],
        "filter: theme": [f"{api}?theme={theme}"],
        "filter: state + cycle + theme": [f"{api}?state_under_review=CHN&cycle=2&theme=G5"],
        "search q, rare term": [f"{api}?q=refoulement"],
        "search q, common term": [f"{api}?q=women"],
        "detail": [f"{api}{pk}/" for pk in ids],
    }


def detail_ids(paths: dict[str, list[str]]) -> list[int]:
    return [int(path.rstrip("/").rsplit("/", 1)[1]) for path in paths["detail"]]


def api_cases(paths: dict[str, list[str]], requests: int) -> list[CaseResult]:
    """Each case through Django's whole stack in this process, and its queries replayed as raw SQL."""
    from rest_framework.throttling import SimpleRateThrottle

    # The benchmark measures the API, not its rate limit (120 anonymous requests a minute).
    SimpleRateThrottle.THROTTLE_RATES = {**SimpleRateThrottle.THROTTLE_RATES, "anon": None, "user": None}
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    return [_time_case(client, name, case_paths, requests) for name, case_paths in paths.items()]


# -- export ---------------------------------------------------------------------------------------
def export_memory(fmt: str = "csv") -> dict[str, Any]:
    """Export every recommendation in `fmt` to a file, as the prebuilt downloads are written, in a child
    process that reports its own peak memory (VmHWM); the file is deleted after."""
    folder = Path(settings.BASE_DIR) / "var" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    output = folder / f"export.{fmt}"
    started = time.monotonic()
    try:
        child = subprocess.run(
            [
                sys.executable,
                "manage.py",
                "export_recommendations",
                "--format",
                fmt,
                "--output",
                str(output),
                "--stats",
            ],
            cwd=settings.BASE_DIR,
            env={**os.environ, "DJANGO_DEBUG": "false"},
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        output.unlink(missing_ok=True)
    if child.returncode:
        raise RuntimeError(f"export_recommendations failed: {child.stderr[-2000:]}")
    stats = dict(item.split("=", 1) for item in child.stderr.strip().splitlines()[-1].split())
    return {
        "rows": Recommendation.objects.count(),
        "seconds": round(time.monotonic() - started, 1),
        "bytes": int(stats["bytes"]),
        "peak_rss_mb": float(stats["peak_rss_mb"]),
    }


# -- reminders ------------------------------------------------------------------------------------
def reminder_sweep_time(subscriptions: int) -> dict[str, Any]:
    """The sweep over `subscriptions` subscriptions to a review whose deadline is 6 hours away.

    First sweep: every subscription has its 1-day reminder due (deliveries created, batches enqueued);
    second sweep: nothing new (the steady state every few minutes). Everything seeded is deleted after.
    """
    from apps.accounts.models import ConfirmedEmail
    from apps.reminders.models import Subscription
    from apps.reminders.services import reminder_sweep

    users = get_user_model()
    state, _ = MemberState.objects.get_or_create(
        iso3="XZB", defaults={"name": "Benchland", "regional_group": MemberState.RegionalGroup.WESTERN_EUROPEAN_OTHERS}
    )
    session, _ = Session.objects.get_or_create(number=9999, defaults={"cycle": Cycle.objects.order_by("-number")[0]})
    review, _ = Review.objects.get_or_create(state_under_review=state, session=session)
    deadline = Deadline.objects.create(
        review=review, kind=Deadline.Kind.STAKEHOLDER_SUBMISSION, due_at=timezone.now() + dt.timedelta(hours=6)
    )
    try:
        made = users.objects.bulk_create(
            [
                users(username=f"{BENCH_PREFIX}{n}", email=f"{BENCH_PREFIX}{n}@example.org")
                for n in range(subscriptions)
            ],
            batch_size=5000,
        )
        Subscription.objects.bulk_create(
            [Subscription(user=user, review=review, lead_days=[30, 7, 1]) for user in made], batch_size=5000
        )
        # Reminders go only to confirmed addresses (apps/accounts): the seeded readers have confirmed theirs.
        ConfirmedEmail.objects.bulk_create(
            [
                ConfirmedEmail(
                    user=user, email=user.email, method=ConfirmedEmail.Method.STAFF, confirmed_at=timezone.now()
                )
                for user in made
            ],
            batch_size=5000,
        )
        batches: list[list[int]] = []
        started = time.perf_counter()
        first = reminder_sweep(dispatch=batches.append)
        due = time.perf_counter() - started
        started = time.perf_counter()
        second = reminder_sweep(dispatch=batches.append)
        steady = time.perf_counter() - started
    finally:
        Subscription.objects.filter(review=review).delete()
        users.objects.filter(username__startswith=BENCH_PREFIX).delete()
        deadline.delete()
        review.delete()
        session.delete()
        state.delete()
    return {
        "subscriptions": subscriptions,
        "all_due_seconds": round(due, 2),
        "all_due": str(first),
        "steady_seconds": round(steady, 3),
        "steady": str(second),
    }


def memory_now_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def as_json(result: BenchResult) -> dict[str, Any]:
    return asdict(result)
