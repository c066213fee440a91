"""The record advocates can quote: UN texts as printed, errata disclosed, theme mentions, verification levels."""

import csv
import html
import io
import re
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings

from apps.common.models import Verification
from apps.recommendations.fingerprint import recommendation_fingerprint, strip_attributions
from apps.recommendations.importers.readers import split_ohchr_themes
from apps.recommendations.models import Recommendation, RecommendationTheme
from apps.reference.wg_report_2009 import parse_report
from apps.reviews.models import Review, Stakeholder
from apps.states.models import MemberState
from apps.vocabulary.models import DPRK_REFUGEES_THEME_CODE, Theme
from apps.web.forms import speaker_resolve
from tests.clients import error_of
from tests.reference.test_wg_report_2009 import _state_names as state_spellings

pytestmark = pytest.mark.usefixtures("reference_data")

ERRATA = settings.BASE_DIR / "fixtures" / "errata" / "ohchr_matrix_extraction_artefacts.csv"
SESSION_OF_REPORT = {"A/HRC/25/5": 17, "A/HRC/40/6": 31}
_WORD = re.compile(r"[A-Za-z]+")


def matrix_rows(shared_data_dir: Path) -> list[dict[str, str]]:
    path = shared_data_dir / "china_recommendations_2013_2018_ohchr_matrix.csv"
    return list(csv.DictReader(path.open(encoding="utf-8")))


REPORT_2009 = "A/HRC/11/25"


def errata_rows(*, report_2009: bool = False) -> list[dict[str, str]]:
    """The errata of the OHCHR matrices (2013, 2018), or those of China's 2009 report."""
    rows = csv.DictReader(ERRATA.open(encoding="utf-8"))
    return [row for row in rows if (row["wg_report"] == REPORT_2009) == report_2009]


def recommendation(session: int, paragraph: str) -> Recommendation:
    return Recommendation.objects.get(
        review__state_under_review__iso3="CHN", review__session__number=session, paragraph=paragraph
    )


# -- themes -----------------------------------------------------------------------------------------
def test_a_theme_name_with_semicolons_stays_whole() -> None:
    f31 = Theme.objects.get(scheme=Theme.Scheme.OHCHR, code="F31")
    assert f31.name == "Children: definition; general principles; protection"
    assert Recommendation.objects.filter(themes=f31).count() == 38


def test_no_theme_is_invented_from_a_split_name() -> None:
    assert not Theme.objects.filter(code__in=["general", "protection"]).exists()
    assert not Theme.objects.filter(scheme=Theme.Scheme.OHCHR).exclude(code__regex=r"^([A-Z][0-9]+|S)$").exists()


def test_the_ohchr_scheme_holds_exactly_the_codes_of_the_matrix(shared_data_dir: Path) -> None:
    codes = {code for row in matrix_rows(shared_data_dir) for code, _ in split_ohchr_themes(row["themes"])}
    stored = set(Theme.objects.filter(scheme=Theme.Scheme.OHCHR).values_list("code", flat=True))
    assert stored == codes
    assert len(codes) == 100


def test_an_ohchr_theme_list_is_cut_at_codes_not_at_semicolons() -> None:
    value = "A12 Acceptance of international norms; F31 Children: definition; general principles; protection; S Sustainable Development Goal implementation"
    assert split_ohchr_themes(value) == [
        ("A12", "Acceptance of international norms"),
        ("F31", "Children: definition; general principles; protection"),
        ("S", "Sustainable Development Goal implementation"),
    ]


# -- texts as the UN printed them -------------------------------------------------------------------
def test_a_joint_paragraph_is_stored_exactly_as_ohchr_printed_it(shared_data_dir: Path) -> None:
    source = next(r for r in matrix_rows(shared_data_dir) if r["paragraph"] == "186.2")
    stored = recommendation(17, "186.2")
    assert stored.text == source["recommendation"].strip()
    assert stored.text.startswith("Ratify as soon as possible ICCPR (Brazil); Speed up")
    assert stored.text.endswith("(Ghana);")
    assert sorted(stored.recommending_states.values_list("iso3", flat=True)) == ["BGR", "BRA", "EST", "GHA"]


def test_every_matrix_text_equals_the_source_but_for_the_listed_errata(shared_data_dir: Path) -> None:
    errata: dict[tuple[str, str], list[dict[str, str]]] = {}
    for row in errata_rows():
        errata.setdefault((row["wg_report"], row["paragraph"]), []).append(row)
    for row in matrix_rows(shared_data_dir):
        expected = row["recommendation"].strip()
        for erratum in errata.get((row["wg_report"], row["paragraph"]), []):
            expected = expected.replace(erratum["before"], erratum["after"])
        assert recommendation(SESSION_OF_REPORT[row["wg_report"]], row["paragraph"]).text == expected


def test_the_display_text_leaves_the_attributions_out_the_stored_text_keeps_them() -> None:
    joint = recommendation(17, "186.70")
    names = [state.name for state in joint.recommending_states.all()]
    shown = strip_attributions(joint.text, names)
    assert "(Latvia)" in joint.text and "(Latvia)" not in shown and "(Hungary)" not in shown
    assert "(CEDAW)" in strip_attributions("Ratify the OP (CEDAW);", ["Japan"])


def test_a_matrix_text_and_the_same_upr_info_text_share_a_fingerprint() -> None:
    stored = recommendation(17, "186.28")
    assert stored.text.endswith("(Mongolia);")
    upr_info = "Continue its efforts on the ratification of other human rights instruments and relevant protocols"
    assert stored.fingerprint == recommendation_fingerprint(upr_info)


# -- errata -----------------------------------------------------------------------------------------
def _reference_vocabulary(shared_data_dir: Path) -> tuple[Counter[str], Counter[tuple[str, str]]]:
    """Words and word pairs of the UPR Info export (41,066 texts typed, not extracted from PDF)."""
    words: Counter[str] = Counter()
    pairs: Counter[tuple[str, str]] = Counter()
    for path in sorted((shared_data_dir / "upr-info-export-2008-2014").glob("sessions-*.csv")):
        text = path.read_bytes().decode("mac_roman").replace("\r", "\n")
        for row in csv.DictReader(io.StringIO(text)):
            tokens = [w.casefold() for w in _WORD.findall(html.unescape(row["Text"]))]
            words.update(tokens)
            pairs.update(zip(tokens, tokens[1:], strict=False))
    return words, pairs


def split_words(text: str, words: Counter[str], pairs: Counter[tuple[str, str]]) -> set[str]:
    """Heuristic: "a b" where "ab" is a word of the reference texts and "a b" never occurs there ("H uman")."""
    found = set()
    tokens = text.split()
    for first, second in zip(tokens, tokens[1:], strict=False):
        if not re.fullmatch(r"[A-Za-z]+", first) or not re.match(r"[A-Za-z]+", second):
            continue
        tail = re.match(r"[A-Za-z]+", second).group()  # type: ignore[union-attr]
        if words[(first + tail).casefold()] >= 2 and pairs[(first.casefold(), tail.casefold())] == 0:
            found.add(f"{first} {tail}")
    return found


def test_no_split_word_is_left_that_the_errata_table_does_not_list(shared_data_dir: Path) -> None:
    words, pairs = _reference_vocabulary(shared_data_dir)
    listed = {row["paragraph"] for row in errata_rows()}
    in_source = {
        row["paragraph"] for row in matrix_rows(shared_data_dir) if split_words(row["recommendation"], words, pairs)
    }
    # The detector sees the artefacts of the source, and the table lists exactly those paragraphs.
    assert in_source == listed and len(listed) >= 13
    left = {
        rec.paragraph: split_words(rec.text, words, pairs)
        for rec in Recommendation.objects.filter(review__session__number__in=[17, 31], text_status="verbatim")
    }
    assert {paragraph: found for paragraph, found in left.items() if found} == {}


def test_each_erratum_occurs_exactly_once_in_its_source_text(shared_data_dir: Path) -> None:
    source = {(r["wg_report"], r["paragraph"]): r["recommendation"] for r in matrix_rows(shared_data_dir)}
    for row in errata_rows():
        assert source[(row["wg_report"], row["paragraph"])].count(row["before"]) == 1, row
        assert row["reason"] and row["source"], row


def test_the_2009_reports_dotted_hyphens_are_repaired_through_the_table(shared_data_dir: Path) -> None:
    """The 2009 report's text prints some hyphens as full stops ("non.refoulement"); the table repairs them."""
    report = parse_report(
        (shared_data_dir / "china_2009_wg_report_A-HRC-11-25.txt").read_text(encoding="utf-8"),
        state_names=state_spellings(),
    )
    source = {item.paragraph: item.text for item in report.recommendations}
    rows = errata_rows(report_2009=True)
    for row in rows:
        assert source[row["paragraph"]].count(row["before"]) == 1, row
    dotted = {p for p, text in source.items() if re.search(r"(?<![a-z]\.)\b[a-z]+\.[a-z]{2,}", text)}
    assert dotted == {row["paragraph"] for row in rows}  # every one listed ("e.g." is not an artefact)
    for row in rows:
        rec = Recommendation.objects.get(review__session__number=4, paragraph=row["paragraph"])
        assert row["after"] in rec.text and row["before"] not in rec.text
        assert [e["after"] for e in rec.errata_applied] == [row["after"]]


def test_a_corrected_recommendation_discloses_its_errata() -> None:
    rec = recommendation(17, "186.66")
    assert "Commission of Inquiry on Human Rights in the Democratic" in rec.text
    assert rec.errata_applied == [
        {
            "before": "H uman R ights",
            "after": "Human Rights",
            "reason": "PDF extraction split a word",
            "source": next(r["source"] for r in errata_rows() if r["paragraph"] == "186.66"),
        }
    ]
    assert len(recommendation(17, "186.81").errata_applied) == 3
    assert recommendation(17, "186.2").errata_applied == []


def test_the_api_and_the_review_page_show_the_errata(api, client) -> None:  # type: ignore[no-untyped-def]
    rec = recommendation(17, "186.66")
    body = api().get(f"/recommendations/{rec.pk}/").json()
    assert body["errata_applied"][0]["after"] == "Human Rights"
    page = client.get(f"/reviews/{rec.review_id}/").content.decode()
    assert "Extraction artefacts corrected: 3" in page  # 186.81
    assert "Extraction artefact corrected: 1" in page


# -- explicit or related ----------------------------------------------------------------------------
def test_the_refugee_rows_say_whether_they_name_the_dprk(shared_data_dir: Path) -> None:
    rows = list(csv.DictReader((shared_data_dir / "china_dprk_refugee_recommendations.csv").open(encoding="utf-8")))
    links = RecommendationTheme.objects.filter(theme__code=DPRK_REFUGEES_THEME_CODE).select_related(
        "recommendation__review__session"
    )
    assert links.count() == len(rows) == 9
    by_key = {}
    for link in links:
        rec = link.recommendation
        state = rec.recommending_states.get()
        by_key[(rec.review.session.number, rec.paragraph or state.name)] = link.mention
        # China 2009: the report's paragraph 117 lists whole dialogue paragraphs ("82") where the refugee
        # file names a sub-item ("82(a)"); the record keeps the report's reference and notes the file's.
        quoted = re.search(r"The refugee file gives the paragraph as (\S+?) and", rec.note)
        if quoted:
            by_key[(rec.review.session.number, quoted.group(1))] = link.mention
    for row in rows:
        paragraph = "" if row["paragraph"].startswith("unknown") else row["paragraph"]
        state = MemberState.objects.get(aliases__normalized=row["recommending_state"].casefold())
        expected = "explicit" if row["dprk_explicit"].startswith("yes") else "related"
        assert by_key[(int(row["wg_session"]), paragraph or state.name)] == expected, row


def test_the_two_matrix_rows_that_do_not_name_the_dprk_are_related() -> None:
    for session, paragraph in [(31, "28.301"), (17, "186.242")]:
        link = RecommendationTheme.objects.get(
            recommendation=recommendation(session, paragraph), theme__code=DPRK_REFUGEES_THEME_CODE
        )
        assert link.mention == RecommendationTheme.Mention.RELATED


def test_the_api_filters_on_the_mention_and_shows_it(api) -> None:  # type: ignore[no-untyped-def]
    explicit = api().get("/recommendations/", {"theme": DPRK_REFUGEES_THEME_CODE, "mention": "explicit"}).json()
    related = api().get("/recommendations/", {"theme": DPRK_REFUGEES_THEME_CODE, "mention": "related"}).json()
    assert explicit["count"] == 5 and related["count"] == 4
    assert {r["paragraph"] for r in related["results"]} == {"82", "186.242", "186.243", "28.301"}
    theme = next(t for t in related["results"][0]["themes"] if t["code"] == DPRK_REFUGEES_THEME_CODE)
    assert theme["mention"] == "related"
    # Without theme, the mention applies to the project theme.
    assert api().get("/recommendations/", {"mention": "explicit"}).json()["count"] == 5


def test_an_unknown_mention_is_a_400_in_the_error_envelope(api) -> None:  # type: ignore[no-untyped-def]
    response = api().get("/recommendations/", {"theme": DPRK_REFUGEES_THEME_CODE, "mention": "maybe"})
    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["mention"]


# -- verification levels ----------------------------------------------------------------------------
def reviews() -> dict[int, Review]:
    return {
        r.session.number: r for r in Review.objects.filter(state_under_review__iso3="CHN").select_related("session")
    }


def test_the_2009_report_symbol_is_reported_not_verified() -> None:
    review = reviews()[4]
    assert review.report_symbol == "A/HRC/11/25" and review.report_symbol_verified is False
    assert review.facts_sources["report_symbol"]["verification"] == Verification.REPORTED
    assert review.facts_sources["troika"]["verification"] == Verification.VERIFIED


def test_the_2009_head_of_delegation_comes_from_the_report() -> None:
    review = reviews()[4]
    assert review.head_of_delegation.startswith("H.E. Mr. LI Baodong")
    assert review.facts_sources["head_of_delegation"]["verification"] == Verification.VERIFIED
    assert all(reviews()[n].head_of_delegation == "" for n in (17, 31, 45, 59))  # no source in the record


def test_the_review_facts_carry_their_levels() -> None:
    by_session = reviews()
    assert by_session[17].facts_sources["report_symbol"]["verification"] == Verification.VERIFIED
    assert by_session[17].facts_sources["troika"]["verification"] == Verification.REPORTED
    assert by_session[45].facts_sources["report_symbol"]["verification"] == Verification.REPORTED
    for review in by_session.values():
        for fact in review.facts_sources.values():
            assert fact["source"] and fact["verification"] in Verification.values


def test_the_2024_figure_is_delegations_registered_not_spoken() -> None:
    review = reviews()[45]
    assert review.speakers_count is None
    assert "More than 160 delegations registered" in review.notes and "spoke" not in review.notes


def test_the_2009_notes_keep_the_reports_words() -> None:
    review = reviews()[4]
    assert "lack of time" not in review.notes and "were not able to make their statements" in review.notes
    help_text = str(Review._meta.get_field("speakers_unable_count").help_text)
    assert "lack of time" not in help_text


def test_the_2024_paraphrases_keep_symbol_unverified_and_paragraph_unknown(api) -> None:  # type: ignore[no-untyped-def]
    paraphrases = Recommendation.objects.filter(review__session__number=45)
    for rec in paraphrases:
        assert rec.source_document == "A/HRC/56/6 (symbol unverified)"
        assert rec.verification == Verification.REPORTED
        assert rec.paragraph == "" and "38.x" not in rec.note and "Paragraph: unknown." in rec.note
        body = api().get(f"/recommendations/{rec.pk}/").json()
        assert body["source_document"] == "A/HRC/56/6 (symbol unverified)" and body["verification"] == "reported"


def test_the_api_exposes_review_facts_sources_and_coverage(api) -> None:  # type: ignore[no-untyped-def]
    review = reviews()[17]
    body = api().get(f"/reviews/{review.pk}/").json()
    assert body["facts_sources"]["troika"] == {
        "source": review.facts_sources["troika"]["source"],
        "verification": "reported",
    }
    assert body["recommendations_coverage"] == "complete" and body["statements_coverage"] == "none"


def test_the_record_coverage_follows_the_sources() -> None:
    coverage = {n: r.recommendations_coverage for n, r in reviews().items()}
    assert coverage == {4: "complete", 17: "complete", 31: "complete", 45: "partial", 59: "none"}


def test_the_review_page_badges_facts_below_verified(client) -> None:  # type: ignore[no-untyped-def]
    page = client.get(f"/reviews/{reviews()[17].pk}/").content.decode()
    assert 'class="badge badge-reported"' in page
    page_2009 = client.get(f"/reviews/{reviews()[4].pk}/").content.decode()
    assert "LI Baodong" in page_2009 and "lack of time" not in page_2009
    assert "55 inscribed delegations were not able to make their statements" in page_2009


def test_the_dashboard_shows_the_fifth_reviews_window(client) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/").content.decode()
    assert "between 1 November 2028 and 28 February 2029, provisional" in page
    assert 'class="badge badge-estimated"' in page


# -- states and stakeholders ------------------------------------------------------------------------
def test_observers_are_named_without_the_article() -> None:
    names = dict(MemberState.objects.filter(is_observer=True).values_list("iso3", "formal_name"))
    assert names == {"VAT": "Holy See", "PSE": "State of Palestine"}


def test_the_regional_group_notes_are_kept_on_the_states() -> None:
    assert "Not a member of any UN regional group" in MemberState.objects.get(iso3="USA").note
    assert "two UN regional groups" in MemberState.objects.get(iso3="TUR").note


def test_unhcr_resolves_in_the_speaker_lookup_on_a_fresh_install() -> None:
    unhcr = speaker_resolve("UNHCR")
    assert isinstance(unhcr, Stakeholder)
    assert unhcr.name == "Office of the United Nations High Commissioner for Refugees"
    assert unhcr.kind == Stakeholder.Kind.UN_AGENCY
    assert set(Stakeholder.objects.values_list("acronym", flat=True)) >= {
        "UNHCR",
        "OHCHR",
        "UNICEF",
        "UNDP",
        "UN Women",
        "ILO",
        "WHO",
        "UNFPA",
        "UNESCO",
        "UNAIDS",
    }
