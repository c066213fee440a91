"""China's first review (2009) from its Working Group report, A/HRC/11/25: the objects of fixtures/06_china_2009.json.

Called by `manage.py build_reference_fixtures` after it has built the other recommendations:
1. the report is parsed (apps/reference/wg_report_2009.py): every recommendation of section II, one
   statement per delegation of the dialogue, the delegations not heard, the advance questions;
2. the 2009 refugee recommendations the builder made from china_dprk_refugee_recommendations.csv are
   taken out of fixtures/04 and matched to their report paragraph ("28(g)"; the file's "82(a)" is the
   report's "82", which paragraph 117 refers to whole): each becomes the report's record, keeping its id,
   its refugee theme and its CSV note, so a database loaded before keeps one record per paragraph;
3. everything else loads by natural key (review and paragraph, speaking order, state), never by a bare
   id that could overwrite a statement an editor logged.
"""

import re
from collections.abc import Callable, Mapping
from typing import Any

from django.core.management.base import CommandError

from apps.recommendations.fingerprint import recommendation_fingerprint
from apps.reference import wg_report_2009 as report_2009

SESSION = 4
REPORT_FILE = "china_2009_wg_report_A-HRC-11-25.txt"
SYMBOL = report_2009.SYMBOL

RESPONSE_NOTES = {
    114: "Paragraph 114: the recommendations listed enjoy the support of China.",
    115: (
        "Paragraph 115: noted; China indicated that they are pertaining to measures already being "
        "implemented or which had already been implemented."
    ),
    116: (
        "Paragraph 116: to be examined by China, which will provide responses in due time, to be included in "
        "the outcome adopted by the Human Rights Council at its eleventh session. China's later answers are not "
        "in the record: response pending."
    ),
    117: "Paragraph 117 lists this recommendation among those that did not enjoy the support of China.",
}


_QUOTES = str.maketrans("\u2019\u201c\u201d", '\'""')


def _comparable(text: str) -> str:
    """Text without spaces, quotes or case, and with the extraction's dotted hyphens ("non.refoulement") as hyphens."""
    text = re.sub(r"(?<=[a-z])\.(?=[a-z])", "-", text)
    text = text.translate(_QUOTES)
    return "".join(text.split()).casefold().rstrip(";.")


def china_2009_objects(
    *,
    report_text: str,
    state_names: Mapping[str, str],
    state_pk: Mapping[str, int],
    review_pk: int,
    names_of: Mapping[int, list[str]],
    errata: Mapping[str, list[dict[str, str]]],
    apply_errata: Callable[[str, list[dict[str, str]], str], tuple[str, list[dict[str, str]]]],
    recommendations: list[dict[str, Any]],
    stamp: dict[str, str],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(fixture 04's recommendations without the 2009 ones, the objects of fixture 05)."""
    try:
        report = report_2009.parse_report(report_text, state_names=state_names)
    except report_2009.ReportParseError as error:
        raise CommandError(f"{REPORT_FILE}: {error}") from error

    is_rec = "recommendations.recommendation"
    from_csv = [r for r in recommendations if r["model"] == is_rec and r["fields"]["review"] == review_pk]
    pks_2009 = {r["pk"] for r in from_csv}
    # Theme links of the 2009 rows move with them: fixture 04 loads before the records they point to exist.
    links_2009 = [r for r in recommendations if r["model"] != is_rec and r["fields"]["recommendation"] in pks_2009]
    moved = {id(r) for r in [*from_csv, *links_2009]}
    remaining = [r for r in recommendations if id(r) not in moved]
    objects: list[dict[str, Any]] = []
    matched: set[int] = set()
    for item in report.recommendations:
        # Extraction artefacts ("non.refoulement") are repaired only through the reviewed errata table.
        text, applied = apply_errata(item.text, errata.get(item.paragraph, []), item.paragraph)
        fields: dict[str, Any] = {
            "review": review_pk,
            "recommending_states": [state_pk[iso3] for iso3 in item.states],
            "paragraph": item.paragraph,
            "text": text,
            "text_status": "verbatim",
            "text_source": "",
            "response": item.response,
            "response_label": item.response_label,
            "response_source": f"{SYMBOL} para. {item.section}",
            "action_category": None,
            "verification": "verified",
            "errata_applied": applied,
            "affected_persons": "",
            "source_document": SYMBOL,
            "fingerprint": recommendation_fingerprint(
                text, state_names=[n for iso3 in item.states for n in names_of[state_pk[iso3]]]
            ),
            "note": " ".join(filter(None, [RESPONSE_NOTES[item.section], item.note])),
        }
        record: dict[str, Any] = {"model": "recommendations.recommendation"}
        for index, old in enumerate(from_csv):
            if _matches(old["fields"], item):
                if index in matched:
                    raise CommandError(f"{old['fields']['paragraph']}: the refugee file's row matches two items.")
                matched.add(index)
                record["pk"] = old["pk"]  # the same record as before, not a second one
                fields["note"] = " ".join(
                    [
                        fields["note"],
                        old["fields"]["note"].rstrip(".") + ".",
                        f"The refugee file gives the paragraph as {old['fields']['paragraph']} and reads: "
                        f"{old['fields']['text']}",
                    ]
                )
        record["fields"] = {**fields, **stamp}
        objects.append(record)
    objects += links_2009
    stray = set(errata) - {item.paragraph for item in report.recommendations}
    if stray:
        raise CommandError(f"Errata for {SYMBOL} paragraphs that are not among its recommendations: {sorted(stray)}.")
    unmatched = [r["fields"]["paragraph"] for i, r in enumerate(from_csv) if i not in matched]
    if unmatched:
        raise CommandError(f"2009 refugee recommendations with no paragraph in {SYMBOL}: {unmatched}.")

    by_paragraph: dict[int, list[list[Any]]] = {}
    for item in report.recommendations:
        if item.section == 117:
            number = int(re.match(r"\d+", item.paragraph).group())  # type: ignore[union-attr]
            by_paragraph.setdefault(number, []).append([review_pk, item.paragraph])
    for statement in report.statements:
        objects.append(
            {
                "model": "reviews.statement",
                "fields": {
                    "review": review_pk,
                    "speaker_state": state_pk[statement.state],
                    "speaker_stakeholder": None,
                    "forum": "working_group",
                    "speaking_order": statement.order,
                    "text": statement.text,
                    "text_kind": "report_summary",
                    "source": f"{SYMBOL} para. {statement.paragraph}",
                    "language": "en",
                    "seconds_used": None,
                    "source_url": "",
                    "themes": [],
                    "recommendations": by_paragraph.get(statement.paragraph, []),
                    "logged_by": None,
                    **stamp,
                },
            }
        )
    for position, listed in enumerate(report.not_heard, start=1):
        objects.append(
            {
                "model": "reviews.speakerslistentry",
                "fields": {
                    "review": review_pk,
                    "speaker_state": state_pk[listed.state],
                    "status": "not_heard",
                    "listed_as": listed.name,
                    "position": position,
                    "source": f"{SYMBOL} para. 26, footnote",
                    "verification": "verified",
                    **stamp,
                },
            }
        )
    for position, listed in enumerate(report.advance_questions, start=1):
        objects.append(
            {
                "model": "reviews.advancequestion",
                "fields": {
                    "review": review_pk,
                    "submitting_state": state_pk[listed.state],
                    "text": "",
                    "report_text": report.paragraphs[4],
                    "position": position,
                    "source": f"{SYMBOL} para. 4",
                    "verification": "verified",
                    **stamp,
                },
            }
        )
    return remaining, objects


def _matches(csv_fields: Mapping[str, Any], item: report_2009.Recommendation) -> bool:
    """A refugee-file row is the item of its paragraph ("28(g)"), or of the whole paragraph ("82(a)" in "82")."""
    paragraph = csv_fields["paragraph"]
    if paragraph != item.paragraph and paragraph.partition("(")[0] != item.paragraph:
        return False
    if _comparable(csv_fields["text"]) not in _comparable(item.text):
        raise CommandError(f"{paragraph}: the refugee file's text is not in the report's paragraph {item.paragraph}.")
    return True
