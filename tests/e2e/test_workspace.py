"""What advocates do in the browser: log statements live, find them, filter and download, see who raised it."""

import csv
import io
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from apps.accounts.groups import EDITORS_GROUP, editors_group_sync
from apps.reviews.models import Review, Statement
from apps.states.models import MemberState
from tests.factories import StatementFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"


def log_in(page, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")


@pytest.fixture
def browser_editor(postgres, reference_data):  # type: ignore[no-untyped-def]
    editors_group_sync()
    user = UserFactory(username="live-editor")
    user.groups.add(Group.objects.get(name=EDITORS_GROUP))
    return user


def test_an_editor_logs_three_statements_in_a_row_then_finds_them(page, shoot, browser_editor):
    review = Review.objects.get(state_under_review__iso3="CHN", session__number=31)
    log_in(page, "live-editor")
    shoot(page, "01-dashboard")

    page.get_by_role("link", name="Log a statement").first.click()
    expect(page).to_have_title(re.compile(r"^Log a statement"))
    page.get_by_label("Review").select_option(str(review.pk))
    expect(page.get_by_label("Speaking order")).to_have_value("1")
    speakers = [("United States of America", "45"), ("Germany", "44"), ("Austria", "45")]
    for number, (speaker, seconds) in enumerate(speakers, start=1):
        expect(page.get_by_label("Speaking order")).to_have_value(str(number))
        page.get_by_label("Speaker").fill(speaker)
        page.get_by_label("Seconds used").fill(seconds)
        page.get_by_label("Text").fill(f"{speaker} calls on China to respect the principle of non-refoulement.")
        page.get_by_label("Source link").fill(f"https://webtv.un.org/en/asset/k1r/k1rqz?t={number * 60}")
        if number == 1:
            shoot(page, "02-statement-form")
        page.get_by_role("button", name="Save and log the next speaker").click()
        expect(page.get_by_role("status")).to_contain_text(f"Statement no. {number} by {speaker} saved.")
        expect(page.get_by_label("Review")).to_have_value(str(review.pk))

    # An invalid one: an unknown speaker, a taken place, a bad link. Messages, and the input kept.
    page.get_by_label("Speaker").fill("Atlantis")
    page.get_by_label("Speaking order").fill("2")
    page.get_by_label("Source link").fill("not a link")
    page.get_by_label("Text").fill("Kept while I correct the rest")
    page.get_by_role("button", name="Save and log the next speaker").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("3 fields to correct")
    expect(alert).to_contain_text("No state or stakeholder is called “Atlantis”")
    expect(alert).to_contain_text("Place 2 is already taken by Germany")
    expect(alert).to_contain_text("Enter a valid URL.")
    expect(page.get_by_label("Text")).to_have_value("Kept while I correct the rest")
    expect(page.get_by_label("Speaker")).to_have_attribute("aria-invalid", "true")
    shoot(page, "03-statement-errors")
    assert Statement.objects.filter(review=review).count() == 3

    page.goto(f"/reviews/{review.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Review of China, 2018 · session 31")
    statements = page.locator("ol.statements > li")
    expect(statements).to_have_count(3)
    expect(statements.nth(0)).to_contain_text("1. United States of America")
    expect(statements.nth(1)).to_contain_text("2. Germany")
    expect(statements.nth(2)).to_contain_text("3. Austria")
    shoot(page, "04-review-page")

    response = page.request.get(f"/api/v1/statements/?review={review.pk}")
    assert response.status == 200
    body = response.json()
    results = body["results"] if isinstance(body, dict) else body
    assert sorted(item["speaking_order"] for item in results) == [1, 2, 3]


def test_a_reader_filters_the_explorer_to_the_refugee_theme_and_downloads_the_csv(
    page, shoot, postgres, reference_data
):
    page.goto("/recommendations/")
    expect(page).to_have_title(re.compile(r"^Recommendations"))
    page.get_by_label("Theme").select_option("dprk-refugees")
    page.get_by_role("button", name="Show the recommendations").click()
    expect(page.locator("#results-heading")).to_have_text("9 recommendations")
    shoot(page, "05-explorer-refugees")

    page.get_by_label("Search the text").fill("non-refoulement")
    page.get_by_role("button", name="Show the recommendations").click()
    expect(page.locator("mark").first).to_be_visible()
    shown = page.locator("#results-heading").inner_text()
    shoot(page, "06-explorer-search")
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile(r"^Download these \d+ as CSV")).click()
    content = Path(download_info.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(content)))
    shown_count = int(re.match(r"(\d+) recommendation", shown).group(1))
    shown_ids = {
        item.split("-")[1] for item in page.locator("ol.results > li").evaluate_all("els => els.map(e => e.id)")
    }
    assert 0 < shown_count == len(shown_ids), "one page holds the whole search"
    assert {row["id"] for row in rows} == shown_ids, "the CSV holds exactly the list shown"


def test_who_raised_it_shows_the_2013_recommendations_of_canada_czechia_and_korea(
    page, shoot, postgres, reference_data
):
    page.goto("/who-raised-it/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Who raised it, cycle by cycle")
    expect(page.get_by_label("State under review")).to_have_value("CHN")
    table = page.get_by_role("table")
    expect(table).to_contain_text("North Korean refugees / non-refoulement")
    korea = page.locator("#row-KOR td")
    expect(korea.nth(0)).to_have_text("Inscribed, could not speak")
    expect(korea.nth(1)).to_contain_text("186.242: Supported")
    expect(korea.nth(1)).to_contain_text("186.243: Noted")
    expect(korea.nth(2)).to_contain_text("Other matters (4 recommendations, none on the theme)")
    expect(korea.nth(3)).to_contain_text("Noted (rejected)")
    expect(korea.nth(3)).to_contain_text("reported paraphrase")
    expect(page.locator("#row-CAN td").nth(1)).to_contain_text("186.66: Noted")
    expect(page.locator("#row-CZE td").nth(1)).to_contain_text("186.241: Noted")
    shoot(page, "07-who-raised-it", full_page=False)
    page.get_by_label("States shown").select_option("raised")
    page.get_by_role("button", name="Show the table").click()
    expect(page.locator("#row-KOR")).to_be_visible()
    expect(page.locator("#row-AFG")).to_have_count(0)
    shoot(page, "08-who-raised-it-only-raisers")


def test_pages_are_usable_by_keyboard(page, postgres, reference_data):
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))
    page.goto("/reviews/5/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("provisional")


def test_choosing_another_review_refills_the_speaking_order(page, browser_editor):
    """htmx (served by the site itself, no CDN) swaps the speaking-order field when the review changes."""
    StatementFactory(review_id=2, speaker_state=MemberState.objects.get(iso3="AUT"), speaking_order=7)
    log_in(page, "live-editor")
    page.goto("/statements/new/?review=3")
    assert page.evaluate("typeof htmx") == "object"
    expect(page.get_by_label("Speaking order")).to_have_value("1")
    page.get_by_label("Review").select_option("2")
    expect(page.get_by_label("Speaking order")).to_have_value("8")
    page.get_by_label("Forum").select_option("council_adoption")
    expect(page.get_by_label("Speaking order")).to_have_value("1")
