"""The list and the theme filter are served by their indexes, without sorting or reading the table."""

import pytest
from django.db import connection

from apps.recommendations.models import Recommendation, RecommendationTheme


@pytest.fixture
def index_scans_preferred(postgres):  # type: ignore[no-untyped-def]
    """With a few hundred rows a sequential scan is cheapest; ask what the plan is when the table is large."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")


def test_a_reviews_page_in_list_order_is_read_from_the_index_without_a_sort(index_scans_preferred, reference_data):
    review_id = Recommendation.objects.values_list("review_id", flat=True).first()
    plan = Recommendation.objects.filter(review_id=review_id).order_by("review_id", "id").only("id")[:50].explain()

    assert "rec_review_id_idx" in plan, plan
    assert "Sort" not in plan, plan


def test_a_themes_recommendations_are_read_from_the_link_index_alone(index_scans_preferred, reference_data):
    theme_id = RecommendationTheme.objects.values_list("theme_id", flat=True).first()
    plan = RecommendationTheme.objects.filter(theme_id=theme_id).values_list("recommendation_id", flat=True).explain()

    assert "Index Only Scan using rec_theme_link_theme_rec_idx" in plan, plan
