"""Pages that say what the record holds: links an advocate can follow and quote, and reviews named by year."""

import datetime as dt
import re
from html import unescape

import pytest

from apps.recommendations.models import Recommendation
from apps.reviews.models import Review
from apps.states.models import MemberState
from apps.web.labels import (
    CELL_STATE_TEXT,
    linked_sources,
    recommendation_anchor,
    un_document_url,
    year_session_label,
)
from apps.web.selectors import CellState, cell_state
from tests.factories import ReviewFactory, StatementFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db


def china_review(session: int) -> Review:
    return Review.objects.get(state_under_review__iso3="CHN", session__number=session)


def html_of(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def ids_on(html: str) -> set[str]:
    return set(re.findall(r'\bid="([^"]+)"', html))


def cell_html(html: str, iso3: str, column: int) -> str:
    row = re.search(rf'<tr id="row-{iso3}">(.*?)</tr>', html, re.S).group(1)
    return re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)[column]


# -- the rules, one function each ---------------------------------------------------------------------
def test_a_symbol_links_to_the_un_document_system():
    assert un_document_url("A/HRC/40/6") == "https://docs.un.org/en/A/HRC/40/6"
    assert un_document_url(" A/HRC/25/5/Add.1 ") == "https://docs.un.org/en/A/HRC/25/5/Add.1"


def test_a_recommendation_anchor_is_its_paragraph_or_else_its_id():
    assert recommendation_anchor(Recommendation(pk=7, paragraph="186.241")) == "rec-186.241"
    assert recommendation_anchor(Recommendation(pk=7, paragraph="28(g)")) == "rec-28-g"
    assert recommendation_anchor(Recommendation(pk=7, paragraph="")) == "rec-id-7"


def test_the_year_session_label_never_guesses_a_year():
    assert year_session_label(year=2013, session_number=17) == "2013 · session 17"
    assert year_session_label(year=2029, session_number=59, provisional=True) == "2029 (provisional) · session 59"
    assert year_session_label(year=None, session_number=59) == "year not set · session 59"


def test_sources_link_their_addresses_and_symbols_and_nothing_else():
    html = str(
        linked_sources(
            "per NK News <b>; nknews.org/2024/07/china-rejects, see https://example.org/a?b=1. "
            "A/HRC/25/5/Add.1 - Para. 186.1, and/or 28.3"
        )
    )
    assert (
        '<a href="https://nknews.org/2024/07/china-rejects" rel="noopener">nknews.org/2024/07/china-rejects</a>' in html
    )
    assert '<a href="https://example.org/a?b=1" rel="noopener">' in html and "b=1.</a>" not in html
    assert '<a href="https://docs.un.org/en/A/HRC/25/5/Add.1" rel="noopener">A/HRC/25/5/Add.1</a> - Para. 186.1' in html
    assert "&lt;b&gt;" in html and "<b>" not in html
    assert html.count("<a ") == 3, "and/or and 28.3 are no links"


# -- who raised it -------------------------------------------------------------------------------------
def test_a_cell_state_is_the_strongest_fact_recorded():
    on_theme = [Recommendation(pk=7, paragraph="186.242")]
    assert cell_state(on_theme=on_theme, recommendations_count=4, spoke=True) == CellState.RAISED
    assert cell_state(on_theme=[], recommendations_count=4, spoke=True) == CellState.OTHER_MATTERS
    assert cell_state(on_theme=[], recommendations_count=0, spoke=True) == CellState.SPOKE
    assert cell_state(on_theme=[], recommendations_count=0, spoke=False) == CellState.NOTHING_RECORDED
    assert cell_state(on_theme=[], recommendations_count=0, spoke=False, not_heard=True) == CellState.NOT_HEARD
    assert cell_state(on_theme=[], recommendations_count=0, spoke=False, complete=False) == CellState.NOT_IN_RECORD
    assert cell_state(on_theme=on_theme, recommendations_count=1, spoke=False, related_ids={7}) == CellState.RELATED
    assert set(CELL_STATE_TEXT) == set(CellState), "every state has a label and a legend line"


def test_every_paragraph_in_a_cell_links_to_an_anchor_that_exists_on_its_review_page(client, reference_data):
    html = html_of(client, "/who-raised-it/")
    links = set(re.findall(r'<td class="cell-(?:raised|related)">.*?</td>', html, re.S))
    targets = {
        (int(review), anchor)
        for cell in links
        for review, anchor in re.findall(r'href="/reviews/(\d+)/#([^"]+)"', cell)
    }
    assert len(targets) == Recommendation.objects.filter(themes__code="dprk-refugees").count() == 9
    pages: dict[int, set[str]] = {}
    for review_id, anchor in targets:
        pages.setdefault(review_id, ids_on(html_of(client, f"/reviews/{review_id}/")))
        assert anchor in pages[review_id], (review_id, anchor)


def test_koreas_2013_paragraphs_link_to_their_text_on_the_2013_review_page(client, reference_data):
    review = china_review(17)
    cell = cell_html(html_of(client, "/who-raised-it/"), "KOR", 1)
    assert f'<a href="/reviews/{review.pk}/#rec-186.242">186.242</a>: Supported' in cell
    page = html_of(client, f"/reviews/{review.pk}/")
    item = re.search(r'<li id="rec-186.242">(.*?)</li>', page, re.S).group(1)
    assert Recommendation.objects.get(review=review, paragraph="186.242").text in unescape(item)


@pytest.mark.parametrize(("iso3", "session", "column"), [("KOR", 31, 2), ("USA", 17, 1), ("FRA", 31, 2)])
def test_other_matters_n_links_to_an_explorer_page_listing_exactly_those_n(
    client, reference_data, iso3, session, column
):
    review = china_review(session)
    cell = cell_html(html_of(client, "/who-raised-it/"), iso3, column)
    n = int(re.search(r"\((\d+)<span", cell).group(1))
    assert n == Recommendation.objects.filter(review=review, recommending_states__iso3=iso3).count() > 0
    link = unescape(re.search(r'<a href="([^"]+)">Other matters', cell).group(1))
    assert link == f"/recommendations/?review={review.pk}&recommending_state={iso3}"
    explorer = html_of(client, link)
    assert re.search(rf'<h2 id="results-heading"[^>]*>{n} recommendations?</h2>', explorer)
    assert len(re.findall(r'<li id="result-\d+">', explorer)) == n


def test_a_state_with_nothing_recorded_is_not_shown_as_none(client, reference_data):
    html = html_of(client, "/who-raised-it/")
    assert ">None<" not in html and "None\n" not in html
    # 2009: the report names the Republic of Korea among the delegations inscribed that could not speak.
    assert "Inscribed, could not speak" in cell_html(html, "KOR", 0)
    # 2024: only the refugee recommendations are in the record, so another state's silence is not a fact there.
    assert "Not in the record" in cell_html(html, "AUS", 3)
    assert "Not in the record" not in cell_html(html, "AUS", 1)  # 2013 is whole: Australia recommended


def test_a_related_only_recommendation_is_its_own_cell_state(client, reference_data):
    html = html_of(client, "/who-raised-it/")
    # Mexico's 28.301 (2018) asks for refugee children's education without naming North Koreans.
    mexico_2018 = cell_html(html, "MEX", 2)
    assert "Related only" in mexico_2018 and "28.301" in mexico_2018
    assert 'class="cell-related"' in html


def test_the_legend_explains_every_cell_state(client, reference_data):
    html = html_of(client, "/who-raised-it/")
    legend = re.search(r'<dl class="legend"[^>]*>(.*?)</dl>', html, re.S).group(1)
    for state in CellState:
        label, meaning = CELL_STATE_TEXT[state]
        assert f'<span class="cell-{state}">{label}</span>' in legend
        assert str(meaning) in unescape(legend)


def test_column_heads_name_each_review_by_year_and_session(client, reference_data):
    html = html_of(client, "/who-raised-it/")
    heads = [
        " ".join(re.sub(r"<[^>]+>", "", head).split()) for head in re.findall(r'<th scope="col">(.*?)</th>', html, re.S)
    ]
    assert [head.split(" cycle")[0] for head in heads[1:]] == [
        "2009 · session 4",
        "2013 · session 17",
        "2018 · session 31",
        "2024 · session 45",
    ]


# -- the review page -----------------------------------------------------------------------------------
def test_report_symbols_link_to_the_un_documents(client, reference_data):
    html = html_of(client, f"/reviews/{china_review(17).pk}/")
    assert '<a href="https://docs.un.org/en/A/HRC/25/5" rel="noopener">A/HRC/25/5</a>' in html
    assert '<a href="https://docs.un.org/en/A/HRC/25/5/Add.1" rel="noopener">A/HRC/25/5/Add.1</a>' in html


def test_an_unverified_symbol_links_and_still_says_it_is_not_verified(client, reference_data):
    html = html_of(client, f"/reviews/{china_review(45).pk}/")
    assert '<a href="https://docs.un.org/en/A/HRC/56/6" rel="noopener">A/HRC/56/6</a> (symbol not verified)' in html


def test_paraphrase_sources_given_as_web_addresses_are_links(client, reference_data):
    html = html_of(client, f"/reviews/{china_review(45).pk}/")
    sources = Recommendation.objects.filter(review=china_review(45)).values_list("text_source", flat=True)
    addresses = {address for source in sources for address in re.findall(r"\b[a-z0-9.-]+\.(?:org|com)/\S+", source)}
    assert addresses
    for address in addresses:
        address = address.rstrip(";,.")
        assert f'href="https://{address}"' in html, address


def test_a_deadline_shows_its_note_and_its_source_as_a_link(client, reference_data):
    from apps.reviews.models import Deadline

    review = china_review(45)
    Deadline.objects.filter(review=review, kind=Deadline.Kind.STAKEHOLDER_SUBMISSION).update(
        source_url="https://www.ohchr.org/en/hr-bodies/upr/upr-45-session"
    )
    html = html_of(client, f"/reviews/{review.pk}/")
    assert "Stakeholder submission deadline for China&#x27;s 4th review" in html
    assert '<a href="https://www.ohchr.org/en/hr-bodies/upr/upr-45-session" rel="noopener">source' in html


def test_a_long_review_folds_its_groups_behind_a_jump_list_whose_anchors_exist(client, reference_data):
    review = china_review(31)
    html = html_of(client, f"/reviews/{review.pk}/")
    jump = re.search(r'<nav class="jump-list"[^>]*>(.*?)</nav>', html, re.S).group(1)
    targets = re.findall(r'href="#([^"]+)"', jump)
    states = MemberState.objects.filter(recommendations_made__review=review).distinct().count()
    assert len(targets) == states > 100
    page_ids = ids_on(html)
    assert set(targets) <= page_ids
    assert "state-KOR" in targets
    groups = re.findall(r'<details class="state-group" id="state-\w+"( open)?>', html)
    assert len(groups) == states and not any(groups), "every group folded"


def test_every_recommendation_of_a_long_review_has_its_own_paragraph_anchor(client, reference_data):
    review = china_review(31)
    page_ids = ids_on(html_of(client, f"/reviews/{review.pk}/"))
    anchors = {recommendation_anchor(r) for r in Recommendation.objects.filter(review=review)}
    assert len(anchors) == 346 and anchors <= page_ids


def test_a_short_list_stays_open(client, reference_data):
    from apps.web.selectors import theme_refugees

    review = china_review(17)
    html = html_of(client, f"/reviews/{review.pk}/?theme={theme_refugees().pk}")
    groups = re.findall(r'<details class="state-group" id="state-\w+"( open)?>', html)
    assert groups and all(groups)


def test_delivered_recommendations_link_to_their_paragraph_anchor(client, reference_data):
    review = china_review(31)
    statement = StatementFactory(review=review, speaker_state=MemberState.objects.get(iso3="AUT"), speaking_order=1)
    recommendation = Recommendation.objects.filter(review=review, recommending_states__iso3="AUT").first()
    statement.recommendations.add(recommendation)
    html = html_of(client, f"/reviews/{review.pk}/")
    anchor = recommendation_anchor(recommendation)
    assert f'<a href="#{anchor}">{recommendation.paragraph}</a>' in html and f'id="{anchor}"' in html


# -- "2013 · session 17" everywhere --------------------------------------------------------------------
def test_the_review_page_title_and_heading_carry_year_and_session(client, reference_data):
    html = html_of(client, f"/reviews/{china_review(31).pk}/")
    assert "<title>China, 2018 · session 31 · UPR Tracker</title>" in html
    assert "Review of China, 2018 · session 31" in html


def test_the_dashboard_names_reviews_by_year_and_session(client_for, advocate, reference_data):
    SubscriptionFactory(user=advocate, review=china_review(17))
    StatementFactory(review=china_review(31), speaker_state=MemberState.objects.get(iso3="KOR"), speaking_order=3)
    html = html_of(client_for(advocate), "/")
    assert ">2028–2029 (provisional) · session 59</a>" in html  # China's next review
    assert "China, 2013 · session 17</a>" in html  # the subscription
    assert "at China's review, 2018 · session 31" in unescape(html)  # the latest statement
    # The latest recommendations, whichever review they come from, are named the same way.
    assert re.search(r"\((2009 · session 4|2013 · session 17|2018 · session 31|2024 · session 45)\)", html)


def test_explorer_rows_and_filters_name_reviews_by_year_and_session(client, reference_data):
    html = html_of(client, "/recommendations/?theme=dprk-refugees")
    assert "China, 2009 · session 4</a>" in html and "China, 2024 · session 45</a>" in html
    assert '<option value="17">2013 · session 17</option>' in html
    assert f'<option value="{china_review(31).pk}">China, 2018 · session 31</option>' in html


def test_the_explorer_title_names_the_review_it_is_narrowed_to(client, reference_data):
    html = html_of(client, f"/recommendations/?review={china_review(31).pk}&recommending_state=KOR")
    assert "<title>Recommendations to China, 2018 · session 31 · UPR Tracker</title>" in html


def test_the_explorer_answers_400_to_an_unknown_review(client, reference_data):
    response = client.get("/recommendations/?review=999999")
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


def test_statement_pages_name_the_review_by_year_and_session(client_for, editor, reference_data):
    statement = StatementFactory(
        review=china_review(17), speaker_state=MemberState.objects.get(iso3="KOR"), speaking_order=4
    )
    client = client_for(editor)
    edit = unescape(html_of(client, f"/statements/{statement.pk}/edit/"))
    assert "<title>Edit the statement of Republic of Korea · China, 2013 · session 17 · UPR Tracker</title>" in edit
    assert "Back to the review of China, 2013 · session 17" in edit
    assert ">China — 2013 · session 17 (2013-10-22)</option>" in edit  # the review field's choices
    delete = html_of(client, f"/statements/{statement.pk}/delete/")
    assert "At the review of China, 2013 · session 17, speaking order 4." in delete


def test_a_review_without_any_date_says_its_year_is_not_set(client, reference_data):
    review = ReviewFactory(state_under_review=MemberState.objects.get(iso3="KOR"))
    html = html_of(client, f"/reviews/{review.pk}/")
    assert f"Review of Republic of Korea, year not set · session {review.session.number}" in html


def test_a_review_dated_by_its_dialogue_takes_that_year(client, reference_data):
    review = ReviewFactory(state_under_review=MemberState.objects.get(iso3="KOR"), dialogue_date=dt.date(2031, 1, 20))
    assert f"Review of Republic of Korea, 2031 · session {review.session.number}" in html_of(
        client, f"/reviews/{review.pk}/"
    )
