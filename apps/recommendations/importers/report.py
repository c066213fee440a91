"""What an import did to every input row: created, updated, unchanged, or rejected with its line and reason."""

import csv
import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path


class MalformedFileError(Exception):
    """A file that cannot be imported at all (encoding, header, CSV syntax): nothing is written."""


CREATED = "created"
UPDATED = "updated"
UNCHANGED = "unchanged"
REJECTED = "rejected"
SHOWN_NOTES = 20
STATUSES = (CREATED, UPDATED, UNCHANGED, REJECTED)
# The reason of a rejected record that is not a UPR recommendation (UHRI holds every UN mechanism's).
SKIPPED_NOT_UPR = "skipped: not a UPR recommendation"


@dataclass
class FileSummary:
    name: str
    format: str
    encoding: str
    encoding_how: str
    line_ending: str
    rows: int = 0
    # Physical lines, header included: a record may span several (a multi-line field of our own CSV).
    lines: int = 0


@dataclass(slots=True)  # one per row read: 200,000 for a 50 MB file
class RowOutcome:
    file: str
    line: int
    status: str
    detail: str = ""
    recommendation_id: int | None = None
    duplicate_of: int | None = None


@dataclass
class ImportReport:
    dry_run: bool = False
    files: list[FileSummary] = field(default_factory=list)
    outcomes: list[RowOutcome] = field(default_factory=list)
    # Unknown spelling → (rows naming it, suggested known spellings).
    unknown_states: dict[str, tuple[int, list[str]]] = field(default_factory=dict)
    created_sessions: list[int] = field(default_factory=list)
    created_reviews: list[str] = field(default_factory=list)
    created_themes: list[str] = field(default_factory=list)
    # Paraphrases replaced by the UN text, and other per-row remarks on rows that were imported.
    replacements: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    phases: dict[str, float] = field(default_factory=dict)

    @property
    def rows_read(self) -> int:
        return len(self.outcomes)

    @property
    def counts(self) -> dict[str, int]:
        counted = Counter(outcome.status for outcome in self.outcomes)
        return {status: counted.get(status, 0) for status in STATUSES}

    @property
    def duplicates(self) -> int:
        """Rows that repeat an earlier row of the same import (same review, text and recommending states)."""
        return sum(1 for outcome in self.outcomes if outcome.duplicate_of is not None)

    @property
    def skipped(self) -> int:
        """Rejected rows that are not UPR recommendations (counted among the rejected)."""
        return sum(1 for o in self.outcomes if o.status == REJECTED and o.detail.startswith(SKIPPED_NOT_UPR))

    @property
    def rejected(self) -> list[RowOutcome]:
        """Rejected rows, but for those skipped as not UPR recommendations (counted by `skipped`)."""
        return [o for o in self.outcomes if o.status == REJECTED and not o.detail.startswith(SKIPPED_NOT_UPR)]

    def summary_lines(self) -> list[str]:
        lines = [
            f"{f.name}: {f.format}, {f.encoding}, line endings {f.line_ending} ({f.encoding_how}); "
            f"{f.rows} rows on {f.lines} lines"
            for f in self.files
        ]
        lines.append(self.counts_line())
        if self.phases:
            lines.append("time: " + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in self.phases.items()))
        if self.created_sessions:
            lines.append(f"sessions created: {', '.join(map(str, self.created_sessions))}")
        if self.created_reviews:
            lines.append(f"reviews created: {len(self.created_reviews)}")
        if self.created_themes:
            lines.append(f"themes created: {', '.join(self.created_themes)}")
        lines += [f"replaced: {line}" for line in self.replacements]
        lines += [f"note: {line}" for line in self.notes[:SHOWN_NOTES]]
        if len(self.notes) > SHOWN_NOTES:
            lines.append(f"… and {len(self.notes) - SHOWN_NOTES} more notes in the report file")
        for name, (rows, suggestions) in sorted(self.unknown_states.items()):
            hint = f" — did you mean {' or '.join(repr(s) for s in suggestions)}?" if suggestions else ""
            lines.append(f"unknown state {name!r} in {rows} rows{hint}")
        return lines

    def counts_line(self) -> str:
        counts = self.counts
        rate = f", {self.rows_read / self.seconds:,.0f} rows/s" if self.seconds else ""
        return (
            f"{self.rows_read} rows read: {counts[CREATED]} created, {counts[UPDATED]} updated, "
            f"{counts[UNCHANGED]} unchanged ({self.duplicates} duplicate rows), {counts[REJECTED]} rejected"
            + (f" ({self.skipped} of them {SKIPPED_NOT_UPR})" if self.skipped else "")
            + f" in {self.seconds:.1f} s{rate}"
            + (" — dry run, nothing written" if self.dry_run else "")
        )

    def rejected_lines(self, limit: int | None = None) -> list[str]:
        rejected = self.rejected[:limit] if limit else self.rejected
        return [f"{o.file}, line {o.line}: {o.detail}" for o in rejected]

    def write(self, path: Path) -> None:
        """Every row's outcome, as CSV (or JSON when the name ends in .json)."""
        if path.suffix.lower() == ".json":
            data = {
                "dry_run": self.dry_run,
                "rows_read": self.rows_read,
                "counts": self.counts,
                "duplicates": self.duplicates,
                "seconds": round(self.seconds, 3),
                "files": [vars(f) for f in self.files],
                "unknown_states": {k: {"rows": v[0], "suggestions": v[1]} for k, v in self.unknown_states.items()},
                "created_sessions": self.created_sessions,
                "created_reviews": self.created_reviews,
                "created_themes": self.created_themes,
                "skipped_not_upr": self.skipped,
                "replacements": self.replacements,
                "notes": self.notes,
                "rows": [asdict(o) for o in self.outcomes],
            }
            path.write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
            return
        with path.open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(["file", "line", "status", "recommendation_id", "duplicate_of_line", "detail"])
            for o in self.outcomes:
                writer.writerow([o.file, o.line, o.status, o.recommendation_id or "", o.duplicate_of or "", o.detail])
