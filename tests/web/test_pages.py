"""The workspace's pages: what each shows, and who may use it."""

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail

from apps.recommendations.models import Recommendation
from apps.reviews.models import Statement
from apps.states.models import MemberState
from apps.web.models import Profile
from tests.factories import StatementFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db

REVIEW_2013 = 2  # fixtures/02_calendar.json: China, session 17


def title_and_h1(response) -> tuple[str, str]:
    html = response.content.decode()
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    h1 = re.sub(r"<[^>]+>", "", re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1))
    return " ".join(title.split()), " ".join(h1.split())


def korea() -> MemberState:
    return MemberState.objects.get(iso3="KOR")


# -- every page ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("url", "title"),
    [
        ("/", "Dashboard"),
        (f"/reviews/{REVIEW_2013}/", "China, 2013 · session 17"),
        ("/who-raised-it/", "Who raised it"),
        ("/recommendations/", "Recommendations"),
        ("/accounts/login/", "Log in"),
        ("/accounts/signup/", "Create an account"),
        ("/accounts/password_reset/", "Reset your password"),
    ],
)
def test_public_pages_have_a_title_a_heading_and_a_strict_csp(client, reference_data, url, title):
    response = client.get(url)
    assert response.status_code == 200
    page_title, h1 = title_and_h1(response)
    assert page_title.startswith(title) and page_title.endswith("UPR Tracker")
    assert h1
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    html = response.content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "no inline script"
    assert " style=" not in html and "<style" not in html, "no inline style"
    assert 'href="#main"' in html, "a skip link"


def test_pages_that_change_data_send_anonymous_readers_to_the_login(client, reference_data):
    for url in ["/statements/new/", "/statements/next-order/?review=2", "/accounts/profile/"]:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/accounts/login/?next="), url


def test_readers_may_not_log_change_or_delete_statements(client_for, advocate, reference_data):
    statement = StatementFactory(review_id=REVIEW_2013, speaker_state=korea(), speaking_order=1)
    client = client_for(advocate)
    assert client.get("/statements/new/").status_code == 403
    assert client.post("/statements/new/", {"review": REVIEW_2013}).status_code == 403
    assert client.get(f"/statements/{statement.pk}/edit/").status_code == 403
    assert client.post(f"/statements/{statement.pk}/delete/").status_code == 403
    assert Statement.objects.filter(pk=statement.pk).exists()
    assert "Log a statement" not in client.get("/").content.decode()


# -- dashboard -------------------------------------------------------------------------------------
@time_machine.travel(dt.datetime(2027, 6, 1, 9, tzinfo=dt.UTC), tick=False)  # before the fifth review's deadlines
def test_dashboard_shows_chinas_next_review_as_provisional_with_countdowns(client, reference_data):
    html = client.get("/").content.decode()
    assert "China's next review" in html and "session 59" in html
    assert "provisional" in html
    # Counted from the earliest likely session date (1 November 2028), 189 days before.
    assert "Stakeholder submissions" in html and 'data-countdown="2028-04-26T10:00:00+00:00"' in html
    assert "26 April 2028, 12:00 Geneva" in html
    assert "create an account" in html


def test_dashboard_lists_only_the_readers_own_subscriptions(client_for, advocate, outsider, reference_data):
    SubscriptionFactory(user=advocate, review_id=5)
    SubscriptionFactory(user=outsider, review_id=REVIEW_2013)
    html = client_for(advocate).get("/").content.decode()
    assert "China, 2028–2029 (provisional) · session 59</a>" in html
    assert "China, 2013 · session 17</a>" not in html


def test_dashboard_shows_the_latest_statements(client, reference_data):
    StatementFactory(review_id=REVIEW_2013, speaker_state=korea(), speaking_order=7)
    html = client.get("/").content.decode()
    assert "Republic of Korea</a>" in html and "session 17" in html


# -- review page -----------------------------------------------------------------------------------
def test_review_page_shows_the_facts_and_statements_in_speaking_order(client, reference_data):
    StatementFactory(review_id=REVIEW_2013, speaker_state=MemberState.objects.get(iso3="CZE"), speaking_order=2)
    StatementFactory(review_id=REVIEW_2013, speaker_state=MemberState.objects.get(iso3="CAN"), speaking_order=1)
    html = client.get(f"/reviews/{REVIEW_2013}/").content.decode()
    for fact in ["A/HRC/25/5", "A/HRC/25/5/Add.1", "Poland", "Sierra Leone", "137 delegations spoke", "50 seconds"]:
        assert fact in html, fact
    assert html.index("1. Canada") < html.index("2. Czechia")
    assert "252 in the report; 252 in this record" in html


def test_review_page_filters_recommendations_to_the_refugee_theme(client, reference_data):
    from apps.web.selectors import theme_refugees

    html = client.get(f"/reviews/{REVIEW_2013}/?theme={theme_refugees().pk}").content.decode()
    assert "186.242" in html and "186.243" in html and "186.241" in html
    assert "186.13</strong>" not in html  # Korea's 2013 recommendation on another matter
    assert 'id="state-KOR"' in html


def test_review_page_answers_400_to_an_unknown_theme_and_says_why(client, reference_data):
    response = client.get(f"/reviews/{REVIEW_2013}/?theme=abc")
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert client.get(f"/reviews/{REVIEW_2013}/?theme=").status_code == 200  # "All themes"


def test_review_page_notes_who_could_not_speak_in_2009(client, reference_data):
    html = client.get("/reviews/1/").content.decode()
    assert "55 inscribed delegations were not able to make their statements" in html
    assert "the Republic of Korea and the DPRK among them" in html
    assert "lack of time" not in html  # the report says only that they "were not able to make their statements"


def test_review_page_marks_paraphrases_and_unknown_reviews_are_404(client, reference_data):
    assert "reported paraphrase, not UN text" in client.get("/reviews/4/").content.decode()
    assert client.get("/reviews/999999/").status_code == 404


# -- who raised it ---------------------------------------------------------------------------------
def row_of(html: str, iso3: str) -> str:
    return re.search(rf'<tr id="row-{iso3}">(.*?)</tr>', html, re.S).group(1)


def cells_of(row: str) -> list[str]:
    return [" ".join(re.sub(r"<[^>]+>", "", cell).split()) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]


def test_who_raised_it_reads_the_republic_of_koreas_record_cycle_by_cycle(client, reference_data):
    html = client.get("/who-raised-it/").content.decode()
    y2009, y2013, y2018, y2024 = cells_of(row_of(html, "KOR"))
    assert y2009 == "Inscribed, could not speak"
    assert "186.242: Supported" in y2013 and "186.243: Noted" in y2013 and "4 recommendations in all" in y2013
    assert y2018.startswith("Other matters (4") and "4 recommendations, none on the theme" in y2018
    assert "Noted (rejected)" in y2024 and "reported paraphrase" in y2024


def test_who_raised_it_shows_the_2013_recommendations_of_canada_and_czechia(client, reference_data):
    html = client.get("/who-raised-it/?state=CHN").content.decode()
    assert "186.66: Noted" in cells_of(row_of(html, "CAN"))[1]
    assert "186.241: Noted" in cells_of(row_of(html, "CZE"))[1]


def test_who_raised_it_counts_a_logged_statement_without_recommendation_as_spoke(client, reference_data):
    austria = MemberState.objects.get(iso3="AUT")
    Recommendation.objects.filter(review_id=3, recommending_states=austria).delete()
    StatementFactory(review_id=3, speaker_state=austria, speaking_order=40)
    html = client.get("/who-raised-it/").content.decode()
    assert cells_of(row_of(html, "AUT"))[2] == "Spoke, no recommendation"


def test_who_raised_it_runs_a_fixed_number_of_queries(client, reference_data, django_assert_max_num_queries):
    with django_assert_max_num_queries(16):
        assert client.get("/who-raised-it/").status_code == 200


def test_who_raised_it_answers_400_for_an_unknown_state(client, reference_data):
    response = client.get("/who-raised-it/?state=XXX")
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


# -- explorer --------------------------------------------------------------------------------------
def test_explorer_filters_to_the_refugee_theme_and_links_the_same_query_as_csv(client, reference_data):
    html = client.get("/recommendations/?theme=dprk-refugees").content.decode()
    assert "9 recommendations" in html
    assert 'href="/api/v1/recommendations/?theme=dprk-refugees&amp;format=csv"' in html


def test_explorer_highlights_search_terms_and_paginates(client, reference_data):
    html = client.get("/recommendations/?q=non-refoulement").content.decode()
    assert "<mark>" in html.lower()
    html = client.get("/recommendations/?page=2").content.decode()
    assert "page 2 of" in html and "Previous page" in html


def test_explorer_caps_its_count_like_the_api_and_offers_the_whole_csv(client, reference_data, monkeypatch):
    monkeypatch.setattr("apps.common.api.COUNT_CAP", 30)  # the record holds 602: past the cap
    html = client.get("/recommendations/").content.decode()
    assert "More than 30 recommendations, page 1" in html
    # Past the cap the list is larger than EXPORT_SYNC_MAX_ROWS could be: the download is an export job.
    assert "Prepare all of them for download" in html and 'action="/exports/"' in html
    second = client.get("/recommendations/?page=2").content.decode()
    assert 'rel="next"' in second and "cursor=" in second  # past the cap, "Next page" goes on with a cursor


def test_explorer_shows_bad_filters_as_messages_with_400(client, reference_data):
    response = client.get("/recommendations/?state_under_review=XXX&response=maybe")
    assert response.status_code == 400
    assert response.content.decode().count("Select a valid choice") == 2


# -- accounts --------------------------------------------------------------------------------------
def test_a_reader_sets_a_time_zone_and_sees_deadlines_in_it_too(client_for, advocate, reference_data):
    client = client_for(advocate)
    response = client.post("/accounts/profile/", {"timezone": "Asia/Seoul"})
    assert response.status_code == 302
    assert Profile.objects.get(user=advocate).timezone == "Asia/Seoul"
    html = client.get("/").content.decode()
    assert "26 April 2028, 12:00 Geneva" in html and "(19:00 your time, Asia/Seoul)" in html


def test_an_unknown_time_zone_is_refused(client_for, advocate):
    response = client_for(advocate).post("/accounts/profile/", {"timezone": "Mars/Olympus"})
    assert response.status_code == 400
    assert not Profile.objects.filter(user=advocate).exists()


def test_a_newcomer_creates_an_account_and_is_logged_in(client, reference_data):
    response = client.post(
        "/accounts/signup/",
        {
            "username": "newcomer",
            "email": "n@example.org",
            "password1": "a long passphrase 42",
            "password2": "a long passphrase 42",
        },
    )
    assert response.status_code == 302
    assert "newcomer" in client.get("/").content.decode()


def test_password_reset_sends_an_email_with_a_link(client, advocate):
    response = client.post("/accounts/password_reset/", {"email": advocate.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and "/accounts/reset/" in mail.outbox[0].body


def test_logging_out_takes_a_post(client_for, advocate):
    client = client_for(advocate)
    assert client.post("/accounts/logout/").status_code in {200, 302}
    assert client.get("/accounts/profile/").status_code == 302


def test_who_raised_it_can_show_only_the_states_that_raised_the_theme(client, reference_data):
    html = client.get("/who-raised-it/?show=raised").content.decode()
    assert re.findall(r'<tr id="row-(\w+)"', html) == ["CAN", "CZE", "MEX", "KOR"]
    never = client.get("/who-raised-it/?show=never").content.decode()
    assert 'id="row-AFG"' in never and 'id="row-KOR"' not in never


def test_the_review_page_needs_no_query_per_statement(
    client_for, editor, reference_data, django_assert_max_num_queries
):
    for order, state in enumerate(MemberState.objects.order_by("name")[:30], start=1):
        StatementFactory(review_id=3, speaker_state=state, speaking_order=order)
    client = client_for(editor)
    # 18: the 16 of the page before, plus the speakers' list and the advance questions (one query each).
    with django_assert_max_num_queries(18):
        response = client.get("/reviews/3/")
    assert response.content.decode().count('class="statement"') == 30


def test_a_deadline_stored_with_an_unknown_zone_is_shown_in_geneva_time(client, reference_data):
    from apps.reviews.models import Deadline

    # Stored before zones were validated (update() skips full_clean): the page must still render.
    Deadline.objects.filter(review_id=REVIEW_2013).update(timezone="Europe")
    response = client.get(f"/reviews/{REVIEW_2013}/")
    assert response.status_code == 200
    assert "22 October 2013" in response.content.decode()
