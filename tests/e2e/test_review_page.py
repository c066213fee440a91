"""China 2018's review page (346 recommendations) in the browser: the jump list, folded groups, no sideways scroll."""

import re

import pytest
from playwright.sync_api import expect

from apps.reviews.models import Review

from .conftest import PHONE

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 800}


def china(session: int) -> Review:
    return Review.objects.get(state_under_review__iso3="CHN", session__number=session)


def page_scrolls_sideways(page) -> bool:  # type: ignore[no-untyped-def]
    return bool(page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth"))


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_reader_jumps_to_a_state_and_opens_its_folded_group(page, shoot, postgres, reference_data, size):
    review = china(31)
    page.set_viewport_size(size)
    page.goto(f"/reviews/{review.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Review of China, 2018 · session 31")
    assert not page_scrolls_sideways(page)

    korea = page.locator("#state-KOR")
    expect(korea).not_to_have_attribute("open", "")
    first = korea.locator("ul.recommendations > li").first
    expect(first).to_be_hidden()

    jump = page.get_by_role("navigation", name="Jump to a recommending state")
    jump.get_by_role("link", name=re.compile(r"^Republic of Korea")).click()
    expect(page).to_have_url(re.compile(r"#state-KOR$"))
    expect(korea.locator("summary")).to_be_in_viewport()

    korea.locator("summary").click()
    expect(korea).to_have_attribute("open", "")
    expect(korea.locator("ul.recommendations > li")).to_have_count(4)
    expect(first).to_be_visible()
    expect(first.locator("strong")).to_have_text(re.compile(r"^28\.\d+$"))
    assert not page_scrolls_sideways(page)
    if size == DESKTOP:
        shoot(page, "09-review-2018-jump-list", full_page=False)  # and its -phone twin


def test_a_paragraph_link_opens_its_folded_group(page, postgres, reference_data):
    """Who-raised-it links to #rec-<paragraph>: the browser unfolds the group that holds it."""
    review = china(31)
    page.goto("/who-raised-it/")
    page.locator("#row-KOR td").nth(2).get_by_role("link").click()  # Korea's 2018 "Other matters (4)"
    expect(page.locator("ol.results > li")).to_have_count(4)
    paragraph = page.locator("ol.results > li strong").first.inner_text()
    page.goto(f"/reviews/{review.pk}/#rec-{paragraph}")
    target = page.locator(f'[id="rec-{paragraph}"]')
    expect(target).to_be_visible()
    expect(target).to_be_in_viewport()


@pytest.mark.parametrize(
    "path",
    ["/", "/reviews/<2009>/", "/reviews/<2024>/", "/who-raised-it/", "/recommendations/?theme=dprk-refugees"],
)
def test_the_pages_fit_a_phone_without_sideways_scroll(page, postgres, reference_data, path):
    path = path.replace("<2009>", str(china(4).pk)).replace("<2024>", str(china(45).pk))
    page.set_viewport_size(PHONE)
    page.goto(path)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert not page_scrolls_sideways(page), path
