"""Past the count cap every row is reachable by following "next" links (cursors), none twice."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.postgres.search import SearchQuery

from apps.recommendations.models import Recommendation
from tests.api.conftest import error_of

pytestmark = pytest.mark.django_db

RESULT = re.compile(r'id="result-(\d+)"')
NEXT = re.compile(r'<a href="([^"]+)" rel="next">')


@pytest.fixture
def small_cap(monkeypatch):
    monkeypatch.setattr("apps.common.api.COUNT_CAP", 30)  # the record's ~600 recommendations are far past it


def follow_the_explorer(client, url: str) -> list[int]:
    seen: list[int] = []
    for _ in range(100):
        response = client.get(url)
        assert response.status_code == 200, response.content[:500]
        html = response.content.decode()
        seen += [int(pk) for pk in RESULT.findall(html)]
        found = NEXT.search(html)
        if found is None:
            return seen
        url = "/recommendations/" + found.group(1).replace("&amp;", "&")
    raise AssertionError("the next links never ended")


def test_the_explorer_reaches_every_row_past_the_cap(client, reference_data, small_cap):
    seen = follow_the_explorer(client, "/recommendations/")

    assert len(seen) == len(set(seen))  # none twice
    assert set(seen) == set(Recommendation.objects.values_list("pk", flat=True))


def test_the_explorer_reaches_every_row_of_an_ordering_with_ties(client, reference_data, small_cap):
    seen = follow_the_explorer(client, "/recommendations/?ordering=response")

    assert len(seen) == len(set(seen))
    assert set(seen) == set(Recommendation.objects.values_list("pk", flat=True))


def test_the_explorer_reaches_every_match_of_a_search_past_the_cap(client, reference_data, small_cap, postgres):
    seen = follow_the_explorer(client, "/recommendations/?q=rights")

    query = SearchQuery("rights", search_type="websearch", config="english")
    expected = set(Recommendation.objects.filter(search_vector=query).values_list("pk", flat=True))
    assert len(seen) == len(set(seen))
    assert set(seen) == expected and len(expected) > 30


def test_the_explorer_refuses_a_forged_cursor(client, reference_data):
    response = client.get("/recommendations/", {"cursor": "not-a-cursor"})

    assert response.status_code == 400
    assert "This cursor is not one this list gave out." in response.content.decode()


def follow_the_api(api, params: dict) -> list[int]:
    client = api()
    response = client.get("/recommendations/", params)
    seen: list[int] = []
    for _ in range(100):
        assert response.status_code == 200, response.content[:500]
        body = response.json()
        seen += [row["id"] for row in body["results"]]
        if body["next"] is None:
            return seen
        response = client.client.get(body["next"], HTTP_ACCEPT="application/json")
    raise AssertionError("the next links never ended")


@pytest.mark.parametrize("params", [{"page_size": 50}, {"page_size": 37, "ordering": "action_category"}])
def test_the_api_reaches_every_row_past_the_cap_with_cursors(reference_data, api, small_cap, params):
    seen = follow_the_api(api, params)

    assert len(seen) == len(set(seen))
    assert set(seen) == set(Recommendation.objects.values_list("pk", flat=True))


def test_the_api_next_link_past_the_cap_carries_a_cursor(reference_data, api, small_cap):
    body = api().get("/recommendations/", {"page_size": 10}).json()

    assert body["count"] == 30 and body["count_is_exact"] is False
    assert "cursor=" in body["next"] and "page=" not in body["next"]


def test_the_api_refuses_a_forged_cursor(reference_data, api):
    response = api().get("/recommendations/", {"cursor": "forged"})

    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["cursor"]


def test_a_cursor_made_for_another_ordering_is_refused(reference_data, api, small_cap):
    cursor_next = api().get("/recommendations/", {"page_size": 10, "ordering": "-id"}).json()["next"]
    cursor = parse_qs(urlsplit(cursor_next).query)["cursor"][0]

    response = api().get("/recommendations/", {"cursor": cursor, "ordering": "response"})

    assert response.status_code == 400
    assert error_of(response)["fields"]["cursor"] == ["This cursor belongs to another ordering of the list."]
