"""Deadlines' filters, reviews' nested reads, pagination, and query counts constant in the page size."""

import datetime as dt
import logging

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.common import api as common_api
from apps.recommendations.models import Recommendation
from apps.recommendations.services import recommendation_search_refresh
from apps.reviews.models import Review
from apps.reviews.services import statement_search_refresh
from apps.states.models import MemberState
from tests.api.conftest import error_of
from tests.factories import (
    DeadlineFactory,
    RecommendationFactory,
    ReviewFactory,
    StakeholderFactory,
    StatementFactory,
    SubscriptionFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db

logger = logging.getLogger(__name__)


def test_the_2018_review_reads_with_troika_deadlines_and_counts(reference_data, api):
    review = Review.objects.get(session__number=31)
    body = api().get(f"/reviews/{review.pk}/").json()

    assert body["state_under_review"] == {"iso3": "CHN", "name": "China"}
    assert (body["session"], body["cycle"], body["report_symbol"]) == (31, 3, "A/HRC/40/6")
    assert {s["iso3"] for s in body["troika"]} == {"HUN", "KEN", "SAU"}
    assert body["recommendations_recorded"] == 346  # 28.1 to 28.346
    assert body["recommendations_count"] == 346
    assert body["statements_recorded"] == 0
    assert all(d["due_at"].endswith(("+01:00", "+02:00")) for d in body["deadlines"])


@time_machine.travel(dt.datetime(2028, 1, 1, tzinfo=dt.UTC), tick=False)
def test_deadlines_filter_by_time_kind_and_review(reference_data, api):
    client = api()
    upcoming = client.get("/deadlines/", {"upcoming": "true", "page_size": 200}).json()["results"]
    assert upcoming
    assert all(d["due_at"] >= "2028-01-01" and not d["is_cancelled"] for d in upcoming)
    assert [d["due_at"] for d in upcoming] == sorted(d["due_at"] for d in upcoming)

    before = client.get("/deadlines/", {"before": "2014-01-01T00:00:00+01:00", "after": "2013-01-01T00:00:00Z"})
    assert {d["session"] for d in before.json()["results"]} == {17}

    dialogues = client.get("/deadlines/", {"kind": "interactive_dialogue", "state_under_review": "CHN"}).json()
    assert {d["kind"] for d in dialogues["results"]} == {"interactive_dialogue"}

    assert client.get("/deadlines/", {"kind": "party"}).status_code == 400
    assert client.get("/deadlines/", {"after": "next tuesday"}).status_code == 400
    assert client.get("/deadlines/", {"upcoming": "soon"}).status_code == 400


def test_a_deadline_shows_its_local_time(reference_data, api):
    deadline = DeadlineFactory(due_at=dt.datetime(2029, 7, 18, 10, 0, tzinfo=dt.UTC), timezone="Europe/Zurich")
    body = api().get(f"/deadlines/{deadline.pk}/").json()
    assert body["due_at_local"] == "2029-07-18T12:00:00+02:00"


def test_an_unknown_time_zone_is_refused(reference_data, api, editor):
    review = ReviewFactory()
    response = api(editor).post(
        "/deadlines/",
        {"review": review.pk, "kind": "other", "due_at": "2030-01-01T10:00:00Z", "timezone": "Mars/Olympus"},
    )
    assert response.status_code == 400
    assert "timezone" in error_of(response)["fields"]


def test_pages_link_to_each_other(reference_data, api):
    first = api().get("/recommendations/", {"page_size": 100, "session": 31}).json()
    assert (first["count"], first["count_is_exact"], first["previous"]) == (first["count"], True, None)
    assert len(first["results"]) == 100
    assert "page=2" in first["next"]

    second = api().client.get(first["next"]).json()
    assert "page_size=100" in second["previous"]
    assert not {r["id"] for r in first["results"]} & {r["id"] for r in second["results"]}


@pytest.mark.parametrize("params", [{"page_size": "0"}, {"page_size": "201"}, {"page_size": "ten"}, {"page": "-1"}])
def test_page_parameters_out_of_range_are_a_400(reference_data, api, params):
    response = api().get("/themes/", params)
    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == list(params)


def test_the_count_is_capped_and_says_so(reference_data, api, monkeypatch):
    monkeypatch.setattr(common_api, "COUNT_CAP", 100)
    body = api().get("/recommendations/", {"page_size": 10}).json()

    assert (body["count"], body["count_is_exact"]) == (100, False)
    assert api().get("/recommendations/", {"session": 4}).json()["count_is_exact"] is True


def test_pages_go_on_past_the_capped_count(reference_data, api, monkeypatch):
    monkeypatch.setattr(common_api, "COUNT_CAP", 100)
    client = api()
    total = Recommendation.objects.count()  # 602 in the fixtures

    seen: list[int] = []
    url = "/api/v1/recommendations/?page_size=200&ordering=id"
    while url:
        body = client.client.get(url, HTTP_ACCEPT="application/json").json()
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
    assert seen == sorted(Recommendation.objects.values_list("id", flat=True))
    assert len(seen) == total
    assert client.get("/recommendations/", {"page_size": 200, "page": 5}).status_code == 404


# -- query counts -----------------------------------------------------------------------------------
def _seed_statements_and_links() -> None:
    """120 statements (each linked to a recommendation and a theme), deadlines and stakeholders."""
    review = ReviewFactory()
    theme = ThemeFactory()
    for n in range(120):
        statement = StatementFactory(review=review, speaking_order=n + 1)
        recommendation = RecommendationFactory(review=review, recommending_states=[statement.speaker_state])
        statement.recommendations.add(recommendation)
        statement.themes.add(theme)
        recommendation.themes.add(theme)
        DeadlineFactory(review=review)
        StakeholderFactory()
    troika = list(MemberState.objects.filter(iso3__in=["HUN", "KEN", "SAU"]))
    for other in [review, *(ReviewFactory() for _ in range(110))]:
        other.troika.set(troika)
        DeadlineFactory(review=other)
    statement_search_refresh()
    recommendation_search_refresh()


LISTS = [
    "/member-states/",
    "/cycles/",
    "/sessions/",
    "/reviews/",
    "/deadlines/",
    "/stakeholders/",
    "/statements/",
    "/recommendations/",
    "/recommendations/?q=recommendation",
    "/recommendations/?theme=G5&recommending_state=KOR&cycle=2&q=refugees",
    "/statements/?q=refoulement",
    "/themes/",
]


@pytest.mark.parametrize("path", LISTS)
def test_a_list_makes_as_many_queries_at_100_rows_as_at_10(reference_data, api, path, record_property):
    _seed_statements_and_links()
    client = api()
    counts = []
    for size in (10, 100):
        separator = "&" if "?" in path else "?"
        with CaptureQueriesContext(connection) as queries:
            response = client.client.get(f"/api/v1{path}{separator}page_size={size}", HTTP_ACCEPT="application/json")
        assert response.status_code == 200
        assert len(response.json()["results"]) == min(size, response.json()["count"])
        counts.append(len(queries))
    record_property("queries_at_page_size_10_and_100", counts)
    logger.info("queries %s: page_size 10 → %d, page_size 100 → %d", path, *counts)
    assert counts[0] == counts[1]
    assert counts[1] <= 7


@pytest.mark.parametrize("due_at", ["0001-01-01T00:00:00Z", "2150-01-01T00:00:00Z"])
def test_a_deadline_outside_the_record_years_is_refused(reference_data, api, editor, due_at):
    # Found by the fuzzer: year 1 came back with Geneva's local-mean-time offset, +00:34:08, not ISO 8601.
    deadline = DeadlineFactory()
    response = api(editor).patch(f"/deadlines/{deadline.pk}/", {"due_at": due_at})
    assert response.status_code == 400
    assert "due_at" in error_of(response)["fields"]


def test_a_statement_without_a_source_reads_as_an_empty_string(reference_data, api):
    statement = StatementFactory(source_url="")
    assert api().get(f"/statements/{statement.pk}/").json()["source_url"] == ""


def test_the_subscriptions_list_makes_as_many_queries_at_100_rows_as_at_10(reference_data, api, advocate):
    for _ in range(120):
        SubscriptionFactory(user=advocate)
    client = api(advocate, token=True)
    counts = []
    for size in (10, 100):
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/subscriptions/", {"page_size": size})
        assert response.status_code == 200
        assert len(response.json()["results"]) == size
        counts.append(len(queries))
    logger.info("queries /subscriptions/: page_size 10 → %d, page_size 100 → %d", *counts)
    assert counts[0] == counts[1]
