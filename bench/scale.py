"""The scale benchmark: seed PostgreSQL to N recommendations, then time the API, the import, an export and
the reminder sweep. `python manage.py benchmark` runs it (see the README, "Import, export and benchmark").

1. Seed: the reference data, the five UPR Info files through the importer (timed: the import rate),
   then synthetic recommendations up to N: real UPR Info texts and their issues, copied into the
   reviews of sessions 21–54 (14 states a session, each state once a cycle), marked as synthetic in
   `text_source`. Written in bulk without history: this is test data, not an import.
2. API: each list (unfiltered, by state, cycle, theme; `q` with a rare and a common term) and the
   detail, through Django's full stack (middleware, DRF, serializers) in process: p50/p95/p99 of
   `--requests` requests, the queries per request, and the same queries replayed as raw SQL.
3. Export: `export_recommendations --format csv` of every row in a child process: time and peak memory.
4. Reminders: `reminder_sweep` over `--subscriptions` subscriptions, all due, then again with none new.
"""

import datetime as dt
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.recommendations.importers import ImportSource, recommendation_import
from apps.recommendations.importers.service import StatesThrough, ThemesThrough, _insert_links
from apps.recommendations.models import Recommendation
from apps.recommendations.services import recommendation_search_refresh
from apps.reviews.calendar_rules import cycle_number_for_session
from apps.reviews.models import Cycle, Deadline, Review, Session
from apps.states.models import MemberState
from apps.vocabulary.models import Theme

SYNTHETIC_SOURCE = "benchmark: synthetic copy of a UPR Info text"
SYNTHETIC_SESSIONS = range(21, 55)
STATES_PER_SESSION = 14
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


def _synthetic_reviews(rng: random.Random) -> list[Review]:
    """Reviews for sessions 21–54: each state once a cycle, 14 a session (like the UPR's calendar)."""
    cycles = {cycle.number: cycle for cycle in Cycle.objects.all()}
    states = list(MemberState.objects.filter(is_observer=False).order_by("iso3"))
    existing = set(Review.objects.values_list("state_under_review_id", "session__number"))
    reviews: list[Review] = []
    order: list[MemberState] = []
    for number in SYNTHETIC_SESSIONS:
        session = Session.objects.filter(number=number).first()
        if session is None:
            session = Session.objects.create(number=number, cycle=cycles[cycle_number_for_session(number)])
        for _ in range(STATES_PER_SESSION):
            if not order:
                order = states[:]
                rng.shuffle(order)
            state = order.pop()
            if (state.pk, number) in existing:
                continue
            reviews.append(
                Review.objects.create(state_under_review=state, session=session, status=Review.Status.COMPLETED)
            )
            existing.add((state.pk, number))
    return reviews


def seed_synthetic(target: int, *, seed: int = 2026, log: Callable[[str], None] = print) -> dict[str, Any]:
    """Add synthetic recommendations until there are `target`; returns what was added."""
    missing = target - Recommendation.objects.count()
    if missing <= 0:
        return {"added": 0}
    rng = random.Random(seed)
    started = time.monotonic()
    templates = list(
        Recommendation.objects.filter(themes__scheme=Theme.Scheme.UPR_INFO)
        .distinct()
        .values_list("id", "text", "fingerprint", "response", "action_category")
    )
    if not templates:
        templates = list(Recommendation.objects.values_list("id", "text", "fingerprint", "response", "action_category"))
    themes_of: dict[int, list[int]] = {}
    for rec_id, theme_id in ThemesThrough.objects.values_list("recommendation_id", "theme_id"):
        themes_of.setdefault(rec_id, []).append(theme_id)
    state_ids = list(MemberState.objects.values_list("id", flat=True))
    with transaction.atomic():
        reviews = _synthetic_reviews(rng)
    per_review = -(-missing // len(reviews))
    now = timezone.now()
    added = 0
    for offset in range(0, len(reviews), 20):
        batch_reviews = reviews[offset : offset + 20]
        objs: list[Recommendation] = []
        picks: list[tuple[int, Review]] = []
        for review in batch_reviews:
            for _ in range(min(per_review, missing - added - len(objs))):
                template_id, text, fingerprint, response, action = rng.choice(templates)
                objs.append(
                    Recommendation(
                        review=review,
                        text=text,
                        text_source=SYNTHETIC_SOURCE,
                        response=response,
                        action_category=action,
                        fingerprint=fingerprint,
                        created_at=now,
                        updated_at=now,
                    )
                )
                picks.append((template_id, review))
        if not objs:
            break
        with transaction.atomic():
            created = Recommendation.objects.bulk_create(objs, batch_size=5000)
            links: list[tuple[int, int]] = []
            for rec in created:
                first = rng.choice(state_ids)
                links.append((rec.pk, first))
                if rng.random() < 0.05:  # a few joint recommendations, as in the OHCHR matrices
                    second = rng.choice(state_ids)
                    if second != first:
                        links.append((rec.pk, second))
            _insert_links(StatesThrough, links)
            _insert_links(
                ThemesThrough,
                [
                    (rec.pk, theme_id)
                    for rec, (template_id, _) in zip(created, picks, strict=True)
                    for theme_id in themes_of.get(template_id, [])
                ],
            )
            recommendation_search_refresh(recommendations=Recommendation.objects.filter(pk__in=[r.pk for r in created]))
        added += len(created)
        log(f"  seeded {added:,} / {missing:,}")
    # Autovacuum may be off (it is on this project's CI machines): without VACUUM the bulk writes leave
    # dead rows that send index-only scans back to the table and skew every figure that follows.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    return {"added": added, "reviews": len(reviews), "seconds": round(time.monotonic() - started, 1)}


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


def api_cases(requests: int, rng: random.Random) -> list[CaseResult]:
    from rest_framework.throttling import SimpleRateThrottle

    # The benchmark measures the API, not its rate limit (120 anonymous requests a minute).
    SimpleRateThrottle.THROTTLE_RATES = {**SimpleRateThrottle.THROTTLE_RATES, "anon": None, "user": None}
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    api = "/api/v1/recommendations/"
    theme = "womens-rights" if Theme.objects.filter(code="womens-rights").exists() else "G5"
    ids = rng.sample(list(Recommendation.objects.values_list("id", flat=True)), 200)
    cases = [
        ("list, unfiltered", [api]),
        ("list, page 50", [f"{api}?page=50"]),
        ("filter: state under review", [f"{api}?state_under_review={c}" for c in ("CHN", "USA", "FRA", "BRA")]),
        ("filter: cycle", [f"{api}?cycle={n}" for n in (1, 2, 3, 4)]),
        ("filter: theme", [f"{api}?theme={theme}"]),
        ("filter: state + cycle + theme", [f"{api}?state_under_review=CHN&cycle=2&theme=G5"]),
        ("search q, rare term", [f"{api}?q=refoulement"]),
        ("search q, common term", [f"{api}?q=women"]),
        ("detail", [f"{api}{pk}/" for pk in ids]),
    ]
    return [_time_case(client, name, paths, requests) for name, paths in cases]


# -- export ---------------------------------------------------------------------------------------
def export_memory() -> dict[str, Any]:
    """Export every recommendation as CSV in a child process, which reports its own peak memory (VmHWM)."""
    started = time.monotonic()
    child = subprocess.run(
        [sys.executable, "manage.py", "export_recommendations", "--format", "csv", "--output", os.devnull, "--stats"],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DJANGO_DEBUG": "false"},
        capture_output=True,
        text=True,
        check=False,
    )
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
