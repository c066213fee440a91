"""Write fixtures/*.json from the real data in ../shared/data (run once by a maintainer, output committed).

The facts of China's reviews (apps/reference/facts.py) are typed in from shared/data/README.md;
nothing here is invented: an unknown fact stays empty and the review's notes say what is known.
"""

import csv
import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from apps.recommendations.fingerprint import recommendation_fingerprint, strip_attributions
from apps.recommendations.importers.readers import (
    OHCHR_MATRIX,
    ParsedRow,
    RowRejected,
    parse_ohchr_matrix,
    read_rows,
)
from apps.reference.china_2009 import REPORT_FILE, china_2009_objects
from apps.reference.china_2009 import SYMBOL as SYMBOL_2009
from apps.reference.facts import (
    CHINA_REVIEWS,
    CYCLES,
    DPRK_THEME,
    EXTRA_ALIASES,
    OBSERVERS,
    README,
    SESSIONS,
    STATE_NOTES,
    UN_STAKEHOLDERS,
)
from apps.reviews.calendar_rules import GENEVA, estimate_deadlines
from apps.states.models import normalize_state_name

FIXTURES_DIR = settings.BASE_DIR / "fixtures"
# The reviewed corrections of PDF extraction artefacts in the OHCHR matrix texts, applied here and disclosed
# on each recommendation (Recommendation.errata_applied).
ERRATA = FIXTURES_DIR / "errata" / "ohchr_matrix_extraction_artefacts.csv"
MATRIX_FILE = "china_recommendations_2013_2018_ohchr_matrix.csv"
TIMESTAMP = "2026-11-27T00:00:00Z"


def _squash(text: str) -> str:
    return "".join(text.replace("\u2019", "'").split()).casefold().rstrip(";.")


def _stamp(fields: dict[str, Any]) -> dict[str, Any]:
    return {**fields, "created_at": TIMESTAMP, "updated_at": TIMESTAMP}


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


class Command(BaseCommand):
    help = "Build fixtures/*.json from ../shared/data (maintainers only; the output is committed)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--data-dir", default=str(settings.SHARED_DATA_DIR))

    def handle(self, *args: Any, **options: Any) -> None:
        data_dir = Path(options["data_dir"])
        if not (data_dir / "un_member_states.csv").exists():
            raise CommandError(f"No un_member_states.csv in {data_dir}.")
        FIXTURES_DIR.mkdir(exist_ok=True)
        states, aliases = self.build_states(data_dir)
        self.write("01_member_states.json", states + aliases)
        calendar = self.build_calendar()
        self.write("02_calendar.json", calendar)
        themes, recommendations = self.build_recommendations(data_dir)
        recommendations, china_2009 = self.build_china_2009(data_dir, recommendations)
        self.write("03_themes.json", themes)
        self.write("04_china_recommendations.json", recommendations)
        self.write("05_stakeholders.json", self.build_stakeholders())
        self.write("06_china_2009.json", china_2009)

    def build_stakeholders(self) -> list[dict[str, Any]]:
        # No pk: stakeholders load by natural key (name), so one added in the admin is never overwritten.
        return [
            {
                "model": "reviews.stakeholder",
                "fields": _stamp(
                    {
                        "name": entity["name"],
                        "acronym": entity["acronym"],
                        "kind": "un_agency",
                        "website": entity["website"],
                    }
                ),
            }
            for entity in UN_STAKEHOLDERS
        ]

    def write(self, name: str, objects: list[dict[str, Any]]) -> None:
        path = FIXTURES_DIR / name
        path.write_text(json.dumps(objects, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        shown = path.relative_to(settings.BASE_DIR) if path.is_relative_to(settings.BASE_DIR) else path
        self.stdout.write(f"{shown}: {len(objects)} objects")

    # -- states ---------------------------------------------------------------------------------
    def build_states(self, data_dir: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        rows = list(csv.DictReader((data_dir / "un_member_states.csv").open(encoding="utf-8")))
        states: list[dict[str, Any]] = []
        spellings: dict[str, str] = {}
        self.state_pk: dict[str, int] = {}

        def add_alias(iso3: str, name: str) -> None:
            key = normalize_state_name(name)
            if not key:
                return
            owner = spellings.setdefault(key, iso3)
            if owner != iso3:
                raise CommandError(f"Alias {name!r} would name both {owner} and {iso3}.")

        for pk, row in enumerate(sorted(rows, key=lambda r: r["iso3"]), start=1):
            self.state_pk[row["iso3"]] = pk
            formal = row["name_unterm_formal"].removeprefix("the ")
            states.append(
                {
                    "model": "states.memberstate",
                    "pk": pk,
                    "fields": _stamp(
                        {
                            "iso3": row["iso3"],
                            "iso2": row["iso2"],
                            "m49": int(row["m49"]),
                            "name": row["name"],
                            "formal_name": formal,
                            "common_name": row["cldr_name"],
                            "regional_group": row["un_regional_group_code"],
                            "is_observer": False,
                            "note": STATE_NOTES.get(row["iso3"], ""),
                        }
                    ),
                }
            )
            for name in (row["name"], row["name_unterm_short"], formal, row["cldr_name"]):
                add_alias(row["iso3"], name)
        for offset, observer in enumerate(OBSERVERS, start=len(states) + 1):
            self.state_pk[observer["iso3"]] = offset
            fields = {k: v for k, v in observer.items() if k != "aliases"}
            states.append(
                {
                    "model": "states.memberstate",
                    "pk": offset,
                    "fields": _stamp({**fields, "regional_group": "", "is_observer": True, "note": ""}),
                }
            )
            for name in (
                observer["name"],
                observer["formal_name"],
                observer["common_name"],
                *observer["aliases"],
            ):
                add_alias(observer["iso3"], name)
        for iso3, names in EXTRA_ALIASES.items():
            for name in names:
                add_alias(iso3, name)
        original: dict[str, str] = {}
        for row in rows:
            for name in (
                row["name"],
                row["name_unterm_short"],
                row["name_unterm_formal"].removeprefix("the "),
                row["cldr_name"],
            ):
                original.setdefault(normalize_state_name(name), name)
        for observer in OBSERVERS:
            for name in (
                observer["name"],
                observer["formal_name"],
                observer["common_name"],
                *observer["aliases"],
            ):
                original.setdefault(normalize_state_name(name), name)
        for names in EXTRA_ALIASES.values():
            for name in names:
                original.setdefault(normalize_state_name(name), name)
        self.spellings = spellings
        # Every spelling of each state (pk → names), to recognise the attributions in OHCHR's texts.
        self.state_names: dict[int, list[str]] = {}
        for key, iso3 in spellings.items():
            self.state_names.setdefault(self.state_pk[iso3], []).append(original[key])
        # No pk: aliases load by natural key (the normalized spelling), so a new spelling added here
        # shifts no other alias and a database loaded from an older fixture is updated in place.
        aliases = [
            {
                "model": "states.statealias",
                "fields": {"state": self.state_pk[iso3], "name": original[key], "normalized": key},
            }
            for key, iso3 in sorted(spellings.items())
        ]
        return states, aliases

    def state(self, name: str) -> int:
        iso3 = self.spellings.get(normalize_state_name(name))
        if iso3 is None:
            raise CommandError(f"Unknown state name {name!r}: add it to EXTRA_ALIASES.")
        return self.state_pk[iso3]

    # -- cycles, sessions, reviews, deadlines ---------------------------------------------------
    def build_calendar(self) -> list[dict[str, Any]]:
        objects: list[dict[str, Any]] = []
        for cycle in CYCLES:
            objects.append({"model": "reviews.cycle", "pk": cycle["number"], "fields": _stamp(dict(cycle))})
        for session in SESSIONS:
            objects.append({"model": "reviews.session", "pk": session["number"], "fields": _stamp(dict(session))})
        china = self.state_pk["CHN"]
        self.review_pk: dict[int, int] = {}
        deadline_pk = 0
        for pk, (session_number, facts) in enumerate(CHINA_REVIEWS.items(), start=1):
            self.review_pk[session_number] = pk
            starts = ends = None
            if "dialogue_starts_at" in facts:
                starts, ends = facts["dialogue_starts_at"]
            fields = {
                "state_under_review": china,
                "session": session_number,
                "status": facts["status"],
                "dialogue_date": facts.get("dialogue_date"),
                "dialogue_starts_at": _iso(starts) if starts else None,
                "dialogue_ends_at": _iso(ends) if ends else None,
                "report_adopted_on": facts.get("report_adopted_on"),
                "troika": [self.state_pk[iso3] for iso3 in facts["troika"]],
                "report_symbol": facts["report_symbol"],
                "report_symbol_verified": facts.get("report_symbol_verified", True),
                "addendum_symbol": facts["addendum_symbol"],
                "speakers_count": facts.get("speakers_count"),
                "speakers_unable_count": facts.get("speakers_unable_count"),
                "seconds_per_speaker": facts.get("seconds_per_speaker"),
                "recommendations_count": facts.get("recommendations_count"),
                "council_session": facts.get("council_session"),
                "council_adopted_on": facts.get("council_adopted_on"),
                "head_of_delegation": facts["head_of_delegation"],
                "facts_sources": facts["facts_sources"],
                "recommendations_coverage": facts["recommendations_coverage"],
                "statements_coverage": facts["statements_coverage"],
                "notes": facts["notes"],
            }
            for name in fields["facts_sources"]:
                if name not in fields:
                    raise CommandError(f"Review {session_number}: a source for {name!r}, which is no field.")
            objects.append({"model": "reviews.review", "pk": pk, "fields": _stamp(fields)})
            for deadline in self.review_deadlines(session_number, facts, starts):
                deadline_pk += 1
                objects.append(
                    {
                        "model": "reviews.deadline",
                        "pk": deadline_pk,
                        "fields": _stamp({"review": pk, **deadline}),
                    }
                )
        return objects

    def review_deadlines(
        self, session_number: int, facts: dict[str, Any], starts: dt.datetime | None
    ) -> list[dict[str, Any]]:
        """A review's deadlines, each with its source and verification level."""
        sources = facts["facts_sources"]

        def day(value: str) -> str:
            return _iso(dt.datetime.combine(dt.date.fromisoformat(value), dt.time(0), tzinfo=GENEVA))

        def entry(
            kind: str,
            due_at: str,
            known: bool,
            source: dict[str, str],
            note: str = "",
            provisional: bool = False,
        ) -> dict[str, Any]:
            return {
                "kind": kind,
                "title": "",
                "due_at": due_at,
                "timezone": "Europe/Zurich",
                "time_is_known": known,
                "is_provisional": provisional,
                "is_cancelled": False,
                "source_url": "",
                "source": source["source"],
                "verification": source["verification"],
                "note": note,
            }

        if facts["status"] == "provisional":
            session = next(s for s in SESSIONS if s["number"] == session_number)
            earliest = dt.date.fromisoformat(session["estimated_earliest"])
            rule = {"source": "UPR calendar rules (shared/data/README.md)", "verification": "estimated"}
            return [
                entry(
                    e.kind,
                    _iso(e.due_at),
                    e.time_is_known,
                    rule,
                    f"Provisional estimate from the earliest likely session date, {earliest.isoformat()}: {e.rule}.",
                    True,
                )
                for e in estimate_deadlines(earliest=earliest)
            ]
        unsourced = {"source": "", "verification": "reported"}
        deadlines = []
        if session_number == 45:
            deadlines.append(
                entry(
                    "stakeholder_submission",
                    day("2023-07-18"),
                    False,
                    {"source": f"{README} (a press source; no hour given)", "verification": "reported"},
                    "Stakeholder submission deadline for China's 4th review: the date is reported, the hour is "
                    "not known.",
                )
            )
        if starts is not None:
            deadlines.append(
                entry("interactive_dialogue", _iso(starts), True, sources["dialogue_starts_at"], "09:00–12:30 Geneva.")
            )
        else:
            deadlines.append(
                entry(
                    "interactive_dialogue", day(facts["dialogue_date"]), False, sources.get("dialogue_date", unsourced)
                )
            )
        deadlines.append(
            entry(
                "report_adoption",
                day(facts["report_adopted_on"]),
                False,
                sources.get("report_adopted_on", unsourced),
            )
        )
        if facts.get("council_adopted_on"):
            deadlines.append(
                entry(
                    "council_adoption",
                    day(facts["council_adopted_on"]),
                    False,
                    sources.get("council_adopted_on", unsourced),
                    f"Human Rights Council, {facts['council_session']}th session.",
                )
            )
        return deadlines

    # -- China 2009, from its Working Group report (apps/reference/china_2009.py) ----------
    def build_china_2009(
        self, data_dir: Path, recommendations: list[dict[str, Any]]
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        return china_2009_objects(
            report_text=(data_dir / REPORT_FILE).read_text(encoding="utf-8"),
            state_names=self.spellings,
            state_pk=self.state_pk,
            review_pk=self.review_pk[4],
            names_of=self.state_names,
            errata={
                paragraph: rows for (report, paragraph), rows in self.load_errata().items() if report == SYMBOL_2009
            },
            apply_errata=self.apply_errata,
            recommendations=recommendations,
            stamp={"created_at": TIMESTAMP, "updated_at": TIMESTAMP},
        )

    # -- themes and recommendations -------------------------------------------------------------
    def load_errata(self) -> dict[tuple[str, str], list[dict[str, str]]]:
        """The reviewed errata table, by (report, paragraph); every row needs its reason and source."""
        errata: dict[tuple[str, str], list[dict[str, str]]] = {}
        with ERRATA.open(encoding="utf-8", newline="") as handle:
            for line, row in enumerate(csv.DictReader(handle), start=2):
                if not all(row[column].strip() for column in ("before", "after", "reason", "source")):
                    raise CommandError(f"{ERRATA.name}, line {line}: before, after, reason and source are required.")
                errata.setdefault((row["wg_report"], row["paragraph"]), []).append(row)
        return errata

    def apply_errata(self, text: str, errata: list[dict[str, str]], paragraph: str) -> tuple[str, list[dict[str, str]]]:
        applied = []
        for erratum in errata:
            if text.count(erratum["before"]) != 1:
                raise CommandError(
                    f"{paragraph}: erratum {erratum['before']!r} must occur exactly once in the source text."
                )
            text = text.replace(erratum["before"], erratum["after"])
            applied.append({key: erratum[key] for key in ("before", "after", "reason", "source")})
        return text, applied

    def read_matrix(self, path: Path) -> list[ParsedRow]:
        """The OHCHR matrix through the importer's own reader and parser (one parser: what the fixtures hold is
        what `import_recommendations --format ohchr-matrix` reads); a row it rejects stops the build."""
        _, _, raw_rows = read_rows(path.read_text(encoding="utf-8"), name=path.name, fmt=OHCHR_MATRIX)
        rows = []
        for raw in raw_rows:
            try:
                if raw.values is None:
                    raise RowRejected(raw.error)
                rows.append(parse_ohchr_matrix(raw.values, raw.line))
            except RowRejected as exc:
                raise CommandError(f"{path.name}, line {raw.line}: {exc}") from None
        return rows

    def build_recommendations(self, data_dir: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """Themes and China's recommendations.

        1. The matrix is read by the importer's reader and parser (read_matrix): theme lists are cut at each
           theme code, not at each ";" (names hold semicolons).
        2. Each matrix text is stored as OHCHR printed it, attributions "(Japan);" included, with the
           reviewed errata applied and listed on the recommendation.
        3. The refugee CSV adds the project theme, with its mention (explicit when the CSV says the DPRK
           is named, related otherwise), to the matrix rows it shares, and adds the 2009 and 2024 rows.
        """
        matrix = self.read_matrix(data_dir / MATRIX_FILE)
        theme_names: dict[str, str] = {}
        for parsed in matrix:
            for theme in parsed.themes or []:
                if theme_names.setdefault(theme.code, theme.name) != theme.name:
                    raise CommandError(
                        f"Theme code {theme.code} has two names: {theme_names[theme.code]!r}, {theme.name!r}."
                    )
        theme_pk = {code: pk for pk, code in enumerate(sorted(theme_names), start=1)}
        themes = [
            {
                "model": "vocabulary.theme",
                "pk": pk,
                "fields": _stamp({"scheme": "ohchr", "code": code, "name": theme_names[code], "description": ""}),
            }
            for code, pk in theme_pk.items()
        ]
        dprk_pk = len(themes) + 1
        themes.append({"model": "vocabulary.theme", "pk": dprk_pk, "fields": _stamp(dict(DPRK_THEME))})

        errata = self.load_errata()
        used_errata: set[tuple[str, str]] = set()
        recommendations: list[dict[str, Any]] = []
        links: list[dict[str, Any]] = []
        by_paragraph: dict[tuple[int, str], dict[str, Any]] = {}
        for parsed in matrix:
            review = self.review_pk[parsed.session]
            report, paragraph = parsed.fields["source_document"], parsed.fields["paragraph"]
            states = [self.state(name) for name in parsed.recommending_states]
            key = (report, paragraph)
            text, applied = self.apply_errata(parsed.text, errata.get(key, []), paragraph)
            if applied:
                used_errata.add(key)
            names = [*parsed.recommending_states, *(n for pk in states for n in self.state_names[pk])]
            if strip_attributions(text, names) == text:
                raise CommandError(f"{paragraph}: no recommending state in brackets in {text[-80:]!r}.")
            pk = len(recommendations) + 1
            fields = {
                "review": review,
                "recommending_states": states,
                "paragraph": paragraph,
                "text": text,
                "text_status": "verbatim",
                "text_source": "",
                "verification": "verified",
                "errata_applied": applied,
                "response": parsed.fields["response"],
                "response_label": "",
                "response_source": parsed.fields["response_source"],
                "action_category": None,
                "affected_persons": parsed.fields["affected_persons"],
                "source_document": report,
                "fingerprint": recommendation_fingerprint(text, state_names=names),
                "note": "",
            }
            recommendations.append({"model": "recommendations.recommendation", "pk": pk, "fields": _stamp(fields)})
            for theme in parsed.themes or []:
                links.append({"recommendation": pk, "theme": theme_pk[theme.code], "mention": ""})
            by_paragraph[(review, paragraph)] = {"pk": pk, "fields": fields}
        unused = {key for key in set(errata) - used_errata if key[0] != SYMBOL_2009}  # 2009: its own builder
        if unused:
            raise CommandError(f"Errata for paragraphs not in the matrix: {sorted(unused)}.")

        dprk = list(csv.DictReader((data_dir / "china_dprk_refugee_recommendations.csv").open(encoding="utf-8")))
        for row in dprk:
            review = self.review_pk[int(row["wg_session"])]
            # The CSV's dprk_explicit: "yes", or "no …" with the reason (general refugee language).
            mention = "explicit" if row["dprk_explicit"].strip().casefold().startswith("yes") else "related"
            note = f"DPRK named explicitly: {row['dprk_explicit']}. Source: {row['source']}"
            existing = by_paragraph.get((review, row["paragraph"]))
            if existing is not None:
                names = [n for pk in existing["fields"]["recommending_states"] for n in self.state_names[pk]]
                bare = strip_attributions(existing["fields"]["text"], names)
                if _squash(bare) != _squash(row["recommendation"]):
                    raise CommandError(f"{row['paragraph']}: the refugee file and the matrix disagree on the text.")
                links.append({"recommendation": existing["pk"], "theme": dprk_pk, "mention": mention})
                existing["fields"]["note"] = note
                continue
            response_word, _, response_source = row["response"].partition(" (")
            paraphrase = row["text_status"].startswith("paraphrase")
            text = row["recommendation"].removeprefix("[NOT VERBATIM - as reported] ").strip()
            paragraph = "" if row["paragraph"].startswith("unknown") else row["paragraph"]
            state = self.state(row["recommending_state"])
            pk = len(recommendations) + 1
            fields = {
                "review": review,
                "recommending_states": [state],
                "paragraph": paragraph,
                "text": text,
                "text_status": "paraphrase" if paraphrase else "verbatim",
                "text_source": row["source"] if paraphrase else "",
                "verification": "reported" if paraphrase else "verified",
                "errata_applied": [],
                "response": "noted" if response_word.split("/")[0] in {"Noted", "Rejected"} else "supported",
                "response_label": "rejected" if response_word.startswith("Rejected") else "",
                "response_source": response_source.rstrip(")"),
                "action_category": None,
                "affected_persons": "",
                # Kept as the source gives it: "A/HRC/56/6 (symbol unverified)" wherever it appears.
                "source_document": row["wg_report"],
                "fingerprint": recommendation_fingerprint(text, state_names=self.state_names[state]),
                "note": note
                + (" Paragraph: unknown." if not paragraph else "")
                + (f" Text status in the source file: {row['text_status']}." if paraphrase else ""),
            }
            recommendations.append({"model": "recommendations.recommendation", "pk": pk, "fields": _stamp(fields)})
            links.append({"recommendation": pk, "theme": dprk_pk, "mention": mention})
        recommendations += [
            {"model": "recommendations.recommendationtheme", "pk": pk, "fields": link}
            for pk, link in enumerate(links, start=1)
        ]
        return themes, recommendations
