"""import_recommendations --format uhri: the OHCHR Universal Human Rights Index export, JSON and XLSX.

Files are built here in the documented shape (shared/data/uhri/README.md), from the real sample record
as a template. The UPR texts of 2024 below are stand-ins written for these tests, not the UN's text.
"""

import copy
import io
import json
import zlib
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from apps.recommendations.importers import ImportSource, MalformedFileError, recommendation_import
from apps.recommendations.importers.paraphrases import Candidate, Paraphrase, paraphrase_replacements
from apps.recommendations.importers.report import SKIPPED_NOT_UPR
from apps.recommendations.models import Recommendation
from apps.reviews.models import Review, Session
from apps.vocabulary.models import DPRK_REFUGEES_THEME_CODE, Theme

# The record of shared/data/uhri/export-record-sample.json, as published (a CRC concluding observation).
SAMPLE: dict[str, Any] = {
    "AffectedPersons": ["Disappeared persons", "Children", "Youth & juveniles", "Women & girls"],
    "AnnotationId": "a9ceae8c-fe1c-40f9-a326-1529e0ab678f",
    "AnnotationType": "- Concerns/Observations",
    "Body": "- CRC",
    "Countries": ["Peru"],
    "DocumentId": "41a0b08f-5a9a-4eb5-985f-05b47986ad82",
    "PublicationDate": "2025-02-12T00:00:00",
    "PublicationDateOnUhri": "2025-03-03T10:53:45.827",
    "Regions": ["Latin America and the Caribbean"],
    "Sdgs": [
        "16.2 - Protect children from abuse, exploitation, trafficking and violence",
        "5.2 - End all violence against and exploitation of women",
        "16.9 - Universal legal identity and birth registration",
    ],
    "Symbol": "CRC/C/PER/CO/6-7",
    "Text": "4.The Committee reminds the State party of the indivisibility and interdependence of all the rights "
    "enshrined in the Convention and emphasizes the importance of all the recommendations contained in the "
    "present concluding observations. The Committee would like to draw the State party's attention to the "
    "recommendations concerning the following areas, in respect of which urgent measures must be taken: birth "
    "registration and nationality (para. 18); abuse, neglect, sexual abuse and exploitation, and disappearances "
    "(paras. 23 and 27); gender-based violence (para. 25); adolescent health (para. 35); and the administration "
    "of child justice (para. 45). ",
    "Themes": [
        "Violence against women",
        "Rights related to name, identity & nationality",
        "Administration of justice & fair trial",
        "Children: protection against exploitation",
        "Right to health",
        "Enforced disappearances",
        "Sexual & gender-based violence",
    ],
    "UprCycle": None,
    "UprPositions": [],
    "UprRecommendingCountry": [],
    "UprRecommendingRegions": [],
    "UprSession": [],
}
# China's 2018 recommendation 28.301 (A/HRC/40/6), as OHCHR prints it: number, text, "(Mexico);".
TEXT_2018 = (
    "Take measures to ensure all children, especially those of asylum seekers and refugees, have access to education"
)
# Stand-ins for two 2024 recommendations of the Republic of Korea (not the UN's text).
TEXT_2024_REFUGEES = (
    "Provide adequate protection to foreign escapees, including those from the Democratic People's Republic of "
    "Korea, respecting international norms such as the principle of non-refoulement, and consider enacting a "
    "domestic refugee law"
)
TEXT_2024_OTHER = "Continue to strengthen the protection of the rights of persons with disabilities"
# Stored as UHRI prints them, the recommending state's attribution included (DESIGN.md, the record's truth).
PRINTED_2024_OTHER = f"{TEXT_2024_OTHER} (Republic of Korea);"
PRINTED_2024_REFUGEES = f"{TEXT_2024_REFUGEES} (Republic of Korea);"


def upr(text: str, *, session: Any = 45, state: str = "China", by: list[str] | None = None, **changes: Any) -> dict:
    """A UPR record in the export's shape, made from the sample record."""
    record = copy.deepcopy(SAMPLE)
    record.update(
        AnnotationId=f"test-{zlib.crc32(f'{text}|{session}|{state}'.encode()):08x}",
        AnnotationType="- Recommendations",
        Body="- UPR",
        Countries=[state],
        Regions=["Asia-Pacific States"],
        Symbol="A/HRC/56/6" if session == 45 else "A/HRC/40/6",
        Text=text,
        Themes=["Refugees & asylum seekers"],
        AffectedPersons=["Refugees & asylum seekers"],
        Sdgs=["16.2 - Protect children from abuse, exploitation, trafficking and violence"],
        UprCycle=4 if session == 45 else 3,
        UprPositions=["Noted"],
        UprRecommendingCountry=by if by is not None else ["Republic of Korea"],
        UprRecommendingRegions=["Asia-Pacific States"],
        UprSession=[session],
    )
    record.update(changes)
    return record


def record_2018_update() -> dict:
    return upr(
        f"28.301 {TEXT_2018} (Mexico);",
        session="31",
        by=["Mexico"],
        UprPositions=["Supported"],
        Themes=["Refugees & asylum seekers", "Right to education"],
        AffectedPersons=["Children", "Refugees & asylum seekers"],
        Sdgs=["4.1 - Free primary and secondary education"],
    )


def records() -> list[dict]:
    """Two records of other mechanisms, China's 2018 28.301, and two 2024 records of the Republic of Korea."""
    return [
        SAMPLE,
        {**SAMPLE, "AnnotationId": "test-cat", "Body": "- CAT", "AnnotationType": "- Recommendations"},
        record_2018_update(),
        upr(
            f"{TEXT_2024_OTHER} (Republic of Korea);", UprPositions=["Supported"], Themes=["Persons with disabilities"]
        ),
        upr(f"{TEXT_2024_REFUGEES} (Republic of Korea);"),
    ]


def json_file(items: list[Any]) -> bytes:
    return json.dumps(items, ensure_ascii=False, indent=1).encode()


def xlsx_file(items: list[dict], *, header: list[str] | None = None) -> bytes:
    """The records as a sheet: one column per key, lists one item a line."""
    keys = header or list(SAMPLE)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(keys)
    for item in items:
        sheet.append(["\n".join(map(str, v)) if isinstance(v, list) else v for v in (item.get(k) for k in keys)])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def run(data: bytes, name: str = "export-full-en.json", **options: Any):  # type: ignore[no-untyped-def]
    return recommendation_import(sources=[ImportSource(name, data)], **options)


def details(report) -> dict[int, tuple[str, str]]:  # type: ignore[no-untyped-def]
    return {o.line: (o.status, o.detail) for o in report.outcomes}


def refugee_paraphrase_of_korea_2024() -> Recommendation:
    return Recommendation.objects.get(
        review__state_under_review__iso3="CHN",
        review__session__number=45,
        recommending_states__iso3="KOR",
        themes__code=DPRK_REFUGEES_THEME_CODE,
    )


@pytest.fixture
def db_ready(reference_data: None) -> None:
    """Reference data loaded: China's reviews, its 2018 recommendations and the 2024 paraphrases."""


def test_the_sample_record_is_the_shared_datas(shared_data_dir: Path) -> None:
    published = json.loads((shared_data_dir / "uhri" / "export-record-sample.json").read_text())

    assert published == [SAMPLE]


def test_it_imports_upr_records_and_skips_the_other_mechanisms(db_ready: None) -> None:
    report = run(json_file(records()))

    assert report.files[0].format == "uhri"
    assert report.files[0].encoding == "JSON"
    assert report.counts == {"created": 1, "updated": 2, "unchanged": 0, "rejected": 2}
    assert sum(report.counts.values()) == report.rows_read == 5
    assert report.skipped == 2
    assert details(report)[1] == ("rejected", f"{SKIPPED_NOT_UPR} (CRC Concerns/Observations)")
    assert details(report)[2] == ("rejected", f"{SKIPPED_NOT_UPR} (CAT Recommendations)")
    assert "2 rejected (2 of them skipped: not a UPR recommendation)" in report.counts_line()
    other = Recommendation.objects.get(review__session__number=45, text=PRINTED_2024_OTHER)
    assert [s.iso3 for s in other.recommending_states.all()] == ["KOR"]
    assert other.response == Recommendation.Response.SUPPORTED
    assert other.source_document == "A/HRC/56/6"
    assert other.text_status == Recommendation.TextStatus.VERBATIM
    assert sorted((t.scheme, t.code, t.name) for t in other.themes.all()) == [
        ("sdg", "16.2", "Protect children from abuse, exploitation, trafficking and violence"),
        ("uhri", "persons-with-disabilities", "Persons with disabilities"),
    ]
    assert not Recommendation.objects.filter(review__state_under_review__iso3="PER").exists()


def test_uhri_themes_are_a_scheme_of_their_own_by_name(db_ready: None) -> None:
    run(json_file(records()))

    theme = Theme.objects.get(scheme=Theme.Scheme.UHRI, name="Refugees & asylum seekers")
    assert theme.code == "refugees-asylum-seekers"
    assert Theme.objects.get(scheme=Theme.Scheme.OHCHR, code="G5").name == "Refugees & asylum seekers"
    assert str(Theme.objects.get(scheme=Theme.Scheme.SDG, code="4.1")) == "4.1 Free primary and secondary education"


def test_a_2018_record_is_updated_in_place_keeping_other_schemes_themes(db_ready: None) -> None:
    before = Recommendation.objects.get(review__session__number=31, paragraph="28.301")
    kept = sorted((t.scheme, t.code) for t in before.themes.all())
    versions = before.history.count()

    report = run(json_file(records()))

    after = Recommendation.objects.get(pk=before.pk)
    assert details(report)[3] == ("updated", "changed: affected_persons, themes")
    assert after.text == before.text == f"{TEXT_2018} (Mexico);"  # as printed, attributions included
    assert after.affected_persons == "Children; Refugees & asylum seekers"
    assert after.response == Recommendation.Response.SUPPORTED
    themes = sorted((t.scheme, t.code) for t in after.themes.all())
    assert themes == sorted(
        [*kept, ("uhri", "refugees-asylum-seekers"), ("uhri", "right-to-education"), ("sdg", "4.1")]
    )
    assert after.history.count() == versions + 1
    assert Recommendation.objects.filter(review__session__number=31).count() == 346


def test_a_2024_paraphrase_becomes_the_un_text_and_keeps_its_history(db_ready: None) -> None:
    paraphrase = refugee_paraphrase_of_korea_2024()
    assert paraphrase.text_status == Recommendation.TextStatus.PARAPHRASE
    reported_text = paraphrase.text

    report = run(json_file(records()))

    replaced = Recommendation.objects.get(pk=paraphrase.pk)
    assert replaced.text == PRINTED_2024_REFUGEES
    assert replaced.text_status == Recommendation.TextStatus.VERBATIM
    assert replaced.text_source.startswith("OHCHR Universal Human Rights Index (UHRI) export, record test-")
    assert replaced.source_document == "A/HRC/56/6"
    assert replaced.response_label == "rejected"  # China's own word, which UHRI does not carry, is kept
    assert DPRK_REFUGEES_THEME_CODE in {t.code for t in replaced.themes.all()}
    history = list(replaced.history.order_by("history_date", "history_id"))
    assert [(h.text, h.text_status) for h in history[-2:]] == [
        (reported_text, "paraphrase"),
        (PRINTED_2024_REFUGEES, "verbatim"),
    ]
    assert details(report)[5][0] == "updated"
    assert details(report)[5][1].startswith("replaced the reported paraphrase; changed: ")
    assert "text" in details(report)[5][1] and "text_status" in details(report)[5][1]
    assert len(report.replacements) == 1
    assert f"recommendation {paraphrase.pk} " in report.replacements[0]
    assert "line 5" in report.replacements[0]
    korea_2024 = Recommendation.objects.filter(review__session__number=45, recommending_states__iso3="KOR")
    assert korea_2024.count() == 2
    # Czechia's paraphrase had no UN text in the file: it stays a paraphrase.
    assert (
        Recommendation.objects.get(review__session__number=45, recommending_states__iso3="CZE").text_status
        == Recommendation.TextStatus.PARAPHRASE
    )


def test_a_paraphrase_is_not_replaced_by_a_text_on_another_subject(db_ready: None) -> None:
    paraphrase = refugee_paraphrase_of_korea_2024()

    report = run(json_file([upr(f"{TEXT_2024_OTHER} (Republic of Korea);")]))

    assert report.counts["created"] == 1
    assert Recommendation.objects.get(pk=paraphrase.pk).text == paraphrase.text
    assert report.replacements == []
    assert any(f"recommendation {paraphrase.pk} " in note and "stays a paraphrase" in note for note in report.notes)


def test_a_second_import_changes_nothing(db_ready: None) -> None:
    data = json_file(records())
    run(data)
    rows = Recommendation.objects.count()
    history = Recommendation.history.count()

    again = run(data)

    assert again.counts == {"created": 0, "updated": 0, "unchanged": 3, "rejected": 2}
    assert again.replacements == []
    assert Recommendation.objects.count() == rows
    assert Recommendation.history.count() == history


def test_the_xlsx_export_imports_like_the_json_one(db_ready: None) -> None:
    report = run(xlsx_file(records()), name="uhri-download")

    assert report.files[0].format == "uhri"
    assert report.files[0].encoding == "XLSX"
    assert report.counts == {"created": 1, "updated": 2, "unchanged": 0, "rejected": 2}
    assert [o.line for o in report.outcomes] == [2, 3, 4, 5, 6]
    assert (
        Recommendation.objects.get(
            review__session__number=45, recommending_states__iso3="KOR", text=PRINTED_2024_REFUGEES
        ).text_status
        == Recommendation.TextStatus.VERBATIM
    )
    assert Recommendation.objects.get(review__session__number=31, paragraph="28.301").affected_persons == (
        "Children; Refugees & asylum seekers"
    )
    assert run(xlsx_file(records()), name="again.xlsx").counts["unchanged"] == 3


def test_odd_values_are_reported_per_record_not_guessed(db_ready: None) -> None:
    items = [
        upr("Ratify the first test convention", UprPositions=["Accepted in part"]),
        upr("Ratify the second test convention", by=["Narnia"]),
        upr("Ratify the third test convention", Symbol=""),
        upr("Ratify the fourth test convention", UprPositions=["Supported", "Noted"]),
        upr("Ratify the fifth test convention", UprCycle=3),
        upr("Ratify the sixth test convention", Sdgs=["Protect children"]),
        upr("Ratify the seventh test convention", UprSession=[]),
        upr("Ratify the eighth test convention", Countries=["China", "Peru"]),
        upr("Ratify the ninth test convention", UprPositions=["supported"]),
    ]

    report = run(json_file(items))

    outcome = details(report)
    assert outcome[1][1].startswith("unknown position 'Accepted in part' (expected Supported or Noted)")
    assert outcome[2][1].startswith("unknown recommending state 'Narnia'")
    assert outcome[3][0] == "created"
    assert "no Symbol" in outcome[3][1]
    assert any(note.startswith("export-full-en.json, line 3: no Symbol") for note in report.notes)
    assert outcome[4][1].startswith("several positions (Noted, Supported)")
    assert outcome[5][1].startswith("UPR cycle 3 contradicts session 45 (cycle 4)")
    assert outcome[6][1].startswith("SDG 'Protect children' is not written 'target - title'")
    assert outcome[7][1].startswith("a UPR record without its UPR session")
    assert outcome[8][1].startswith("a UPR record names 2 states under review (China, Peru), not one")
    assert outcome[9][0] == "created"
    assert report.counts == {"created": 2, "updated": 0, "unchanged": 0, "rejected": 7}
    assert report.skipped == 0
    assert "[UHRI test-" in outcome[1][1]
    third = Recommendation.objects.get(text="Ratify the third test convention")
    assert third.source_document == ""
    assert Recommendation.objects.get(text="Ratify the ninth test convention").response == "supported"


def test_a_review_not_yet_held_is_created_without_dates_and_reported(db_ready: None) -> None:
    assert not Session.objects.filter(number=44).exists()

    report = run(json_file([upr("Adopt a test plan", session="44", state="Mexico", by=["Chile"], UprCycle=4)]))

    assert report.created_sessions == [44]
    assert report.created_reviews == ["MEX in session 44"]
    session = Session.objects.get(number=44)
    assert (session.starts_on, session.ends_on, session.cycle.number) == (None, None, 4)
    assert Review.objects.filter(state_under_review__iso3="MEX", session=session).exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (json_file([SAMPLE])[:-20], "is not valid JSON after record 0: parse error"),
        (b'{"records": []}', "is JSON, but its top level is not an array of UHRI records"),
        (json_file([upr("Ratify a test convention"), "not a record"]), "record 2 is str, not an object"),
        (json_file([upr("Ratify a test convention")]) + b" trailing", "is not valid JSON after record 1"),
        (xlsx_file([upr("Ratify a test convention")], header=["Id", "Text", "Country"]), "has no header row"),
        (b"PK\x03\x04 not really a zip", "is not a readable XLSX workbook"),
    ],
    ids=["truncated-json", "top-level-object", "non-object-record", "trailing-garbage", "xlsx-header", "bad-zip"],
)
def test_a_malformed_file_writes_nothing(db_ready: None, data: bytes, message: str) -> None:
    recommendations, sessions, themes = Recommendation.objects.count(), Session.objects.count(), Theme.objects.count()
    valid_first = ImportSource("first.json", json_file([upr("Ratify a test convention", session=44, UprCycle=4)]))

    with pytest.raises(MalformedFileError, match=f"^bad {message}"):
        recommendation_import(sources=[valid_first, ImportSource("bad", data)])

    assert (Recommendation.objects.count(), Session.objects.count(), Theme.objects.count()) == (
        recommendations,
        sessions,
        themes,
    )


def test_format_uhri_refuses_a_csv(db_ready: None) -> None:
    with pytest.raises(MalformedFileError, match="is not a UHRI export"):
        run(b"state_under_review,session,text,recommending_states\r\nCHN,45,x,KOR\r\n", fmt="uhri")


def test_the_command_reads_the_export_whatever_its_name(db_ready: None, tmp_path: Path, capsys) -> None:
    source = tmp_path / "download.dat"
    source.write_bytes(json_file(records()))
    report_path = tmp_path / "report.json"

    call_command("import_recommendations", str(source), "--report", str(report_path))

    out = capsys.readouterr().out
    assert "download.dat: uhri, JSON" in out
    assert "5 rows read: 1 created, 2 updated, 0 unchanged (0 duplicate rows), 2 rejected (2 of them skipped" in out
    assert "replaced: recommendation" in out
    assert "rejected: download.dat" not in out  # skipped records are counted, not listed one by one
    written = json.loads(report_path.read_text())
    assert written["skipped_not_upr"] == 2
    assert len(written["replacements"]) == 1


def test_the_command_exits_non_zero_on_a_malformed_export(db_ready: None, tmp_path: Path) -> None:
    source = tmp_path / "export.json"
    source.write_bytes(b'[{"Body": "- UPR",')

    with pytest.raises(CommandError, match=r"^Nothing imported: export.json is not valid JSON"):
        call_command("import_recommendations", str(source), "--format", "uhri")
    assert not Recommendation.objects.filter(text_source__startswith="OHCHR Universal").exists()


ADMIN_URL = reverse("admin:recommendations_recommendation_import")


def test_the_admin_offers_the_uhri_format(db_ready: None, client_for, staff) -> None:  # type: ignore[no-untyped-def]
    page = client_for(staff).get(ADMIN_URL).content.decode()

    assert '<option value="uhri">uhri</option>' in page


def test_staff_upload_the_xlsx_export_in_the_admin(db_ready: None, client_for, staff) -> None:  # type: ignore[no-untyped-def]
    upload = SimpleUploadedFile("uhri.xlsx", xlsx_file(records()), content_type="application/octet-stream")

    response = client_for(staff).post(ADMIN_URL, {"file": upload, "format": "uhri", "dry_run": ""})

    page = response.content.decode()
    assert response.status_code == 200
    assert "5 rows read: 1 created, 2 updated, 0 unchanged (0 duplicate rows), 2 rejected" in page
    assert "replaced: recommendation" in page
    assert refugee_paraphrase_of_korea_2024().text == PRINTED_2024_REFUGEES


def test_a_malformed_upload_is_a_form_error_and_writes_nothing(db_ready: None, client_for, staff) -> None:  # type: ignore[no-untyped-def]
    upload = SimpleUploadedFile("uhri.json", b'{"not": "an array"}', content_type="application/json")

    response = client_for(staff).post(ADMIN_URL, {"file": upload, "format": "", "dry_run": ""})

    assert response.status_code == 400
    assert "Nothing imported: uhri.json is JSON, but its top level is not an array" in response.content.decode()
    assert refugee_paraphrase_of_korea_2024().text_status == Recommendation.TextStatus.PARAPHRASE


def paraphrase(pk: int, text: str, *, states: frozenset[int] = frozenset({1}), on_theme: bool = True) -> Paraphrase:
    return Paraphrase(Recommendation(pk=pk, review_id=7, text=text), states, on_theme)


def test_each_paraphrase_takes_its_closest_text_once() -> None:
    found, left = paraphrase_replacements(
        candidates=[
            Candidate("other", 7, frozenset({1}), TEXT_2024_OTHER),
            Candidate("refugees", 7, frozenset({1}), TEXT_2024_REFUGEES),
            Candidate("another review", 8, frozenset({1}), TEXT_2024_REFUGEES),
        ],
        paraphrases=[
            paraphrase(
                1,
                "provide adequate protection to foreign escapees including those from the DPRK; respect "
                "international norms including the principle of non-refoulement",
            ),
            paraphrase(2, "protect foreign escapees from the DPRK and respect non-refoulement"),
        ],
    )

    assert {key: r.recommendation.pk for key, r in found.items()} == {"refugees": 1}
    assert [rec.pk for rec, _score in left] == [2]


def test_a_paraphrase_on_the_project_theme_wants_a_text_on_that_subject() -> None:
    generic = "respect international norms and provide adequate protection to foreign workers"
    candidates = [Candidate("workers", 7, frozenset({1}), generic)]
    text = "provide adequate protection to foreign escapees; respect international norms"

    on_theme, _ = paraphrase_replacements(candidates=candidates, paraphrases=[paraphrase(1, text)])
    off_theme, _ = paraphrase_replacements(candidates=candidates, paraphrases=[paraphrase(1, text, on_theme=False)])

    assert on_theme == {}
    assert list(off_theme) == ["workers"]


def test_a_paraphrase_of_one_state_is_not_replaced_by_another_states_text() -> None:
    found, left = paraphrase_replacements(
        candidates=[Candidate("czechia", 7, frozenset({2}), TEXT_2024_REFUGEES)],
        paraphrases=[paraphrase(1, TEXT_2024_REFUGEES)],
    )

    assert found == {}
    assert left == []
