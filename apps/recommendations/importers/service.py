"""recommendation_import: load files of recommendations without losing a row.

Every input row ends as created, updated, unchanged or rejected (with its line and reason), and the
counts add up to the rows read. A malformed file raises MalformedFileError and nothing is written.
"""

import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connections, router, transaction
from django.utils import timezone
from django.utils.translation import gettext
from simple_history.utils import bulk_create_with_history, bulk_update_with_history
from tqdm import tqdm

from apps.recommendations.export_requests import dataset_rebuild_request
from apps.recommendations.fingerprint import recommendation_fingerprint
from apps.recommendations.importers.encoding import decode_file, physical_line_count
from apps.recommendations.importers.matching import Matcher
from apps.recommendations.importers.paraphrases import Candidate, Paraphrase, paraphrase_replacements
from apps.recommendations.importers.pg_bulk import pg_insert_with_history
from apps.recommendations.importers.readers import (
    ALL_THEME_SCHEMES,
    PARSERS,
    PREFERRED_ENCODING,
    UHRI,
    ParsedRow,
    RawRow,
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
from apps.recommendations.importers.uhri import parse_uhri, read_uhri, skipped_reason, uhri_kind
from apps.recommendations.models import Recommendation
from apps.recommendations.services import recommendation_search_refresh
from apps.reviews.models import Review
from apps.states.models import MemberState
from apps.vocabulary.models import DPRK_REFUGEES_THEME_CODE, Theme

BATCH = 1000
# New recommendations are built as model instances and written this many at a time, so the write holds
# a bounded number of instances (a 50 MB file makes 200,000): the rows themselves stay compact until then.
WRITE_BATCH = 5000
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


@dataclass(slots=True)
class _Candidate:
    file: str
    row: ParsedRow
    outcome: RowOutcome
    states: list[MemberState]
    fingerprint: str
    review: Review | None = None
    themes: list[Theme] | None = None
    duplicates: list["_Candidate"] = field(default_factory=list)

    @property
    def key(self) -> tuple[int, str, frozenset[int]]:
        assert self.review is not None
        return (self.review.pk, self.fingerprint, frozenset(state.pk for state in self.states))

    def owns_scheme(self, scheme: str) -> bool:
        return self.row.theme_schemes == ALL_THEME_SCHEMES or scheme in self.row.theme_schemes.split(",")


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


def _parse_uhri_source(
    source: ImportSource, matcher: Matcher, report: ImportReport, progress: bool
) -> list["_Candidate"]:
    """The UPR records of a UHRI export (JSON or XLSX), checked like the rows of the CSV formats below."""
    kind = uhri_kind(source.data)
    if kind is None:
        raise MalformedFileError(gettext("is not a UHRI export (neither a JSON array nor an XLSX workbook)"))
    summary = FileSummary(source.name, UHRI, kind, gettext("recognised from the content"), "n/a")
    report.files.append(summary)
    candidates = []
    for record in tqdm(
        read_uhri(source.data, kind), desc=source.name, unit=" records", disable=not progress, file=sys.stderr
    ):
        summary.rows += 1
        skipped = skipped_reason(record.values)
        outcome = RowOutcome(source.name, record.line, REJECTED if skipped else UNCHANGED, skipped or "")
        report.outcomes.append(outcome)
        if skipped:
            continue  # most of the export: other mechanisms' records
        candidate = _check(outcome, partial(parse_uhri, record.values, record.line), matcher)
        if candidate is not None:
            candidates.append(candidate)
    return candidates


def _check(outcome: RowOutcome, parse_row: Callable[[], ParsedRow], matcher: Matcher) -> "_Candidate | None":
    """A row parsed and checked in memory: a candidate to write, or None with the outcome rejected.

    Every format goes through here: the CSV formats' rows and the UHRI export's records alike.
    """
    try:
        row = parse_row()
        if not row.state_under_review:
            raise RowRejected("no state under review")
        reviewed = matcher.state(row.state_under_review, "state under review")
        states = [matcher.state(name, "recommending state") for name in row.recommending_states]
        matcher.check_session(row.session)
        for ref in row.themes or ():
            matcher.check_theme(ref)
        _validate(row, states)  # the instance is built again, in a batch, if the row is new
    except RowRejected as exc:
        _reject(outcome, str(exc))
        return None
    spellings = [*row.recommending_states, *matcher.state_spellings(states)]
    fingerprint = recommendation_fingerprint(row.text, state_names=spellings)
    candidate = _Candidate(outcome.file, row, outcome, states, fingerprint)
    candidate.review = reviewed  # type: ignore[assignment]  # replaced by the Review below
    return candidate


def _parse_raw(raw: RawRow, parse: Callable[[dict[str, str], int], ParsedRow]) -> ParsedRow:
    """A CSV row's values parsed, after the checks only raw rows need (unreadable record, NUL bytes)."""
    if raw.values is None:
        raise RowRejected(raw.error)
    nul = [column for column, value in raw.values.items() if "\x00" in value]
    if nul:
        raise RowRejected(f"contains NUL bytes (column {', '.join(nul)})")
    return parse(raw.values, raw.line)


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
            if fmt == UHRI or (fmt is None and uhri_kind(source.data)):
                candidates += _parse_uhri_source(source, matcher, report, progress)
                continue
            guessed = fmt or sniff_format(source.data)
            decoded = decode_file(
                source.data, prefer=PREFERRED_ENCODING.get(guessed or "", "cp1252"), encoding=encoding
            )
            used, _header, rows = read_rows(decoded.text, name=source.name, fmt=fmt)
            summary = FileSummary(source.name, used, decoded.encoding_name, decoded.how, decoded.line_ending)
            summary.lines = physical_line_count(decoded.text)
            report.files.append(summary)
            parse = PARSERS[used]
            for raw in tqdm(rows, desc=source.name, unit=" rows", disable=not progress, file=sys.stderr, leave=False):
                summary.rows += 1
                outcome = RowOutcome(source.name, raw.line, UNCHANGED)
                report.outcomes.append(outcome)
                candidate = _check(outcome, partial(_parse_raw, raw, parse), matcher)
                if candidate is not None:
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
            candidate.row.themes = []  # resolved: the Theme instances are shared, the references are not
    primaries = _dedupe(candidates)
    existing, paragraphs, existing_themes = _existing(sorted({c.key[0] for c in primaries}))
    report.phases["match"] = time.monotonic() - started - sum(report.phases.values())

    now = timezone.now()
    to_create: list[_Candidate] = []
    to_update: list[tuple[_Candidate, Recommendation, bool]] = []
    changed_fields: set[str] = set()
    replacements = _paraphrase_replacements(primaries, existing, existing_themes, matcher, report)
    for candidate in primaries:
        rec = existing.get(candidate.key)
        paragraph = candidate.row.fields.get("paragraph", "")
        if rec is None and id(candidate) in replacements:
            rec = replacements[id(candidate)]
            candidate.row.fields.update(
                text=candidate.row.text,
                fingerprint=candidate.fingerprint,
                text_source=candidate.row.replaces_paraphrase_source,
            )
        if rec is None:
            holder = paragraphs.get((candidate.key[0], paragraph)) if paragraph else None
            if holder is not None:
                _reject(
                    candidate.outcome, f"paragraph {paragraph} of this review already holds recommendation {holder}"
                )
                continue
            to_create.append(candidate)
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
    for candidate in primaries:
        for duplicate in candidate.duplicates:
            duplicate.outcome.recommendation_id = candidate.outcome.recommendation_id
    for candidate in primaries:
        if id(candidate) in replacements and candidate.outcome.status == UPDATED:
            candidate.outcome.detail = gettext("replaced the reported paraphrase; ") + candidate.outcome.detail
    for candidate in candidates:
        if candidate.row.notes and candidate.outcome.status != REJECTED:
            candidate.outcome.detail = "; ".join(filter(None, [candidate.outcome.detail, *candidate.row.notes]))
            report.notes += [f"{candidate.file}, line {candidate.row.line}: {note}" for note in candidate.row.notes]
    report.phases["write"] = time.monotonic() - started - sum(report.phases.values())
    touched = created + [rec.pk for _, rec, _ in to_update]
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


def _paraphrase_replacements(
    primaries: list[_Candidate],
    existing: dict[Any, Recommendation],
    existing_themes: dict[int, list[tuple[int, str]]],
    matcher: Matcher,
    report: ImportReport,
) -> dict[int, Recommendation]:
    """The reported paraphrase each row replaces with the UN text (by id() of the row), reported.

    Only rows of a format that brings the UN text, and that match none of our records by text, may
    replace a paraphrase; see importers/paraphrases.py for how the closest one is chosen.
    """
    rows = [c for c in primaries if c.row.replaces_paraphrase_source and c.key not in existing]
    if not rows:
        return {}
    project = matcher.themes.get((Theme.Scheme.PROJECT, DPRK_REFUGEES_THEME_CODE))
    paraphrases = [
        Paraphrase(rec, key[2], project is not None and any(t == project.pk for t, _ in existing_themes[rec.pk]))
        for key, rec in existing.items()
        if rec.text_status == Recommendation.TextStatus.PARAPHRASE
    ]
    by_key = {id(c): c for c in rows}
    found, left = paraphrase_replacements(
        candidates=[Candidate(id(c), c.key[0], c.key[2], c.row.text) for c in rows], paraphrases=paraphrases
    )
    replaced: dict[int, Recommendation] = {}
    for key, replacement in found.items():
        candidate, rec = by_key[key], replacement.recommendation  # type: ignore[index]
        replaced[key] = rec  # type: ignore[index]
        report.replacements.append(
            gettext(
                "recommendation %(id)s (%(review)s): the paraphrase %(old)r becomes the UN text of %(file)s "
                "line %(line)s, %(new)r (similarity %(score).2f); its history keeps the paraphrase"
            )
            % {
                "id": rec.pk,
                "review": rec.review,
                "old": rec.text[:80],
                "file": candidate.file,
                "line": candidate.row.line,
                "new": candidate.row.text[:80],
                "score": replacement.similarity,
            }
        )
    _keep_paraphrases_in_history(list(replaced.values()))
    for rec, score in left:
        report.notes.append(
            gettext(
                "recommendation %(id)s (%(review)s) stays a paraphrase: no imported text of its review and "
                "states is close enough (best similarity %(score).2f)"
            )
            % {"id": rec.pk, "review": rec.review, "score": score}
        )
    return replaced


def _keep_paraphrases_in_history(recs: list[Recommendation]) -> None:
    """Record the paraphrase in the history of a row that has none (reference data is loaded without).

    The update that follows records the UN text; without this entry the history would not show the
    paraphrase it replaced. It is dated when the row was last changed, the state it records.
    """
    if not recs:
        return
    history = Recommendation.history
    with_history = set(history.filter(id__in=[rec.pk for rec in recs]).values_list("id", flat=True))
    baseline = [rec for rec in recs if rec.pk not in with_history]
    for rec in baseline:
        rec._history_date = rec.updated_at  # type: ignore[attr-defined]
    history.bulk_history_create(baseline, default_change_reason="reported paraphrase, before the import")
    for rec in baseline:
        del rec._history_date  # type: ignore[attr-defined]


def _new_recommendation(candidate: _Candidate, now: Any) -> Recommendation:
    rec = Recommendation(text=candidate.row.text, **candidate.row.fields)
    assert candidate.review is not None
    rec.review = candidate.review
    rec.fingerprint = candidate.fingerprint
    rec.created_at = rec.updated_at = now
    return rec


def _write_new(to_create: list[_Candidate], now: Any, progress: bool) -> list[int]:
    """Create the new recommendations WRITE_BATCH at a time, with history and links; returns their ids.

    Each batch's instances are built, written and dropped: memory holds one batch, not every new row.
    """
    postgresql = connections[router.db_for_write(Recommendation)].vendor == "postgresql"
    created: list[int] = []
    batches = list(_chunks(to_create, WRITE_BATCH))
    for batch in tqdm(batches, desc="writing", unit=" batches", disable=not progress, file=sys.stderr, leave=False):
        objs = [_new_recommendation(candidate, now) for candidate in batch]
        if postgresql:
            pg_insert_with_history(Recommendation, objs, date=now, reason=CHANGE_REASON)
        else:
            objs = bulk_create_with_history(
                objs, Recommendation, batch_size=BATCH, default_date=now, default_change_reason=CHANGE_REASON
            )
        if any(rec.pk is None for rec in objs):
            raise RuntimeError("The database did not return the ids of created rows.")
        _insert_links(
            StatesThrough,
            [
                (rec.pk, state_id)
                for candidate, rec in zip(batch, objs, strict=True)
                for state_id in {s.pk for s in candidate.states}
            ],
        )
        _insert_links(
            ThemesThrough,
            [
                (rec.pk, theme.pk)
                for candidate, rec in zip(batch, objs, strict=True)
                for theme in candidate.themes or ()
            ],
        )
        for candidate, rec in zip(batch, objs, strict=True):
            candidate.outcome.status, candidate.outcome.recommendation_id = CREATED, rec.pk
            created.append(rec.pk)
    return created


def _insert_links(through: Any, pairs: list[tuple[int, int]]) -> None:
    """Insert many-to-many links (recommendation id, other id).

    On PostgreSQL one INSERT … SELECT FROM unnest() of two id arrays: about 30 times faster than
    bulk_create for the 120,000 links of the UPR Info export, and links carry no rule to validate.
    """
    if not pairs:
        return
    # The two foreign keys; other columns of a link (RecommendationTheme.mention) take their database default.
    left, right = (field for field in through._meta.fields if field.is_relation)
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
    # A link the file keeps keeps its mention (explicit/related), which no import format carries.
    mentions: dict[tuple[int, int], str] = {}
    for scheme, ids in by_scheme.items():
        for chunk in _chunks(ids):
            stale = ThemesThrough.objects.filter(recommendation_id__in=chunk)
            if scheme != ALL_THEME_SCHEMES:
                stale = stale.filter(theme__scheme__in=scheme.split(","))
            for rec_id, theme_id, mention in stale.exclude(mention="").values_list(
                "recommendation_id", "theme_id", "mention"
            ):
                mentions[(rec_id, theme_id)] = mention
            stale.delete()
    ThemesThrough.objects.bulk_create(
        [
            ThemesThrough(recommendation_id=rec.pk, theme_id=theme.pk, mention=mentions.get((rec.pk, theme.pk), ""))
            for candidate, rec in retheme
            for theme in candidate.themes or ()
        ],
        batch_size=5000,
    )
