"""The peer: the benchmark's recommendations in SQLite with FTS5, served by Datasette, timed beside our API.

Datasette is the well-known way to publish a table read-only with filters, full-text search and JSON, so it
says what "fast" means for the same questions on the same rows and the same machine. Differences to keep in
mind when reading the figures: Datasette serves one flat table (the lists are denormalised into text
columns), pages by keyset (`_next`, where our API counts pages by offset), and its `_search` filters by
FTS5 but keeps the table's order (our API ranks by relevance and builds a snippet).

1. build_sqlite(): one flat table `recommendations` (indexes on state_under_review and cycle) and an FTS5
   index on its text, from PostgreSQL through a server-side cursor (memory: one batch); kept in
   var/bench/ (a file per database) and rebuilt only when PostgreSQL's count, last id or sum of review ids differ.
2. datasette_server(): `datasette serve` on a free loopback port, the file opened immutable (read-only,
   as a published dataset is), page size 50 like our API, no facet suggestions (our API makes none).
3. peer_cases(): the Datasette URL of each API case that has one.
"""

import contextlib
import os
import random
import sqlite3
import sys
import time
from collections.abc import Callable
from pathlib import Path

from django.db import connection
from django.db.models import Count, Max, Sum

from apps.recommendations.models import Recommendation
from bench.servers import free_port, running

_BATCH = 10_000

_SELECT = """
    SELECT r.id, su.iso3, su.name, se.number, cy.number, r.paragraph, r.text, r.response, r.action_category,
           (SELECT string_agg(m.iso3, ';' ORDER BY m.iso3)
              FROM recommendations_recommendation_recommending_states l
              JOIN states_memberstate m ON m.id = l.memberstate_id WHERE l.recommendation_id = r.id),
           (SELECT string_agg(t.scheme || ':' || t.code, ';' ORDER BY t.scheme, t.code)
              FROM recommendations_recommendation_themes l
              JOIN recommendations_theme t ON t.id = l.theme_id WHERE l.recommendation_id = r.id)
    FROM recommendations_recommendation r
    JOIN reviews_review rv ON rv.id = r.review_id
    JOIN states_memberstate su ON su.id = rv.state_under_review_id
    JOIN reviews_session se ON se.id = rv.session_id
    JOIN reviews_cycle cy ON cy.id = se.cycle_id
    ORDER BY r.id
"""
_SCHEMA = """
    CREATE TABLE recommendations (
        id INTEGER PRIMARY KEY, state_under_review TEXT, state_under_review_name TEXT, session INTEGER,
        cycle INTEGER, paragraph TEXT, text TEXT, response TEXT, action_category INTEGER,
        recommending_states TEXT, themes TEXT
    );
"""


def build_sqlite(path: Path, *, log: Callable[[str], None] = print) -> dict[str, float | int]:
    """Write (or keep) the SQLite copy of every recommendation; returns its rows and the seconds it took."""
    # What the copy was made from: a re-seeded database with as many rows has other reviews.
    source = Recommendation.objects.aggregate(rows=Count("pk"), top=Max("pk"), reviews=Sum("review_id"))
    # PostgreSQL sums a bigint column as numeric (a Decimal), which SQLite cannot store: compare as integers.
    expected = tuple(int(source[key] or 0) for key in ("rows", "top", "reviews"))
    if path.exists():
        with contextlib.closing(sqlite3.connect(path)) as existing, contextlib.suppress(sqlite3.Error):
            if existing.execute("SELECT rows, top, reviews FROM peer_source").fetchone() == expected:
                return {"rows": expected[0], "seconds": 0.0, "reused": 1}
        path.unlink()
    path.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    partial = path.with_suffix(".part")
    partial.unlink(missing_ok=True)
    with contextlib.closing(sqlite3.connect(partial)) as target:
        target.execute("PRAGMA journal_mode = OFF")
        target.execute("PRAGMA synchronous = OFF")
        target.executescript(_SCHEMA)
        rows = 0
        with connection.chunked_cursor() as cursor:  # server-side: one batch in memory
            cursor.execute(_SELECT)
            while batch := cursor.fetchmany(_BATCH):
                target.executemany(f"INSERT INTO recommendations VALUES ({', '.join('?' * 11)})", batch)
                rows += len(batch)
                if rows % 100_000 < _BATCH:
                    log(f"  SQLite copy: {rows:,} rows")
        target.executescript(
            """
            CREATE INDEX recommendations_state ON recommendations (state_under_review);
            CREATE INDEX recommendations_cycle ON recommendations (cycle);
            CREATE VIRTUAL TABLE recommendations_fts USING FTS5 (text, content=[recommendations], content_rowid=id);
            INSERT INTO recommendations_fts (recommendations_fts) VALUES ('rebuild');
            ANALYZE;
            """
        )
        target.execute("CREATE TABLE peer_source (rows INTEGER, top INTEGER, reviews INTEGER)")
        target.execute("INSERT INTO peer_source VALUES (?, ?, ?)", expected)
        target.commit()
    partial.rename(path)
    return {"rows": rows, "seconds": round(time.monotonic() - started, 1), "reused": 0}


def datasette_server(path: Path, *, log_dir: Path) -> contextlib.AbstractContextManager[int]:
    """Datasette on a free loopback port serving `path` (immutable), as `datasette serve -i` publishes a file."""
    try:
        import datasette  # noqa: F401
    except ImportError as exc:
        raise RuntimeError(
            "--peer needs Datasette, a development dependency: .venv/bin/python -m pip install -e '.[dev]'"
        ) from exc
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "datasette",
        "serve",
        "-i",
        str(path),
        "-h",
        "127.0.0.1",
        "-p",
        str(port),
        "--setting",
        "default_page_size",
        "50",
        "--setting",
        "suggest_facets",
        "off",
        "--setting",
        "sql_time_limit_ms",
        "10000",
    ]
    return running(
        command,
        env={**os.environ},
        port=port,
        ready_path=f"/{path.stem}/recommendations.json?_size=1",
        log=log_dir / "datasette.log",
    )


def peer_cases(path: Path, ids: list[int]) -> dict[str, list[str]]:
    """Datasette's URL(s) for each API case it can answer, the same questions as bench/scale.py's cases."""
    table = f"/{path.stem}/recommendations.json"
    objects = "_shape=objects&_size=50"
    with contextlib.closing(sqlite3.connect(path)) as db:
        row = db.execute("SELECT id FROM recommendations ORDER BY id LIMIT 1 OFFSET 2449").fetchone()
    after_page_49 = row[0] if row else 0
    return {
        "list, unfiltered": [f"{table}?{objects}"],
        "list, page 50": [f"{table}?{objects}&_next={after_page_49}"],
        "filter: state under review": [
            f"{table}?{objects}&state_under_review={c}" for c in ("CHN", "USA", "FRA", "BRA")
        ],
        "filter: cycle": [f"{table}?{objects}&cycle={n}" for n in (1, 2, 3, 4)],
        "search q, rare term": [f"{table}?{objects}&_search=refoulement"],
        "search q, common term": [f"{table}?{objects}&_search=women"],
        "detail": [f"/{path.stem}/recommendations/{pk}.json?_shape=objects" for pk in ids],
    }


def sample_ids(count: int, rng: random.Random) -> list[int]:
    """`count` existing recommendation ids drawn at random, without loading every id (a million is 40 MB)."""
    low, high = (
        Recommendation.objects.order_by("pk").values_list("pk", flat=True).first() or 0,
        Recommendation.objects.order_by("-pk").values_list("pk", flat=True).first() or 0,
    )
    found: set[int] = set()
    for _ in range(50):
        candidates = {rng.randint(low, high) for _ in range(count * 2)}
        found |= set(Recommendation.objects.filter(pk__in=candidates).values_list("pk", flat=True))
        if len(found) >= count:
            break
    return sorted(found)[:count] if len(found) <= count else rng.sample(sorted(found), count)
