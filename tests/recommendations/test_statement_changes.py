"""Statement writes ask for a rebuild of the prebuilt files, though reviews do not import the exports.

Reviews announce statements_changed (apps/reviews/signals.py); RecommendationsConfig.ready connects the
exports' dataset_rebuild_request to it. The prebuilt files hold the statements, so a write must reach them.
"""

from typing import Any

import pytest

from apps.recommendations.models import DatasetRebuild
from apps.recommendations.tasks import rebuild_datasets
from apps.reviews.services import statement_delete, statement_log, statement_update
from tests.factories import MemberStateFactory, ReviewFactory


@pytest.mark.django_db
def test_logging_changing_and_deleting_a_statement_each_ask_for_a_rebuild(
    settings: Any, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    settings.EXPORT_REBUILD_AFTER_CHANGES = True
    enqueued: list[dict[str, Any]] = []
    monkeypatch.setattr(rebuild_datasets, "apply_async", lambda **kwargs: enqueued.append(kwargs))
    review, speaker = ReviewFactory(), MemberStateFactory()

    with django_capture_on_commit_callbacks(execute=True):
        statement = statement_log(review=review, speaker_state=speaker, text="On refugees")
    assert enqueued == [{"countdown": settings.EXPORT_REBUILD_DELAY_SECONDS}]
    assert DatasetRebuild.objects.get().pending is True

    for write in (
        lambda: statement_update(statement=statement, data={"text": "On refugees, again"}),
        lambda: statement_delete(statement=statement),
    ):
        DatasetRebuild.objects.update(pending=False)  # as the rebuild does when it starts
        with django_capture_on_commit_callbacks(execute=True):
            write()
    assert len(enqueued) == 3
