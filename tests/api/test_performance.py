"""What the performance work changed keeps the API's answers: same rows, same order, same documents."""

import gc
import json
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.db.models import Count
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from rest_framework import serializers

from apps.common import api as common_api
from apps.common.api import page_rows
from apps.common.middleware import GcFreezeMiddleware
from apps.recommendations.api import views as recommendation_views
from apps.recommendations.api.serializers import RecommendationSerializer
from apps.recommendations.models import Recommendation
from apps.recommendations.selectors import recommendation_base_list, recommendation_list
from apps.vocabulary.models import Theme

pytestmark = pytest.mark.django_db


def ids_of_every_page(api, page_size: int, **params) -> tuple[list[int], list]:
    ids: list[int] = []
    responses = []
    page = 1
    while True:
        response = api().get("/recommendations/", {"page": page, "page_size": page_size, **params})
        assert response.status_code == 200, response.json()
        responses.append(response)
        ids += [row["id"] for row in response.json()["results"]]
        if response.json()["next"] is None:
            return ids, responses
        page += 1


# Orders that are total (a tie-break on id): with ties, any order of the tied rows is as right as another.
@pytest.mark.parametrize("params", [{}, {"ordering": "-id"}, {"state_under_review": "CHN", "ordering": "id"}])
@pytest.mark.parametrize("narrow_from", [0, 10**6], ids=["narrow subquery", "plain slice"])
def test_pages_list_the_same_rows_in_the_same_order_as_the_whole_list(
    reference_data, api, params, narrow_from, monkeypatch
):
    monkeypatch.setattr(common_api, "NARROW_PAGES_FROM", narrow_from)
    expected = list(recommendation_list(filters=QueryDict(urlencode(params))).values_list("id", flat=True))
    assert len(expected) > 60, "the reference data should span several pages"

    ids, _ = ids_of_every_page(api, 25, **params)

    assert ids == expected


def test_page_rows_slices_a_queryset_as_plain_slicing_would(reference_data):
    queryset = recommendation_base_list()

    assert [row.pk for row in page_rows(queryset, 40, 65)] == [row.pk for row in queryset[40:65]]
    assert page_rows(queryset, 10**6, 10**6 + 5) == []


def test_the_direct_serialisation_gives_drf_s_own_document(reference_data):
    rows = list(recommendation_base_list().filter(themes__isnull=False).distinct()[:40])
    rows += list(recommendation_base_list().filter(recommending_states__isnull=False).distinct()[:40])
    assert rows

    for row in rows:
        serializer = RecommendationSerializer()
        direct = serializer.to_representation(row)
        generic = serializers.ModelSerializer.to_representation(serializer, row)
        assert json.dumps(direct) == json.dumps(generic)  # same keys, same order, same values


def test_a_detail_url_costs_one_query_and_two_prefetches(reference_data, api):
    recommendation = Recommendation.objects.first()
    with CaptureQueriesContext(connection) as queries:
        response = api().get(f"/recommendations/{recommendation.pk}/")

    assert response.status_code == 200
    assert response.json()["id"] == recommendation.pk
    assert len(queries) == 3


def test_a_detail_url_still_applies_a_filter_and_refuses_an_unknown_parameter(reference_data, api):
    recommendation = Recommendation.objects.select_related("review__session__cycle").first()
    other_cycle = 1 if recommendation.review.session.cycle.number != 1 else 2

    assert api().get(f"/recommendations/{recommendation.pk}/", {"cycle": other_cycle}).status_code == 404
    assert api().get(f"/recommendations/{recommendation.pk}/", {"colour": "red"}).status_code == 400


def test_a_very_common_term_ranks_the_newest_matches_and_still_lists_every_match(
    postgres, reference_data, api, monkeypatch
):
    # "Rights" matches many of the reference recommendations; three candidates make it "very common".
    monkeypatch.setattr(recommendation_views, "RANK_CANDIDATES", 3)
    matches = list(recommendation_list(filters={"q": "rights"}).order_by("-pk").values_list("id", flat=True))
    assert len(matches) > 10

    ids, responses = ids_of_every_page(api, 4, q="rights")

    assert sorted(ids) == sorted(matches)  # every match, once
    assert set(ids[:3]) == set(matches[:3])  # the newest three, by rank
    assert ids[3:] == matches[3:]  # then the others, newest first
    ranks = {row.pk: row.rank for row in recommendation_list(filters={"q": "rights"}).filter(pk__in=ids[:3])}
    assert [ranks[pk] for pk in ids[:3]] == sorted(ranks.values(), reverse=True)
    assert responses[0].json()["count"] == len(matches)
    assert responses[0].json()["results"][0]["snippet"]
    assert responses[0]["X-Search-Ranking"].startswith("approximate; the newest 3 matches")


def test_a_common_term_with_an_explicit_ordering_or_few_matches_is_ordered_exactly(postgres, reference_data, api):
    ordered = api().get("/recommendations/", {"q": "rights", "ordering": "-id"})
    few = api().get("/recommendations/", {"q": "refoulement"})

    assert "X-Search-Ranking" not in ordered
    assert "X-Search-Ranking" not in few
    assert [row["id"] for row in ordered.json()["results"]] == sorted(
        (row["id"] for row in ordered.json()["results"]), reverse=True
    )


def test_the_first_response_freezes_what_the_process_keeps_out_of_the_gc(reference_data, api):
    response = api().get("/recommendations/", {"page_size": 1})

    assert response.status_code == 200
    assert GcFreezeMiddleware.frozen
    assert gc.get_freeze_count() > 10_000  # modules, views, serializers: no longer walked by each collection


def test_a_list_filtered_by_themes_alone_counts_each_recommendation_once(reference_data, api):
    themes = list(Theme.objects.annotate(n=Count("recommendations")).filter(n__gt=0).order_by("-n")[:2])
    assert len(themes) == 2
    both = Recommendation.objects.filter(themes__in=themes).distinct()

    response = api().get("/recommendations/", {"theme": [theme.code for theme in themes], "page_size": 1})
    narrowed = api().get("/recommendations/", {"theme": themes[0].code, "cycle": 2, "page_size": 1})

    assert response.json()["count"] == both.count()
    assert response.json()["count_is_exact"] is True
    assert (
        narrowed.json()["count"]
        == Recommendation.objects.filter(themes=themes[0], review__session__cycle__number=2).count()
    )


def test_a_list_page_shows_the_same_states_and_themes_as_the_detail(reference_data, api):
    themed = Recommendation.objects.filter(themes__isnull=False, recommending_states__isnull=False).first()
    response = api().get("/recommendations/", {"review": themed.review_id, "page_size": 200})
    assert response.status_code == 200
    rows = response.json()["results"]
    mine = next(row for row in rows if row["id"] == themed.pk)
    assert mine["themes"] and mine["recommending_states"]

    for row in rows:
        detail = api().get(f"/recommendations/{row['id']}/").json()
        assert row == detail
