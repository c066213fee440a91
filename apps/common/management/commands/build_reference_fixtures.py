"""Write fixtures/*.json from the real data in ../shared/data (run once by a maintainer, output committed).

The facts of China's reviews (apps/common/reference_facts.py) are typed in from shared/data/README.md;
nothing here is invented: an unknown fact stays empty and the review's notes say what is known.
"""

import csv
import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from apps.common.reference_china_2009 import REPORT_FILE, china_2009_objects
from apps.common.reference_facts import CHINA_REVIEWS, CYCLES, DPRK_THEME, EXTRA_ALIASES, OBSERVERS, SESSIONS
from apps.recommendations.fingerprint import recommendation_fingerprint
from apps.reviews.calendar_rules import GENEVA, estimate_deadlines
from apps.states.models import normalize_state_name

FIXTURES_DIR = settings.BASE_DIR / "fixtures"
TIMESTAMP = "2026-11-27T00:00:00Z"


TRAILING_STATES = re.compile(r"\s*\(((?:[^()]|\([^()]*\))*)\)\s*[;.]?\s*$")


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
        self.write("05_china_2009.json", china_2009)

    def write(self, name: str, objects: list[dict[str, Any]]) -> None:
        path = FIXTURES_DIR / name
        path.write_text(json.dumps(objects, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        self.stdout.write(f"{path.relative_to(settings.BASE_DIR)}: {len(objects)} objects")

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
                    "fields": _stamp({**fields, "regional_group": "", "is_observer": True}),
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
                "notes": facts["notes"],
            }
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
        def day(value: str) -> str:
            return _iso(dt.datetime.combine(dt.date.fromisoformat(value), dt.time(0), tzinfo=GENEVA))

        def entry(kind: str, due_at: str, known: bool, note: str = "", provisional: bool = False) -> dict[str, Any]:
            return {
                "kind": kind,
                "title": "",
                "due_at": due_at,
                "timezone": "Europe/Zurich",
                "time_is_known": known,
                "is_provisional": provisional,
                "is_cancelled": False,
                "source_url": "",
                "note": note,
            }

        if facts["status"] == "provisional":
            assert starts is not None
            return [
                entry(e.kind, _iso(e.due_at), e.time_is_known, f"Provisional estimate: {e.rule}.", True)
                for e in estimate_deadlines(dialogue_start=starts)
            ]
        deadlines = []
        if session_number == 45:
            deadlines.append(
                entry(
                    "stakeholder_submission",
                    _iso(dt.datetime(2023, 7, 18, 12, 0, tzinfo=GENEVA)),
                    True,
                    "Stakeholder submission deadline for China's 4th review (12:00 Geneva, OHCHR's usual hour).",
                )
            )
        if starts is not None:
            deadlines.append(entry("interactive_dialogue", _iso(starts), True, "09:00–12:30 Geneva."))
        else:
            deadlines.append(entry("interactive_dialogue", day(facts["dialogue_date"]), False))
        deadlines.append(entry("report_adoption", day(facts["report_adopted_on"]), False))
        if facts.get("council_adopted_on"):
            deadlines.append(
                entry(
                    "council_adoption",
                    day(facts["council_adopted_on"]),
                    False,
                    f"Human Rights Council, {facts['council_session']}th session.",
                )
            )
        return deadlines

    # -- China 2009, from its Working Group report (apps/common/reference_china_2009.py) ----------
    def build_china_2009(
        self, data_dir: Path, recommendations: list[dict[str, Any]]
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        return china_2009_objects(
            report_text=(data_dir / REPORT_FILE).read_text(encoding="utf-8"),
            state_names=self.spellings,
            state_pk=self.state_pk,
            review_pk=self.review_pk[4],
            recommendations=recommendations,
            stamp={"created_at": TIMESTAMP, "updated_at": TIMESTAMP},
        )

    # -- themes and recommendations -------------------------------------------------------------
    def build_recommendations(self, data_dir: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        matrix = list(
            csv.DictReader((data_dir / "china_recommendations_2013_2018_ohchr_matrix.csv").open(encoding="utf-8"))
        )
        theme_names: dict[str, str] = {}
        for row in matrix:
            for term in filter(None, (t.strip() for t in row["themes"].split(";"))):
                code, _, name = term.partition(" ")
                name = " ".join(name.split())  # the matrix mixes no-break spaces into a few names
                if theme_names.setdefault(code, name) != name:
                    raise CommandError(f"Theme code {code} has two names: {theme_names[code]!r}, {name!r}.")
        theme_pk = {code: pk for pk, code in enumerate(sorted(theme_names), start=1)}
        themes = [
            {
                "model": "recommendations.theme",
                "pk": pk,
                "fields": _stamp({"scheme": "ohchr", "code": code, "name": theme_names[code], "description": ""}),
            }
            for code, pk in theme_pk.items()
        ]
        dprk_pk = len(themes) + 1
        themes.append({"model": "recommendations.theme", "pk": dprk_pk, "fields": _stamp(dict(DPRK_THEME))})

        session_of_report = {"A/HRC/25/5": 17, "A/HRC/40/6": 31}
        recommendations: list[dict[str, Any]] = []
        by_paragraph: dict[tuple[int, str], dict[str, Any]] = {}
        for row in matrix:
            review = self.review_pk[session_of_report[row["wg_report"]]]
            states = [self.state(name.strip()) for name in row["recommending_states"].split(";") if name.strip()]
            text = row["recommendation"].strip()
            match = TRAILING_STATES.search(text)
            # Compare without spaces: the PDF text splits some names ("Bolivia (Plurinational S tate of)").
            named = "".join(match.group(1).split()).casefold() if match else ""
            if match is None or named not in {
                "".join(n.split()).casefold() for n in row["recommending_states"].split(";")
            }:
                raise CommandError(f"{row['paragraph']}: no recommending state at the end of {text[-80:]!r}.")
            text = text[: match.start()].rstrip()
            fields = {
                "review": review,
                "recommending_states": states,
                "paragraph": row["paragraph"],
                "text": text,
                "text_status": "verbatim",
                "text_source": "",
                "response": row["position"].lower(),
                "response_label": "",
                "response_source": row["source_of_position"],
                "action_category": None,
                "themes": [theme_pk[t.strip().partition(" ")[0]] for t in row["themes"].split(";") if t.strip()],
                "affected_persons": row["affected_persons"],
                "source_document": row["wg_report"],
                "fingerprint": recommendation_fingerprint(text),
                "note": "",
            }
            record = {
                "model": "recommendations.recommendation",
                "pk": len(recommendations) + 1,
                "fields": _stamp(fields),
            }
            recommendations.append(record)
            by_paragraph[(review, row["paragraph"])] = fields

        dprk = list(csv.DictReader((data_dir / "china_dprk_refugee_recommendations.csv").open(encoding="utf-8")))
        for row in dprk:
            review = self.review_pk[int(row["wg_session"])]
            note = f"DPRK named explicitly: {row['dprk_explicit']}. Source: {row['source']}"
            existing = by_paragraph.get((review, row["paragraph"]))
            if existing is not None:
                # The matrix keeps PDF artefacts ("H uman R ights"): compare the texts without spaces.
                if _squash(existing["text"]) != _squash(row["recommendation"]):
                    raise CommandError(f"{row['paragraph']}: the refugee file and the matrix disagree on the text.")
                existing["themes"].append(dprk_pk)
                existing["note"] = note
                continue
            response_word, _, response_source = row["response"].partition(" (")
            paraphrase = row["text_status"].startswith("paraphrase")
            text = row["recommendation"].removeprefix("[NOT VERBATIM - as reported] ").strip()
            paragraph = "" if row["paragraph"].startswith("unknown") else row["paragraph"]
            fields = {
                "review": review,
                "recommending_states": [self.state(row["recommending_state"])],
                "paragraph": paragraph,
                "text": text,
                "text_status": "paraphrase" if paraphrase else "verbatim",
                "text_source": row["source"] if paraphrase else "",
                "response": "noted" if response_word.split("/")[0] in {"Noted", "Rejected"} else "supported",
                "response_label": "rejected" if response_word.startswith("Rejected") else "",
                "response_source": response_source.rstrip(")"),
                "action_category": None,
                "themes": [dprk_pk],
                "affected_persons": "",
                "source_document": row["wg_report"].replace(" (symbol unverified)", ""),
                "fingerprint": recommendation_fingerprint(text),
                "note": note
                + (f" Paragraph as reported: {row['paragraph']}." if not paragraph else "")
                + (f" Text status in the source file: {row['text_status']}." if paraphrase else ""),
            }
            recommendations.append(
                {
                    "model": "recommendations.recommendation",
                    "pk": len(recommendations) + 1,
                    "fields": _stamp(fields),
                }
            )
        return themes, recommendations
