"""The API writes the reference records through their services, as the admin and the pages do (each would
fail if its view saved through the serializer again)."""

from collections.abc import Callable
from typing import Any
from unittest import mock

import pytest

from apps.recommendations.models import DatasetRebuild, Theme
from apps.reviews.models import Cycle, Deadline, Review, Session, Stakeholder
from apps.states.models import MemberState
from tests.factories import (
    CycleFactory,
    DeadlineFactory,
    MemberStateFactory,
    ReviewFactory,
    SessionFactory,
    StakeholderFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def rebuilds_on(settings):  # type: ignore[no-untyped-def]
    settings.EXPORT_REBUILD_AFTER_CHANGES = True
    DatasetRebuild.objects.update_or_create(pk=1, defaults={"pending": False})


def _rebuild_requested() -> bool:
    return DatasetRebuild.objects.filter(pk=1, pending=True).exists()


# (endpoint, model, views module, entity, an existing record, its key in the URL, a new record's body,
#  a change, whether the record is exported)
API_CASES: list[tuple[str, type, str, str, Callable[[], Any], str, Callable[[], dict[str, Any]], dict[str, Any], bool]] = [
    ("cycles", Cycle, "apps.reviews.api.views", "cycle", lambda: CycleFactory(number=9), "pk",
     lambda: {"number": 41, "start_year": 2040}, {"end_year": 2045}, True),
    ("sessions", Session, "apps.reviews.api.views", "session", SessionFactory, "pk",
     lambda: {"number": 1999, "cycle": CycleFactory(number=9).number}, {"estimate_rule": "Two a year"}, True),
    ("stakeholders", Stakeholder, "apps.reviews.api.views", "stakeholder", StakeholderFactory, "pk",
     lambda: {"name": "Another Organisation", "kind": "ngo"}, {"acronym": "AO"}, True),
    ("deadlines", Deadline, "apps.reviews.api.views", "deadline", DeadlineFactory, "pk",
     lambda: {"review": ReviewFactory().pk, "kind": "stakeholder_submission", "due_at": "2040-03-02T11:00:00Z"},
     {"title": "Submissions (moved)"}, False),
    ("reviews", Review, "apps.reviews.api.views", "review", ReviewFactory, "pk",
     lambda: {"state_under_review": MemberStateFactory().iso3, "session": SessionFactory().number,
              "troika": [MemberStateFactory().iso3]}, {"report_symbol": "A/HRC/99/6"}, True),
    ("themes", Theme, "apps.recommendations.api.views", "theme", ThemeFactory, "pk",
     lambda: {"scheme": "project", "code": "another-theme", "name": "Another theme"}, {"name": "Renamed"}, True),
    ("member-states", MemberState, "apps.states.api.views", "member_state", MemberStateFactory, "iso3",
     lambda: {"iso3": "QZZ", "name": "Addland", "regional_group": "WEOG"}, {"note": "An observer."}, False),
]  # fmt: skip
API_IDS = [case[0] for case in API_CASES]


def _spy(module_name: str, name: str) -> Any:
    module = __import__(module_name, fromlist=[name])
    return mock.patch.object(module, name, wraps=getattr(module, name))


@pytest.mark.parametrize(
    ("endpoint", "model", "views", "entity", "make", "key", "new", "change", "rebuilds"), API_CASES, ids=API_IDS
)
def test_the_api_writes_reference_records_through_their_services(  # type: ignore[no-untyped-def]
    api, editor, rebuilds_on, endpoint, model, views, entity, make, key, new, change, rebuilds
) -> None:
    client = api(editor)
    record = make()
    url = f"/{endpoint}/{getattr(record, key)}/"

    with _spy(views, f"{entity}_create") as create:
        created = client.post(f"/{endpoint}/", new())
    assert created.status_code == 201, created.json()
    create.assert_called_once()

    with _spy(views, f"{entity}_update") as update:
        changed = client.patch(url, change)
    assert changed.status_code == 200, changed.json()
    update.assert_called_once()
    record.refresh_from_db()
    assert {name: getattr(record, name) for name in change} == change

    with _spy(views, f"{entity}_delete") as delete:
        assert client.delete(url).status_code == 204
    delete.assert_called_once()
    assert not model._default_manager.filter(pk=record.pk).exists()
    assert _rebuild_requested() is rebuilds


def test_a_review_written_over_the_api_keeps_its_troika(api, editor) -> None:  # type: ignore[no-untyped-def]
    review = ReviewFactory()
    troika = [MemberStateFactory(), MemberStateFactory(), MemberStateFactory()]
    response = api(editor).patch(f"/reviews/{review.pk}/", {"troika": [state.iso3 for state in troika]})
    assert response.status_code == 200, response.json()
    assert set(review.troika.all()) == set(troika)


def test_a_duplicate_reference_record_is_a_400_from_the_services_full_clean(api, editor) -> None:  # type: ignore[no-untyped-def]
    ThemeFactory(scheme="project", code="twice")
    response = api(editor).post("/themes/", {"scheme": "project", "code": "twice", "name": "Twice"})
    assert response.status_code == 400
    assert Theme.objects.filter(code="twice").count() == 1
