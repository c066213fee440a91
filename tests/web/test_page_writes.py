"""The pages write through the services: a statement corrected on its page is written by statement_update."""

import pytest
from django.db import connection
from django.urls import reverse

from apps.recommendations.models import DatasetRebuild
from apps.reviews.models import Review, Statement
from apps.states.models import MemberState
from tests.factories import StatementFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rebuilds_on(settings):  # type: ignore[no-untyped-def]
    settings.EXPORT_REBUILD_AFTER_CHANGES = True
    DatasetRebuild.objects.update_or_create(pk=1, defaults={"pending": False})


def _rebuild_requested() -> bool:
    return DatasetRebuild.objects.filter(pk=1, pending=True).exists()


@pytest.mark.usefixtures("reference_data")
def test_a_statement_corrected_on_its_page_is_written_by_the_service(client_for, editor, rebuilds_on) -> None:  # type: ignore[no-untyped-def]
    review = Review.objects.get(state_under_review__iso3="CHN", session__number=31)
    statement = StatementFactory(review=review, speaker_state=MemberState.objects.get(iso3="AUT"), speaking_order=1)
    data = {
        "review": review.pk,
        "forum": "working_group",
        "speaker": "Austria",
        "speaking_order": "1",
        "seconds_used": "45",
        "text": "Austria urges China to respect the principle of non-refoulement.",
        "language": "en",
        "source_url": "",
        "recommendation_paragraphs": "",
    }
    response = client_for(editor).post(reverse("web:statement_edit", args=[statement.pk]), data)
    assert response.status_code == 302
    assert _rebuild_requested()
    if connection.vendor == "postgresql":
        found = Statement.objects.filter(pk=statement.pk, search_vector="refoulement")
        assert found.exists(), "statement_update refreshes the search vector"
