"""Synthetic recommendations for the benchmark, written with PostgreSQL's COPY in bounded batches.

Real UPR Info texts with their issues, copied into reviews of sessions 21–54 (14 states a session, each
state once a cycle), 5 % with two recommending states, marked in `text_source` as synthetic. This is test
data, not an import: it skips the importer's checks and the history, and goes in as fast as PostgreSQL
takes it (COPY; a million rows in a few minutes, with memory bounded by one batch).

Each batch:
1. reserves a block of ids from the table's identity sequence (so the links can name them),
2. COPYs the recommendations, then their state and theme links,
3. fills their search vectors with the service that keeps them (recommendation_search_refresh), and commits.
"""

import io
import random
import time
from collections.abc import Callable, Iterable
from typing import Any

from django.db import connection, transaction
from django.db.models import Field
from django.utils import timezone

from apps.recommendations.models import Recommendation, RecommendationTheme
from apps.recommendations.services import recommendation_search_refresh
from apps.reviews.calendar_rules import cycle_number_for_session
from apps.reviews.models import Cycle, Review, Session
from apps.states.models import MemberState
from apps.vocabulary.models import Theme

SYNTHETIC_SOURCE = "benchmark: synthetic copy of a UPR Info text"
SYNTHETIC_SESSIONS = range(21, 55)
STATES_PER_SESSION = 14
# Rows per COPY batch: ~10 MB of text in memory at most, whatever --size is.
BATCH = 20_000
# The recommendation columns COPY writes; the others take the model's defaults (below).
_COLUMNS = ("id", "review_id", "text", "text_source", "response", "action_category", "fingerprint")
_DEFAULTED = (
    "paragraph",
    "text_status",
    "response_label",
    "response_source",
    "affected_persons",
    "source_document",
    "note",
    "verification",
    "errata_applied",
)


def _copy_text(value: Any) -> str:
    """A value in COPY's text format: \\N for NULL, and backslash, tab, newline and CR escaped."""
    if value is None:
        return r"\N"
    text = value if isinstance(value, str) else str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _copy(table: str, columns: Iterable[str], lines: io.StringIO) -> None:
    lines.seek(0)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", lines)


def _defaults() -> dict[str, str]:
    """Each defaulted column's model default, in COPY's text format (JSON for errata_applied)."""
    import json

    values: dict[str, str] = {}
    for name in _DEFAULTED:
        field = Recommendation._meta.get_field(name)
        assert isinstance(field, Field)
        default = field.get_default()
        values[name] = _copy_text(json.dumps(default) if name == "errata_applied" else default)
    return values


def _synthetic_reviews(rng: random.Random) -> list[Review]:
    """Reviews for sessions 21–54: each state once a cycle, 14 a session (like the UPR's calendar); those made
    by an earlier seeding included."""
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
    # Growing an already seeded database (--size 1000000 after 250000): the synthetic reviews made last time take
    # rows too (not the real ones of these sessions, China's 2018 and 2024 reviews).
    made = {review.pk for review in reviews}
    earlier = (
        Review.objects.filter(session__number__in=SYNTHETIC_SESSIONS, recommendations__text_source=SYNTHETIC_SOURCE)
        .exclude(pk__in=made)
        .distinct()
        .order_by("pk")
    )
    return [*reviews, *earlier]


def _reserve_ids(count: int) -> int:
    """The first of `count` consecutive ids taken from the recommendations' identity sequence."""
    table = Recommendation._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence(%s, 'id'), nextval(pg_get_serial_sequence(%s, 'id')) + %s - 1)",
            [table, table, count],
        )
        last = cursor.fetchone()[0]
    return int(last) - count + 1


def seed_synthetic(target: int, *, seed: int = 2026, log: Callable[[str], None] = print) -> dict[str, Any]:
    """Add synthetic recommendations until there are `target` (PostgreSQL only); returns what was added."""
    if connection.vendor != "postgresql":
        raise RuntimeError("The benchmark seeds PostgreSQL (COPY); set DATABASE_URL to a database of its own.")
    missing = target - Recommendation.objects.count()
    if missing <= 0:
        return {"added": 0}
    rng = random.Random(seed)
    started = time.monotonic()
    upr_info = Recommendation.objects.filter(themes__scheme=Theme.Scheme.UPR_INFO).distinct()
    source = upr_info if upr_info.exists() else Recommendation.objects.all()
    # The texts are escaped once here, not once a copy.
    templates = [
        (pk, _copy_text(text), _copy_text(fingerprint), _copy_text(response), _copy_text(action))
        for pk, text, fingerprint, response, action in source.values_list(
            "id", "text", "fingerprint", "response", "action_category"
        )
    ]
    themes_of: dict[int, list[int]] = {}
    for rec_id, theme_id in RecommendationTheme.objects.values_list("recommendation_id", "theme_id"):
        themes_of.setdefault(rec_id, []).append(theme_id)
    state_ids = list(MemberState.objects.values_list("id", flat=True))
    with transaction.atomic():
        reviews = _synthetic_reviews(rng)
    defaults = _defaults()
    now = timezone.now().isoformat()
    marker = _copy_text(SYNTHETIC_SOURCE)
    columns = (*_COLUMNS, *_DEFAULTED, "created_at", "updated_at")
    constant = "\t".join(defaults[name] for name in _DEFAULTED) + f"\t{now}\t{now}\n"
    # Each review gets a run of consecutive ids, about the same number each, as an import writes a review's
    # recommendations together: the table's physical order then follows the list's (review, id) order, as in
    # a real database (rows dealt to the reviews in turn made every list query read 3-4 times the pages).
    review_ids = [review.pk for review in reviews]
    per_review = -(-missing // len(review_ids))
    added = 0
    while added < missing:
        size = min(BATCH, missing - added)
        first = _reserve_ids(size)
        rows, states, themes = io.StringIO(), io.StringIO(), io.StringIO()
        for offset in range(size):
            pk = first + offset
            template_id, text, fingerprint, response, action = rng.choice(templates)
            review_id = review_ids[(added + offset) // per_review]
            rows.write(f"{pk}\t{review_id}\t{text}\t{marker}\t{response}\t{action}\t{fingerprint}\t{constant}")
            state = rng.choice(state_ids)
            states.write(f"{pk}\t{state}\n")
            if rng.random() < 0.05:  # a few joint recommendations, as in the OHCHR matrices
                second = rng.choice(state_ids)
                if second != state:
                    states.write(f"{pk}\t{second}\n")
            for theme_id in themes_of.get(template_id, ()):
                themes.write(f"{pk}\t{theme_id}\n")
        with transaction.atomic():
            _copy(Recommendation._meta.db_table, columns, rows)
            _copy(
                Recommendation.recommending_states.through._meta.db_table,
                ("recommendation_id", "memberstate_id"),
                states,
            )
            _copy(RecommendationTheme._meta.db_table, ("recommendation_id", "theme_id"), themes)
            recommendation_search_refresh(
                recommendations=Recommendation.objects.filter(pk__gte=first, pk__lt=first + size)
            )
        added += size
        log(f"  seeded {added:,} / {missing:,} ({time.monotonic() - started:.0f} s)")
    # Autovacuum may be off (it is on this project's CI machines): without VACUUM the bulk writes leave
    # dead rows that send index-only scans back to the table and skew every figure that follows.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return {"added": added, "reviews": len(reviews), "seconds": round(time.monotonic() - started, 1)}
