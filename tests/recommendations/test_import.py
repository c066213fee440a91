"""import_recommendations: every format, broken files, idempotency; every row accounted for."""

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from apps.recommendations.importers import ImportSource, MalformedFileError, recommendation_import
from apps.recommendations.models import Recommendation
from apps.reviews.models import Review, Session
from apps.vocabulary.models import Theme

UPR_HEADER = "To,To-Rgrp,To-Org,Text,From,From-Rgrp,From-Org,Response,Action,Issue,Session"
# Real rows of the UPR Info export (session 5, Afghanistan), plus one naming "Iran" its own way.
UPR_ROWS = [
    'Afghanistan,Asia,OIC,"Enact legislation and take effective measures to protect and promote women\'s rights.",'
    'Austria,WEOG,EU,Accepted,5,"Rights of the Child,Women\'s rights",5',
    "Afghanistan,Asia,OIC,Submit its delayed reports to the Committee against Torture.,Czech Republic,EEG,EU,"
    "Accepted,5,Torture and other CID treatment,5",
    'Afghanistan,Asia,OIC,"Consider a moratorium on the death penalty, with a view to its abolition.",Iran,Asia,OIC,'
    "Noted,4,Death penalty,5",
]


def upr_file(rows: list[str], *, encoding: str = "mac_roman", newline: str = "\r") -> bytes:
    return newline.join([UPR_HEADER, *rows]).encode(encoding) + newline.encode()


def run(data: bytes, name: str = "test.csv", **options):  # type: ignore[no-untyped-def]
    return recommendation_import(sources=[ImportSource(name, data)], **options)


def statuses(report) -> list[tuple[int, str]]:  # type: ignore[no-untyped-def]
    return [(o.line, o.status) for o in report.outcomes]


@pytest.fixture
def db_ready(reference_data: None) -> None:
    """Reference data loaded: states and their aliases, cycles, China's reviews and themes."""


def test_it_imports_the_upr_info_export_as_it_comes(db_ready: None) -> None:
    report = run(upr_file(UPR_ROWS))

    assert report.files[0].format == "upr-info"
    assert report.files[0].line_ending == "CR"
    assert report.counts == {"created": 3, "updated": 0, "unchanged": 0, "rejected": 0}
    review = Review.objects.get(state_under_review__iso3="AFG", session__number=5)
    assert review.session.cycle.number == 1
    assert review.status == Review.Status.COMPLETED
    moratorium = Recommendation.objects.get(review=review, text__startswith="Consider a moratorium")
    assert [s.iso3 for s in moratorium.recommending_states.all()] == ["IRN"]
    assert moratorium.response == Recommendation.Response.NOTED
    assert moratorium.action_category == 4
    assert [(t.scheme, t.code, t.name) for t in moratorium.themes.all()] == [
        ("upr_info", "death-penalty", "Death penalty")
    ]
    womens = Recommendation.objects.get(review=review, text__startswith="Enact legislation")
    assert womens.response == Recommendation.Response.SUPPORTED
    assert sorted(t.name for t in womens.themes.all()) == ["Rights of the Child", "Women's rights"]


def test_it_reads_mac_roman_accents_correctly(db_ready: None) -> None:
    row = 'Afghanistan,Asia,OIC,"Ratify the Convention (Sécurité, Genève).",Austria,WEOG,EU,Accepted,5,Other,5'
    report = run(upr_file([row] + UPR_ROWS[:1]))

    assert report.files[0].encoding == "Mac Roman"
    assert Recommendation.objects.filter(text="Ratify the Convention (Sécurité, Genève).").exists()


def test_it_reads_windows_1252_and_says_so(db_ready: None) -> None:
    data = upr_file(
        [
            'Afghanistan,Asia,OIC,"Protect the rights of the Hazara and the Tadjiks (Genève).",'
            "Austria,WEOG,EU,Accepted,3,Minorities,5"
        ],
        encoding="cp1252",
        newline="\r\n",
    )
    report = run(data.replace(b"Gen\xe8ve", b"Gen\xe8ve \x93quoted\x94"))

    assert report.files[0].encoding == "Windows-1252"
    assert report.files[0].line_ending == "CRLF"
    assert Recommendation.objects.filter(text__contains="Genève “quoted”").exists()


def test_it_reads_utf8_with_a_byte_order_mark(db_ready: None) -> None:
    report = run(b"\xef\xbb\xbf" + upr_file(UPR_ROWS[:1], encoding="utf-8", newline="\n"))

    assert report.files[0].encoding == "UTF-8 with BOM"
    assert report.counts["created"] == 1


def test_importing_the_same_file_twice_creates_nothing_the_second_time(db_ready: None) -> None:
    run(upr_file(UPR_ROWS))
    total = Recommendation.objects.count()

    again = run(upr_file(UPR_ROWS))

    assert again.counts == {"created": 0, "updated": 0, "unchanged": 3, "rejected": 0}
    assert Recommendation.objects.count() == total


def test_a_recommendation_already_present_is_updated_not_duplicated(db_ready: None) -> None:
    first = run(upr_file(UPR_ROWS))
    assert first.counts["created"] == 3
    total = Recommendation.objects.count()
    changed = UPR_ROWS[2].replace("Noted,4,Death penalty", 'Accepted,5,"Death penalty,Justice"')

    report = run(upr_file([changed]))

    assert statuses(report) == [(2, "updated")]
    assert report.outcomes[0].detail == "changed: response, action_category, themes"
    assert Recommendation.objects.count() == total
    moratorium = Recommendation.objects.get(text__startswith="Consider a moratorium on the death penalty, with")
    assert moratorium.response == Recommendation.Response.SUPPORTED
    assert moratorium.action_category == 5
    assert sorted(t.code for t in moratorium.themes.all()) == ["death-penalty", "justice"]
    assert moratorium.history.count() == 2  # created, then updated: the history is kept


def test_an_update_keeps_themes_of_other_schemes(db_ready: None) -> None:
    run(upr_file(UPR_ROWS[2:]))
    moratorium = Recommendation.objects.get(text__startswith="Consider a moratorium on the death penalty, with")
    project_theme = Theme.objects.get(scheme="project")
    moratorium.themes.add(project_theme)

    run(upr_file([UPR_ROWS[2].replace("Death penalty,5", "Justice,5")]))

    assert sorted(t.code for t in moratorium.themes.all()) == ["dprk-refugees", "justice"]


def test_unknown_states_are_rejected_with_their_line_and_a_suggestion(db_ready: None) -> None:
    rows = [
        UPR_ROWS[0],
        UPR_ROWS[1].replace("Czech Republic", "Czech Republik"),
        UPR_ROWS[2].replace("Afghanistan", "Atlantis"),
    ]

    report = run(upr_file(rows))

    assert statuses(report) == [(2, "created"), (3, "rejected"), (4, "rejected")]
    assert report.outcomes[1].detail.startswith(
        "unknown recommending state 'Czech Republik' (did you mean 'Czech Republic'"
    )
    assert report.outcomes[2].detail.startswith("unknown state under review 'Atlantis'")
    assert report.unknown_states["Czech Republik"][0] == 1
    assert report.unknown_states["Czech Republik"][1][0] == "Czech Republic"
    assert report.unknown_states["Atlantis"][0] == 1


def test_broken_rows_are_rejected_one_by_one_and_the_counts_add_up(db_ready: None) -> None:
    rows = [
        UPR_ROWS[0],
        "Afghanistan,Asia,OIC,,Austria,WEOG,EU,Accepted,5,Other,5",  # empty text
        UPR_ROWS[1].replace("Submit", "Sub\x00mit"),  # a NUL byte
        "Afghanistan,Asia,OIC,Too few columns,Austria",
        UPR_ROWS[2].replace("Noted,4", "Maybe,4"),
        UPR_ROWS[2].replace("Noted,4", "Noted,9"),
        UPR_ROWS[2].replace("Death penalty,5", "Death penalty,five"),
        UPR_ROWS[2].replace("Iran,Asia", ",Asia"),  # no recommending state
    ]

    report = run(upr_file(rows))

    assert [(o.line, o.status, o.detail) for o in report.outcomes] == [
        (2, "created", ""),
        (3, "rejected", "text: This field cannot be blank."),
        (4, "rejected", "contains NUL bytes (column Text)"),
        (5, "rejected", "has 5 columns, the header 11"),
        (6, "rejected", "unknown response 'Maybe' (expected Accepted/Supported, Noted or Pending)"),
        (7, "rejected", "action category '9' is not 1 to 5"),
        (8, "rejected", "session 'five' is not a number"),
        (9, "rejected", "no recommending state"),
    ]
    assert report.rows_read == 8 == sum(report.counts.values())
    assert Recommendation.objects.filter(review__session__number=5).count() == 1


def test_duplicate_rows_are_folded_into_the_first_and_reported(db_ready: None) -> None:
    # As in the real export (sessions-14-17.csv, lines 8611 and 8613: Tonga, United Kingdom).
    rows = [UPR_ROWS[0], UPR_ROWS[1], UPR_ROWS[0], UPR_ROWS[0].replace("rights.", "rights. ")]

    report = run(upr_file(rows))

    assert statuses(report) == [(2, "created"), (3, "created"), (4, "unchanged"), (5, "unchanged")]
    assert report.duplicates == 2
    assert report.outcomes[2].duplicate_of == 2
    assert report.outcomes[2].recommendation_id == report.outcomes[0].recommendation_id
    assert Recommendation.objects.filter(text__startswith="Enact legislation").count() == 1


def test_a_repeated_row_that_contradicts_the_first_is_rejected(db_ready: None) -> None:
    report = run(upr_file([UPR_ROWS[2], UPR_ROWS[2].replace("Noted", "Accepted")]))

    assert statuses(report) == [(2, "created"), (3, "rejected")]
    assert report.outcomes[1].detail == "repeats test.csv line 2 but differs: response 'supported' there 'noted'"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "is empty"),
        (b"To,Text,From,Session\rA,B,C,1\r", "is missing the upr-info column(s) To-Rgrp, To-Org"),
        (b"name,value\rx,1\r", "has an unknown header (name, value)"),
        ("\ufeffTo,Text".encode("utf-16"), "is encoded in UTF-16"),
        ("To,Text,From".encode("utf-16-le"), "looks binary or UTF-16"),
        (b"text,recommending_states,state_under_review,text\r", "has the column(s) text twice"),
    ],
)
def test_a_malformed_file_fails_with_a_clear_message_and_changes_nothing(
    db_ready: None, data: bytes, message: str
) -> None:
    before = Recommendation.objects.count(), Session.objects.count()

    with pytest.raises(MalformedFileError) as error:
        run(upr_file(UPR_ROWS) + b"", name="good.csv")  # a good file first: it must be rolled back too
        recommendation_import(sources=[ImportSource("good.csv", upr_file(UPR_ROWS)), ImportSource("bad.csv", data)])

    assert str(error.value).startswith("bad.csv ")
    assert message in str(error.value)
    assert (Recommendation.objects.count(), Session.objects.count()) == (before[0] + 3, before[1] + 1)


def test_a_dry_run_reports_everything_and_writes_nothing(db_ready: None) -> None:
    before = Recommendation.objects.count(), Session.objects.count(), Theme.objects.count()

    report = run(upr_file(UPR_ROWS), dry_run=True)

    assert report.counts["created"] == 3
    assert report.created_sessions == [5]
    assert (Recommendation.objects.count(), Session.objects.count(), Theme.objects.count()) == before


OHCHR_HEADER = (
    "cycle,wg_session,state_under_review,wg_report,paragraph,recommendation,recommending_states,position,"
    "source_of_position,matrix_theme_heading,themes,affected_persons"
)


def test_it_imports_the_ohchr_matrix_and_matches_the_reference_rows(db_ready: None) -> None:
    # 186.28 is in the fixtures (from the same matrix); 28.999 is a row made up for the test.
    data = "\n".join(
        [
            OHCHR_HEADER,
            "2,17,China,A/HRC/25/5,186.28,Continue its efforts on the ratification of other human rights "
            "instruments and relevant protocols (Mongolia);,Mongolia,Supported,A/HRC/25/5/Add.1 - Para. 186.28.,"
            "A12 Acceptance of international norms,A12 Acceptance of international norms; B51 Right to an "
            "effective remedy,general",
            '3,31,China,A/HRC/40/6,28.999,"Test: protect refugees (Germany);",Germany; France,Noted,,'
            "G5 Refugees,G5 Refugees & asylum seekers; Z9 Test theme,refugees & asylum seekers",
        ]
    ).encode()

    report = run(data)

    assert report.files[0].format == "ohchr-matrix"
    assert statuses(report) == [(2, "unchanged"), (3, "created")]
    created = Recommendation.objects.get(paragraph="28.999")
    assert created.text == "Test: protect refugees (Germany);"  # as OHCHR prints it, attribution included
    assert sorted(s.iso3 for s in created.recommending_states.all()) == ["DEU", "FRA"]
    assert sorted(t.code for t in created.themes.all()) == ["G5", "Z9"]
    assert report.created_themes == ["ohchr:Z9"]


def test_a_new_row_cannot_take_a_paragraph_already_used(db_ready: None) -> None:
    data = "\n".join([OHCHR_HEADER, "2,17,China,A/HRC/25/5,186.28,Another text (France);,France,Noted,,,,"]).encode()

    report = run(data)

    assert report.outcomes[0].status == "rejected"
    assert report.outcomes[0].detail.startswith("paragraph 186.28 of this review already holds recommendation ")


CSV_HEADER = "state_under_review,session,paragraph,text,recommending_states,response,action_category,themes,note"


def test_it_imports_our_own_csv(db_ready: None) -> None:
    data = "\n".join(
        [
            CSV_HEADER,
            'CHN,45,,"Respect the principle of non-refoulement.",USA;Republic of Korea,pending,,project:dprk-refugees,',
            "CHN,45,,Some text.,USA,pending,,project:no-such-theme,",
            "CHN,45,,Some text.,USA,pending,,not-a-theme,",
        ]
    ).encode()

    report = run(data)

    assert [(o.status, o.detail) for o in report.outcomes] == [
        ("created", ""),
        ("rejected", "unknown theme project:no-such-theme"),
        ("rejected", "theme 'not-a-theme' is not written scheme:code (e.g. ohchr:G5)"),
    ]
    created = Recommendation.objects.get(pk=report.outcomes[0].recommendation_id)
    assert sorted(s.iso3 for s in created.recommending_states.all()) == ["KOR", "USA"]
    assert [t.code for t in created.themes.all()] == ["dprk-refugees"]
    assert created.review.session.number == 45


def test_the_command_prints_the_summary_and_writes_the_report(db_ready: None, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "upr.csv"
    source.write_bytes(upr_file([*UPR_ROWS, UPR_ROWS[0].replace("Austria", "Narnia")]))
    report_path = tmp_path / "report.csv"

    call_command("import_recommendations", str(source), "--format", "upr-info", "--report", str(report_path))

    out = capsys.readouterr().out
    assert "4 rows read: 3 created, 0 updated, 0 unchanged (0 duplicate rows), 1 rejected" in out
    assert "rejected: upr.csv, line 5: unknown recommending state 'Narnia'" in out
    lines = report_path.read_text().splitlines()
    assert lines[0] == "file,line,status,recommendation_id,duplicate_of_line,detail"
    assert len(lines) == 5
    assert lines[4].startswith("upr.csv,5,rejected,,,unknown recommending state 'Narnia'")


def test_the_command_refuses_a_malformed_file_with_a_clear_message(db_ready: None, tmp_path: Path) -> None:
    source = tmp_path / "bad.csv"
    source.write_bytes(b"name,value\r")

    with pytest.raises(CommandError, match=r"^Nothing imported: bad.csv has an unknown header"):
        call_command("import_recommendations", str(source))


# -- physical lines: an unterminated quote never swallows a line silently ------------------------------
def test_an_unterminated_quote_does_not_swallow_the_next_line(db_ready: None) -> None:
    # Its closing quote lost: csv reads on, through line 3, up to the next quote, in line 4.
    broken = "Afghanistan,Asia,OIC,\"Enact legislation on asylum,Austria,WEOG,EU,Accepted,5,Women's rights,5"

    report = run(upr_file([broken, UPR_ROWS[1], UPR_ROWS[2]]))

    assert statuses(report) == [(2, "rejected"), (3, "created"), (4, "created")]
    assert report.files[0].lines == 4
    assert "test.csv: upr-info, UTF-8, line endings CR (valid UTF-8); 3 rows on 4 lines" in report.summary_lines()
    assert report.rejected_lines() == [
        "test.csv, line 2: a quoted field opened on line 2 is not closed on its line (an unterminated quote) and "
        "ran on to line 4; a upr-info file has no multi-line fields: lines 3–4 are read on their own"
    ]
    counts = report.counts
    assert report.rows_read == sum(counts.values()) == 3
    assert not Recommendation.objects.filter(text__contains="Submit its delayed reports\r").exists()
    assert Recommendation.objects.filter(text="Submit its delayed reports to the Committee against Torture.").exists()


def test_an_unterminated_quote_up_to_the_end_of_the_file_is_reported_line_by_line(db_ready: None) -> None:
    # Two columns merged into one would keep the column count: the quote count still gives it away.
    broken = 'Afghanistan,Asia,OIC,"Ratify the Zanzibar Accord,Austria,WEOG,EU,Accepted,5,Other,5'

    report = run(upr_file([UPR_ROWS[1], broken, UPR_ROWS[2].replace('"', "")]))

    assert statuses(report)[0] == (2, "created")
    assert (3, "rejected") in statuses(report)
    assert report.rows_read == sum(report.counts.values())
    assert {o.line for o in report.outcomes} == {2, 3, 4}
    assert not Recommendation.objects.filter(text__startswith="Ratify the Zanzibar").exists()


def test_our_own_csv_keeps_its_multi_line_texts(db_ready: None) -> None:
    data = (
        b"state_under_review,session,text,recommending_states\r\n"
        b'CHN,17,"First paragraph.\r\nSecond paragraph.",KOR\r\n'
        b"CHN,17,Another one.,JPN\r\n"
    )

    report = run(data)

    assert statuses(report) == [(2, "created"), (4, "created")]
    assert Recommendation.objects.filter(text="First paragraph.\r\nSecond paragraph.").exists()


def test_our_own_csv_rejects_an_unterminated_quote_with_its_line_span(db_ready: None) -> None:
    data = (
        b"state_under_review,session,text,recommending_states\r\n"
        b"CHN,17,Another one.,JPN\r\n"
        b'CHN,17,"Never closed.,KOR\r\n'
        b"CHN,17,Swallowed.,JPN\r\n"
    )

    report = run(data)

    assert statuses(report) == [(2, "created"), (3, "rejected")]
    assert report.rejected[0].detail.startswith("has an unterminated quote: the record runs over lines 3–4")
    assert report.rows_read == sum(report.counts.values())
