"""The parser of A/HRC/11/25 (China's 2009 review) against the report's real text.

Every expected number below is read in the report itself, not produced by the parser; the docstrings
say where. The state names map through the aliases of fixtures/01_member_states.json (no database).
"""

import csv
import io
import json
import re
from pathlib import Path

import pytest
from django.conf import settings

from apps.reference import wg_report_2009 as wg
from apps.states.models import normalize_state_name

pytestmark = pytest.mark.shared_data


def _state_names() -> dict[str, str]:
    objects = json.loads((settings.BASE_DIR / "fixtures" / "01_member_states.json").read_text(encoding="utf-8"))
    iso3 = {o["pk"]: o["fields"]["iso3"] for o in objects if o["model"] == "states.memberstate"}
    return {o["fields"]["normalized"]: iso3[o["fields"]["state"]] for o in objects if o["model"] == "states.statealias"}


@pytest.fixture(scope="module")
def state_names() -> dict[str, str]:
    return _state_names()


@pytest.fixture(scope="module")
def report_text(shared_data_dir: Path) -> str:
    return (shared_data_dir / "china_2009_wg_report_A-HRC-11-25.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def report(report_text: str, state_names: dict[str, str]) -> wg.Report:
    return wg.parse_report(report_text, state_names=state_names)


def test_it_finds_the_118_paragraphs_in_order(report: wg.Report) -> None:
    assert sorted(report.paragraphs) == list(range(1, 119))
    assert report.paragraphs[27].startswith("Australia welcomed the considerable improvements")
    assert report.paragraphs[114].startswith("The recommendations formulated during the interactive dialogue")
    assert report.paragraphs[118].endswith("should not be construed as endorsed by the Working Group as a whole.")


def test_paragraph_114_lists_42_recommendations_china_supports(report: wg.Report) -> None:
    """Paragraph 114 ("…enjoy the support of China:") numbers its items 1 to 42; the last reads
    "42. Share good practices that allowed China to achieve poverty reduction targets … (Angola)."."""
    items = [r for r in report.recommendations if r.section == 114]
    assert [r.paragraph for r in items] == [f"114.{n}" for n in range(1, 43)]
    assert {r.response for r in items} == {"supported"}
    assert items[-1].text.startswith("Share good practices that allowed China to achieve poverty reduction")
    assert items[-1].states == ("AGO",)


def test_paragraph_115_lists_3_noted_as_already_implemented(report: wg.Report) -> None:
    """Paragraph 115 numbers 3 items: 1 (Germany), 2 (Finland), 3 (Australia; Austria)."""
    items = [r for r in report.recommendations if r.section == 115]
    assert [(r.paragraph, r.states) for r in items] == [
        ("115.1", ("DEU",)),
        ("115.2", ("FIN",)),
        ("115.3", ("AUS", "AUT")),
    ]
    assert {r.response for r in items} == {"noted"}


def test_paragraph_116_lists_4_to_be_examined_response_pending(report: wg.Report) -> None:
    """Paragraph 116 numbers 4 items: 1 (Portugal; Argentina), 2 (Australia, Canada), 3 (Brazil), 4 (Austria)."""
    items = [r for r in report.recommendations if r.section == 116]
    assert [(r.paragraph, r.states) for r in items] == [
        ("116.1", ("PRT", "ARG")),
        ("116.2", ("AUS", "CAN")),
        ("116.3", ("BRA",)),
        ("116.4", ("AUT",)),
    ]
    assert {r.response for r in items} == {"pending"}


def test_paragraph_117_refers_to_50_dialogue_items_not_supported(report: wg.Report) -> None:
    """Paragraph 117 reads "27 (b), (c), (d), (e), (f), (g), 28 (a), (c), (d), (e), (f), (g), (h), 30 (b), (c),
    31, 38, 42, 43 (a), (b), (e), (f), (g), (h) 56, 79 (a), (c), 81 (b), 82, 83 (a), (c), (d), (e), (g), 84 (a),
    85 (b), 86 (b), (e), 92 (b), (c), (d), (e), (f), (g), (h), 95 (b), (c), (d), 96, 97": 50 references."""
    items = [r for r in report.recommendations if r.section == 117]
    assert len(items) == 50
    assert items[0].paragraph == "27(b)" and items[-1].paragraph == "97"
    assert [r.paragraph for r in items if "(" not in r.paragraph] == ["31", "38", "42", "56", "82", "96", "97"]
    assert {r.response for r in items} == {"noted"}
    assert {r.response_label for r in items} == {"did not enjoy the support of China"}


def test_the_99_recommendations_are_hrics_count_and_unique(report: wg.Report) -> None:
    """42 + 3 + 4 + 50 = 99, the count HRIC publishes (shared/data/README.md)."""
    paragraphs = [r.paragraph for r in report.recommendations]
    assert len(paragraphs) == 99
    assert len(set(paragraphs)) == 99


def test_an_item_keeps_every_state_it_attributes_its_text_to(report: wg.Report) -> None:
    """114.1 ends "… ratify ICCPR (Argentina, Brazil, Austria);" after texts of Sweden and Algeria."""
    first = next(r for r in report.recommendations if r.paragraph == "114.1")
    assert first.states == ("SWE", "DZA", "ARG", "BRA", "AUT")
    assert first.text.startswith("Create conditions for an early ratification of the International Covenant")
    assert "(Sweden)" in first.text  # the report's attributions stay in the text
    iran = next(r for r in report.recommendations if r.paragraph == "114.36")
    assert iran.states == ("IRN",)


def test_a_lettered_item_is_cut_at_its_own_words(report: wg.Report) -> None:
    canada_g = next(r for r in report.recommendations if r.paragraph == "28(g)")
    assert canada_g.states == ("CAN",)
    assert canada_g.text.startswith("take immediate measures to implement the recommendations of November 2008")
    assert canada_g.text.endswith("refugees from the Democratic People’s Republic of Korea")
    sweden_c = next(r for r in report.recommendations if r.paragraph == "92(c)")  # printed "c)taking"
    assert sweden_c.text == "taking urgent steps to abolish the various systems of arbitrary detention"
    australia_c = next(r for r in report.recommendations if r.paragraph == "27(c)")
    assert australia_c.text == "that the new regulations be extended to Chinese journalists."


def test_a_whole_paragraph_referred_to_keeps_its_whole_text_and_says_so(report: wg.Report) -> None:
    czech = next(r for r in report.recommendations if r.paragraph == "82")
    assert czech.states == ("CZE",)
    assert czech.text == report.paragraphs[82]
    assert "principle of “non-refoulement”" in czech.text
    assert "whole of paragraph 82" in czech.note
    # 84 (a): Argentina's paragraph has no lettered item; the reference is kept as printed.
    argentina = next(r for r in report.recommendations if r.paragraph == "84(a)")
    assert argentina.text == report.paragraphs[84]
    assert "has no lettered items" in argentina.note


def test_one_statement_per_delegation_of_the_dialogue_in_the_reports_order(report: wg.Report) -> None:
    """Paragraph 26: "statements were made by 60 delegations". Paragraphs 27–59 and 72–98 each summarise
    one delegation (Australia first, Malaysia last); 60–71 and 99–113 are China's answers."""
    assert report.speakers_stated == 60
    statements = report.statements
    assert len(statements) == 60
    assert [s.order for s in statements] == list(range(1, 61))
    assert [s.paragraph for s in statements] == [*range(27, 60), *range(72, 99)]
    assert len({s.state for s in statements}) == 60
    assert (statements[0].state, statements[-1].state) == ("AUS", "MYS")
    assert "CHN" not in {s.state for s in statements}
    egypt = next(s for s in statements if s.paragraph == 36)  # "Noting that China has …, Egypt expressed"
    assert egypt.state == "EGY"
    uk = next(s for s in statements if s.paragraph == 42)
    assert uk.delegation == "United Kingdom of Great Britain and Northern Ireland"


def test_the_footnote_inside_paragraph_28_is_not_part_of_its_text(report: wg.Report) -> None:
    canada = report.paragraphs[28]
    assert "***" not in canada and "Cameroon" not in canada
    assert "Uighurs and Mongols as well as religious believers" in canada


def test_the_delegations_not_heard_are_the_footnotes_names(report: wg.Report) -> None:
    """Paragraph 26: "Fifty-five delegations were not able to make their statements.***"; the footnote
    lists the names from "Norway, Denmark, Chile, Republic of Korea" to "Cote d’Ivoire and Cameroon". It
    prints 54 names, not 55: the record keeps the 54 the report names and the 55 it states."""
    assert report.not_heard_stated == 55
    names = [listed.name for listed in report.not_heard]
    states = [listed.state for listed in report.not_heard]
    assert len(names) == 54
    assert len(set(states)) == len(states)
    assert "KOR" in states and "PRK" in states
    assert names[:4] == ["Norway", "Denmark", "Chile", "Republic of Korea"]
    assert names[-2:] == ["Cote d’Ivoire", "Cameroon"]
    assert not set(states) & {s.state for s in report.statements}  # nobody is both heard and not heard


def test_the_advance_questions_name_11_states(report: wg.Report) -> None:
    """Paragraph 4: questions "prepared in advance by Czech Republic, Latvia, Liechtenstein and Sweden, Canada,
    Denmark, Germany, Lithuania, Netherlands, Norway, and United Kingdom"."""
    assert [q.state for q in report.advance_questions] == [
        "CZE",
        "LVA",
        "LIE",
        "SWE",
        "CAN",
        "DNK",
        "DEU",
        "LTU",
        "NLD",
        "NOR",
        "GBR",
    ]


def test_a_name_no_alias_maps_is_a_loud_error(report_text: str, state_names: dict[str, str]) -> None:
    without_korea = {k: v for k, v in state_names.items() if v != "KOR"}
    with pytest.raises(wg.ReportParseError, match="Republic of Korea"):
        wg.parse_report(report_text, state_names=without_korea)


def test_names_with_and_stay_whole(state_names: dict[str, str]) -> None:
    listed = wg.split_state_list("Liechtenstein and Sweden, Trinidad and Tobago, and Canada", state_names)
    assert [item.state for item in listed] == ["LIE", "SWE", "TTO", "CAN"]
    assert normalize_state_name("Cote d’Ivoire") in state_names


def test_counted_as_upr_info_counts_the_99_items_make_its_138_rows(
    report: wg.Report, state_names: dict[str, str], shared_data_dir: Path
) -> None:
    """UPR Info's export has 138 rows for China, session 4 (shared/data/README.md). It makes one row per
    state named in an item of paragraphs 114-116 (Jordan, named three times in 114.7, three rows) and one
    row per lettered item of the dialogue paragraphs that 117 refers to whole (Switzerland's 31 (a)-(d):
    four rows). Counted so, the report's 99 items give 138."""
    rows = 0
    for item in report.recommendations:
        if item.section != 117:
            rows += sum(
                len(wg.split_state_list(match.group("names"), state_names))
                for match in wg.ATTRIBUTION.finditer(item.text)
            )
        elif "(" in item.paragraph:
            rows += 1
        else:
            letters = re.findall(r"(?:^|(?<=[\s;:,]))\(?([a-z])\)", report.paragraphs[int(item.paragraph)])
            rows += len(set(letters)) or 1
    assert rows == 138

    export = (shared_data_dir / "upr-info-export-2008-2014" / "sessions-1-5.csv").read_bytes().decode("mac_roman")
    china_2009 = [
        row
        for row in csv.DictReader(io.StringIO(export.replace("\r", "\n")))
        if row["To"] == "China" and row["Session"].strip() == "4"
    ]
    assert len(china_2009) == 138
