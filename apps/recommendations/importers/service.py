"""recommendation_import: load files of recommendations without losing a row.

Every input row ends as created, updated, unchanged or rejected (with its line and reason), and the
counts add up to the rows read. A malformed file raises MalformedFileError and nothing is written.
"""

import sys
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connections, router, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history
from tqdm import tqdm

from apps.recommendations.exports.services import dataset_rebuild_request
from apps.recommendations.fingerprint import recommendation_fingerprint
from apps.recommendations.importers.encoding import decode_file
from apps.recommendations.importers.matching import Matcher
from apps.recommendations.importers.pg_bulk import pg_insert_with_history
from apps.recommendations.importers.readers import (
    ALL_THEME_SCHEMES,
    PARSERS,
    PREFERRED_ENCODING,
    ParsedRow,
    RowRejected,
    read_rows,
    sniff_format,
)
from apps.recommendations.importers.report import (
    CREATED,
    REJECTED,
    UNCHANGED,
    UPDATED,
    FileSummary,
    ImportReport,
    MalformedFileError,
    RowOutcome,
)
from apps.recommendations.models import Recommendation, Theme
from apps.recommendations.services import recommendation_search_refresh
from apps.reviews.models import Review
from apps.states.models import MemberState

BATCH = 1000
CHANGE_REASON = "import"
# SQLite limits the variables of one statement; keep IN lists well under it.
IN_CHUNK = 900
StatesThrough = Recommendation.recommending_states.through
ThemesThrough = Recommendation.themes.through


@dataclass
class ImportSource:
    """A file's name (for the report) and its raw bytes."""

    name: str
    data: bytes


@dataclass
class _Candidate:
    file: str
    row: ParsedRow
    outcome: RowOutcome
    states: list[MemberState]
    fingerprint: str
    review: Review | None = None
    themes: list[Theme] | None = None
    duplicates: list["_Candidate"] = field(default_factory=list)
    # The row as a Recommendation, validated field by field; saved as it is when the row is new.
    instance: Recommendation | None = None

    @property
    def key(self) -> tuple[int, str, frozenset[int]]:
        assert self.review is not None
        return (self.review.pk, self.fingerprint, frozenset(state.pk for state in self.states))

    def owns_scheme(self, scheme: str) -> bool:
        return self.row.theme_schemes in (ALL_THEME_SCHEMES, scheme)


def _chunks(items: Sequence[Any], size: int = IN_CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _reject(outcome: RowOutcome, reason: str) -> None:
    outcome.status, outcome.detail = REJECTED, reason


def _validation_reason(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items())
    return " ".join(error.messages)


def _validate(row: ParsedRow, states: list[MemberState]) -> Recommendation:
    """Every model rule that does not need the database, checked before anything is written.

    full_clean() would query once per field constraint and foreign key for each of 41,066 rows; the
    foreign keys are resolved by the Matcher and the constraints are checked here in Python instead.
    """
    if not states:
        raise RowRejected("no recommending state")
    candidate = Recommendation(text=row.text, **row.fields)
    try:
        candidate.clean_fields(exclude=["review", "fingerprint", "search_vector"])
    except ValidationError as exc:
        raise RowRejected(_validation_reason(exc)) from None
    # The model's check constraints (recommendation_action_category_1_to_5 is checked by the readers).
    if candidate.text_status == Recommendation.TextStatus.PARAPHRASE and not candidate.text_source:
        raise RowRejected("a paraphrase needs its text_source")
    return candidate


def _parse_sources(
    sources: Sequence[ImportSource],
    fmt: str | None,
    encoding: str | None,
    matcher: Matcher,
    report: ImportReport,
    progress: bool,
) -> list[_Candidate]:
    candidates: list[_Candidate] = []
    for source in sources:
        try:
            guessed = fmt or sniff_format(source.data)
            decoded = decode_file(
                source.data, prefer=PREFERRED_ENCODING.get(guessed or "", "cp1252"), encoding=encoding
            )
            used, _header, rows = read_rows(decoded.text, name=source.name, fmt=fmt)
            summary = FileSummary(source.name, used, decoded.encoding_name, decoded.how, decoded.line_ending)
            report.files.append(summary)
            parse = PARSERS[used]
            for raw in tqdm(rows, desc=source.name, unit=" rows", disable=not progress, file=sys.stderr, leave=False):
                summary.rows += 1
                outcome = RowOutcome(source.name, raw.line, UNCHANGED)
                report.outcomes.append(outcome)
                try:
                    if raw.values is None:
                        raise RowRejected(raw.error)
                    nul = [column for column, value in raw.values.items() if "\x00" in value]
                    if nul:
                        raise RowRejected(f"contains NUL bytes (column {', '.join(nul)})")
                    row = parse(raw.values, raw.line)
                    if not row.state_under_review:
                        raise RowRejected("no state under review")
                    reviewed = matcher.state(row.state_under_review, "state under review")
                    states = [matcher.state(name, "recommending state") for name in row.recommending_states]
                    matcher.check_session(row.session)
                    for ref in row.themes or ():
                        matcher.check_theme(ref)
                    instance = _validate(row, states)
                except RowRejected as exc:
                    _reject(outcome, str(exc))
                    continue
                candidate = _Candidate(source.name, row, outcome, states, recommendation_fingerprint(row.text))
                candidate.instance = instance
                candidate.review = reviewed  # type: ignore[assignment]  # replaced by the Review below
                candidates.append(candidate)
        except MalformedFileError as exc:
            raise MalformedFileError(f"{source.name} {exc}") from exc
    return candidates


def _same_content(first: _Candidate, other: _Candidate) -> list[str]:
    differences = [
        name
        for name in other.row.fields
        if name in first.row.fields and first.row.fields[name] != other.row.fields[name]
    ]
    return differences


def _dedupe(candidates: list[_Candidate]) -> list[_Candidate]:
    """Fold rows that repeat an earlier row of the import (same review, text, states) into it."""
    primaries: dict[tuple[int, str, frozenset[int]], _Candidate] = {}
    paragraphs: dict[tuple[int, str], _Candidate] = {}
    for candidate in candidates:
        first = primaries.get(candidate.key)
        if first is not None:
            conflicts = _same_content(first, candidate)
            if conflicts:
                values = ", ".join(
                    f"{name} {candidate.row.fields[name]!r} there {first.row.fields[name]!r}" for name in conflicts
                )
                _reject(candidate.outcome, f"repeats {first.file} line {first.row.line} but differs: {values}")
                continue
            if candidate.themes is not None:
                merged = {theme.pk: theme for theme in (first.themes or []) + candidate.themes}
                first.themes = list(merged.values())
            candidate.outcome.duplicate_of = first.row.line
            candidate.outcome.detail = f"repeats {first.file} line {first.row.line}"
            first.duplicates.append(candidate)
            continue
        paragraph = candidate.row.fields.get("paragraph", "")
        if paragraph:
            holder = paragraphs.get((candidate.key[0], paragraph))
            if holder is not None:
                _reject(
                    candidate.outcome,
                    f"paragraph {paragraph} is also {holder.file} line {holder.row.line}, a different recommendation",
                )
                continue
            paragraphs[(candidate.key[0], paragraph)] = candidate
        primaries[candidate.key] = candidate
    return list(primaries.values())


def _existing(
    review_ids: list[int],
) -> tuple[dict[Any, Recommendation], dict[tuple[int, str], int], dict[int, list[tuple[int, str]]]]:
    """The recommendations already in the touched reviews, keyed like the candidates."""
    recommendations: list[Recommendation] = []
    states: dict[int, set[int]] = defaultdict(set)
    themes: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for chunk in _chunks(review_ids):
        recommendations += Recommendation.objects.filter(review_id__in=chunk).defer("search_vector").order_by("id")
        for rec_id, state_id in StatesThrough.objects.filter(recommendation__review_id__in=chunk).values_list(
            "recommendation_id", "memberstate_id"
        ):
            states[rec_id].add(state_id)
        for rec_id, theme_id, scheme in ThemesThrough.objects.filter(recommendation__review_id__in=chunk).values_list(
            "recommendation_id", "theme_id", "theme__scheme"
        ):
            themes[rec_id].append((theme_id, scheme))
    by_key: dict[Any, Recommendation] = {}
    paragraphs: dict[tuple[int, str], int] = {}
    for rec in recommendations:
        by_key.setdefault((rec.review_id, rec.fingerprint, frozenset(states[rec.pk])), rec)
        if rec.paragraph:
            paragraphs[(rec.review_id, rec.paragraph)] = rec.pk
    return by_key, paragraphs, themes


@transaction.atomic
def recommendation_import(
    *,
    sources: Sequence[ImportSource],
    fmt: str | None = None,
    dry_run: bool = False,
    encoding: str | None = None,
    progress: bool = False,
) -> ImportReport:
    """Import recommendations from files in the UPR Info, OHCHR matrix or our CSV format.

    1. Decode and read every file; a malformed one raises MalformedFileError and nothing is written.
    2. Check each row in memory (states, session, themes, every field rule); a bad row is rejected.
    3. Create the missing sessions, reviews and themes; fold repeated rows into their first occurrence.
    4. Match each remaining row to an existing recommendation (same review, fingerprint of the text and
       recommending states): update it if a field the format provides differs, or create a new one.
    5. Write in bulk (history kept), then refresh the search index of the touched rows.
    A dry run does all of it and rolls back.
    """
    started = time.monotonic()
    report = ImportReport(dry_run=dry_run)
    matcher = Matcher()
    candidates = _parse_sources(sources, fmt, encoding, matcher, report, progress)
    report.phases["read and check"] = time.monotonic() - started
    for candidate in candidates:
        state = candidate.review  # the state under review, set by _parse_sources
        assert isinstance(state, MemberState)
        candidate.review = matcher.review(state, candidate.row.session)
        if candidate.row.themes is not None:
            candidate.themes = [matcher.theme(ref) for ref in candidate.row.themes]
    primaries = _dedupe(candidates)
    existing, paragraphs, existing_themes = _existing(sorted({c.key[0] for c in primaries}))
    report.phases["match"] = time.monotonic() - started - sum(report.phases.values())

    now = timezone.now()
    to_create: list[tuple[_Candidate, Recommendation]] = []
    to_update: list[tuple[_Candidate, Recommendation, bool]] = []
    changed_fields: set[str] = set()
    for candidate in primaries:
        rec = existing.get(candidate.key)
        paragraph = candidate.row.fields.get("paragraph", "")
        if rec is None:
            holder = paragraphs.get((candidate.key[0], paragraph)) if paragraph else None
            if holder is not None:
                _reject(
                    candidate.outcome, f"paragraph {paragraph} of this review already holds recommendation {holder}"
                )
                continue
            rec = candidate.instance or Recommendation(text=candidate.row.text, **candidate.row.fields)
            assert candidate.review is not None
            rec.review = candidate.review
            rec.fingerprint = candidate.fingerprint
            to_create.append((candidate, rec))
            continue
        changed = [name for name, value in candidate.row.fields.items() if getattr(rec, name) != value]
        if "paragraph" in changed and paragraph and paragraphs.get((rec.review_id, paragraph), rec.pk) != rec.pk:
            _reject(candidate.outcome, f"paragraph {paragraph} of this review already holds another recommendation")
            continue
        themes_changed = False
        if candidate.themes is not None:
            owned = {theme_id for theme_id, scheme in existing_themes[rec.pk] if candidate.owns_scheme(scheme)}
            themes_changed = owned != {theme.pk for theme in candidate.themes}
        for name in changed:
            setattr(rec, name, candidate.row.fields[name])
        candidate.outcome.recommendation_id = rec.pk
        if changed or themes_changed:
            changed_fields.update(changed)
            candidate.outcome.status = UPDATED
            candidate.outcome.detail = "changed: " + ", ".join(changed + (["themes"] if themes_changed else []))
            to_update.append((candidate, rec, themes_changed))

    created = _write_new(to_create, now, progress)
    _write_updates(to_update, changed_fields, now)
    for candidate, rec in to_create:
        candidate.outcome.status, candidate.outcome.recommendation_id = CREATED, rec.pk
    for candidate in primaries:
        for duplicate in candidate.duplicates:
            duplicate.outcome.recommendation_id = candidate.outcome.recommendation_id
    report.phases["write"] = time.monotonic() - started - sum(report.phases.values())
    touched = [rec.pk for rec in created] + [rec.pk for _, rec, _ in to_update]
    for chunk in _chunks(touched, 5000):
        recommendation_search_refresh(recommendations=Recommendation.objects.filter(pk__in=chunk))

    report.phases["search index"] = time.monotonic() - started - sum(report.phases.values())
    report.unknown_states = {name: (rows, matcher.suggestions(name)) for name, rows in matcher.unknown_states.items()}
    report.created_sessions = sorted(matcher.created_sessions)
    report.created_reviews = matcher.created_reviews
    report.created_themes = matcher.created_themes
    if dry_run:
        transaction.set_rollback(True)
    elif touched:
        dataset_rebuild_request()  # the prebuilt files of the whole record, once, after commit
    report.seconds = time.monotonic() - started
    return report


def _write_new(to_create: list[tuple[_Candidate, Recommendation]], now: Any, progress: bool) -> list[Recommendation]:
    objs = [rec for _, rec in to_create]
    for rec in objs:
        rec.created_at = rec.updated_at = now
    created: list[Recommendation] = []
    if connections[router.db_for_write(Recommendation)].vendor == "postgresql":
        pg_insert_with_history(Recommendation, objs, date=now, reason=CHANGE_REASON)
        created = objs
    else:
        for chunk in tqdm(
            list(_chunks(objs, BATCH)),
            desc="writing",
            unit=" batches",
            disable=not progress,
            file=sys.stderr,
            leave=False,
        ):
            created += bulk_create_with_history(
                list(chunk), Recommendation, batch_size=BATCH, default_date=now, default_change_reason=CHANGE_REASON
            )
    if any(rec.pk is None for rec in created):
        raise RuntimeError("The database did not return the ids of created rows.")
    _insert_links(
        StatesThrough,
        [
            (rec.pk, state_id)
            for (candidate, _), rec in zip(to_create, created, strict=True)
            for state_id in {s.pk for s in candidate.states}
        ],
    )
    _insert_links(
        ThemesThrough,
        [
            (rec.pk, theme.pk)
            for (candidate, _), rec in zip(to_create, created, strict=True)
            for theme in candidate.themes or ()
        ],
    )
    return created


def _insert_links(through: Any, pairs: list[tuple[int, int]]) -> None:
    """Insert many-to-many links (recommendation id, other id).

    On PostgreSQL one INSERT … SELECT FROM unnest() of two id arrays: about 30 times faster than
    bulk_create for the 120,000 links of the UPR Info export, and links carry no rule to validate.
    """
    if not pairs:
        return
    left, right = (field for field in through._meta.fields if not field.primary_key)
    connection = connections[router.db_for_write(through)]
    if connection.vendor != "postgresql":
        through.objects.bulk_create([through(**{left.attname: a, right.attname: b}) for a, b in pairs], batch_size=5000)
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(through._meta.db_table)} ({quote(left.column)}, {quote(right.column)}) "
            "SELECT * FROM unnest(%s::bigint[], %s::bigint[])",
            [[a for a, _ in pairs], [b for _, b in pairs]],
        )


def _write_updates(to_update: list[tuple[_Candidate, Recommendation, bool]], fields: set[str], now: Any) -> None:
    if not to_update:
        return
    recs = [rec for _, rec, _ in to_update]
    for rec in recs:
        rec.updated_at = now
    bulk_update_with_history(
        recs,
        Recommendation,
        fields=sorted(fields | {"updated_at"}),
        batch_size=BATCH,
        default_date=now,
        default_change_reason=CHANGE_REASON,
    )
    retheme = [(candidate, rec) for candidate, rec, themes_changed in to_update if themes_changed]
    by_scheme: dict[str, list[int]] = defaultdict(list)
    for candidate, rec in retheme:
        by_scheme[candidate.row.theme_schemes].append(rec.pk)
    for scheme, ids in by_scheme.items():
        for chunk in _chunks(ids):
            stale = ThemesThrough.objects.filter(recommendation_id__in=chunk)
            if scheme != ALL_THEME_SCHEMES:
                stale = stale.filter(theme__scheme=scheme)
            stale.delete()
    ThemesThrough.objects.bulk_create(
        [
            ThemesThrough(recommendation_id=rec.pk, theme_id=theme.pk)
            for candidate, rec in retheme
            for theme in candidate.themes or ()
        ],
        batch_size=5000,
    )
