"""Every curated record added, changed and deleted through the admin's real views goes through its service.

Each case posts the admin's own form back (as a browser would, tests/admin_forms.py) and checks the
service ran: a spy wraps it (the service still does its work), and where the service has an effect a plain
save would not have, the effect is asserted too (the prebuilt files' rebuild is requested for records
that appear in the exports; an alias gets its matching key; a statement records who logged it).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from unittest import mock

import pytest
from django.db.models import Model
from django.urls import reverse

from apps.recommendations.models import DatasetRebuild, Recommendation, Theme
from apps.reviews.models import (
    AdvanceQuestion,
    Cycle,
    Deadline,
    Review,
    Session,
    SpeakersListEntry,
    Stakeholder,
    Statement,
)
from apps.states.models import MemberState, StateAlias
from apps.states.services import state_alias_create
from tests.admin_forms import admin_page_data
from tests.factories import (
    CycleFactory,
    DeadlineFactory,
    MemberStateFactory,
    RecommendationFactory,
    ReviewFactory,
    SessionFactory,
    StakeholderFactory,
    StatementFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db


@dataclass
class Case:
    model: type[Model]
    make: Callable[[], Any]
    # Values that make the added record differ from the one whose page the test starts from.
    add: Callable[[], dict[str, Any]]
    change: tuple[str, str]
    services: str  # the module whose <entity>_create/_update/_delete the admin calls
    entity: str
    rebuilds: bool  # the record appears in the exports: the service asks for the prebuilt files' rebuild
    names: dict[str, str] = field(default_factory=dict)  # where a service's name differs from entity_<verb>


def _speakers_list_entry() -> SpeakersListEntry:
    return SpeakersListEntry.objects.create(
        review=ReviewFactory(), speaker_state=MemberStateFactory(), status="not_heard", source="A/HRC/99/1 para. 2"
    )


def _advance_question() -> AdvanceQuestion:
    return AdvanceQuestion.objects.create(
        review=ReviewFactory(), submitting_state=MemberStateFactory(), source="A/HRC/99/1 para. 4"
    )


CASES = [
    Case(Cycle, lambda: CycleFactory(number=9), lambda: {"number": "41"}, ("end_year", "2045"),
         "apps.reviews.services", "cycle", rebuilds=True),
    Case(Session, SessionFactory, lambda: {"number": "1999"}, ("estimate_rule", "Two sessions a year"),
         "apps.reviews.services", "session", rebuilds=True),
    Case(Review, ReviewFactory, lambda: {"session": str(SessionFactory().pk)}, ("report_symbol", "A/HRC/99/6"),
         "apps.reviews.services", "review", rebuilds=True),
    Case(Deadline, DeadlineFactory, dict, ("title", "Submissions (moved)"),
         "apps.reviews.services", "deadline", rebuilds=False),
    Case(SpeakersListEntry, _speakers_list_entry, lambda: {"speaker_state": str(MemberStateFactory().pk)},
         ("listed_as", "Testland"), "apps.reviews.services", "speakers_list_entry", rebuilds=False),
    Case(AdvanceQuestion, _advance_question, lambda: {"submitting_state": str(MemberStateFactory().pk)},
         ("text", "Which measures protect returnees?"), "apps.reviews.services", "advance_question", rebuilds=False),
    Case(Stakeholder, StakeholderFactory, lambda: {"name": "Another Organisation"}, ("acronym", "AO"),
         "apps.reviews.services", "stakeholder", rebuilds=True),
    Case(Statement, StatementFactory, lambda: {"speaking_order": "77"}, ("text", "We urge non-refoulement."),
         "apps.reviews.services", "statement", rebuilds=True, names={"create": "statement_log"}),
    Case(Recommendation, lambda: RecommendationFactory(recommending_states=[MemberStateFactory()]),
         lambda: {"paragraph": "99.999", "text": "Ratify the 1951 Refugee Convention."},
         ("note", "Checked against the report."), "apps.recommendations.admin", "recommendation", rebuilds=True),
    Case(Theme, ThemeFactory, lambda: {"code": "another-theme"}, ("name", "Renamed theme"),
         "apps.recommendations.admin", "theme", rebuilds=True),
    Case(MemberState, MemberStateFactory, lambda: {"iso3": "QZZ", "name": "Addland"}, ("note", "An observer."),
         "apps.states.services", "member_state", rebuilds=False),
    Case(StateAlias, lambda: state_alias_create(state=MemberStateFactory(), name="Testlandia"),
         lambda: {"name": "Republic of Testlandia"}, ("name", "Testlandia Nova"),
         "apps.states.services", "state_alias", rebuilds=False),
]  # fmt: skip
IDS = [case.model._meta.model_name for case in CASES]


def _url(model: type[Model], view: str, *args: Any) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def _spy(case: Case, verb: str) -> Any:
    name = case.names.get(verb, f"{case.entity}_{verb}")
    module = __import__(case.services, fromlist=[name])
    return mock.patch.object(module, name, wraps=getattr(module, name))


@pytest.fixture
def rebuilds_on(settings):  # type: ignore[no-untyped-def]
    """Edits ask for the prebuilt files' rebuild (off in the test settings); nothing runs it here."""
    settings.EXPORT_REBUILD_AFTER_CHANGES = True
    DatasetRebuild.objects.update_or_create(pk=1, defaults={"pending": False})


def _rebuild_requested() -> bool:
    return DatasetRebuild.objects.filter(pk=1, pending=True).exists()


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_a_record_added_in_the_admin_is_created_by_its_service(client_for, staff, rebuilds_on, case: Case) -> None:  # type: ignore[no-untyped-def]
    client = client_for(staff)
    original = case.make()
    data = admin_page_data(client.get(_url(case.model, "change", original.pk)), with_inlines=False)
    data.update(case.add())
    before = case.model._default_manager.count()
    with _spy(case, "create") as create:
        response = client.post(_url(case.model, "add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    assert case.model._default_manager.count() == before + 1
    create.assert_called_once()
    assert _rebuild_requested() is case.rebuilds


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_a_record_changed_in_the_admin_is_updated_by_its_service(client_for, staff, rebuilds_on, case: Case) -> None:  # type: ignore[no-untyped-def]
    client = client_for(staff)
    record = case.make()
    data = admin_page_data(client.get(_url(case.model, "change", record.pk)))
    name, value = case.change
    data[name] = value
    with _spy(case, "update") as update:
        response = client.post(_url(case.model, "change", record.pk), data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    record.refresh_from_db()
    assert str(getattr(record, name)) == value
    update.assert_called_once()
    assert _rebuild_requested() is case.rebuilds


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_a_record_deleted_in_the_admin_is_deleted_by_its_service(client_for, staff, rebuilds_on, case: Case) -> None:  # type: ignore[no-untyped-def]
    record = case.make()
    with _spy(case, "delete") as delete:
        response = client_for(staff).post(_url(case.model, "delete", record.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not case.model._default_manager.filter(pk=record.pk).exists()
    delete.assert_called_once()
    assert _rebuild_requested() is case.rebuilds


def test_an_alias_renamed_in_the_admin_gets_its_new_matching_key(client_for, staff) -> None:  # type: ignore[no-untyped-def]
    client = client_for(staff)
    alias = state_alias_create(state=MemberStateFactory(), name="Testlandia")
    data = admin_page_data(client.get(_url(StateAlias, "change", alias.pk)))
    data["name"] = "  TESTLANDIA   Nova "
    assert client.post(_url(StateAlias, "change", alias.pk), data).status_code == 302
    alias.refresh_from_db()
    assert alias.normalized == "testlandia nova"


def test_an_alias_that_another_state_has_is_refused_with_a_message_not_a_500(client_for, staff) -> None:  # type: ignore[no-untyped-def]
    client = client_for(staff)
    state_alias_create(state=MemberStateFactory(), name="Testlandia")
    other = state_alias_create(state=MemberStateFactory(), name="Otherland")
    data = admin_page_data(client.get(_url(StateAlias, "change", other.pk)))
    data["name"] = "testlandia"
    response = client.post(_url(StateAlias, "change", other.pk), data, follow=True)
    assert response.status_code == 200
    assert "Not saved" in response.content.decode()
    other.refresh_from_db()
    assert other.name == "Otherland"


def test_a_statement_added_in_the_admin_records_who_logged_it(client_for, staff) -> None:  # type: ignore[no-untyped-def]
    client = client_for(staff)
    original = StatementFactory()
    data = admin_page_data(client.get(_url(Statement, "change", original.pk)), with_inlines=False)
    data["speaking_order"] = "78"
    assert client.post(_url(Statement, "add"), data).status_code == 302
    assert Statement.objects.get(review=original.review, speaking_order=78).logged_by == staff


def test_a_statement_with_another_reviews_recommendation_is_refused_beside_the_field(client_for, staff) -> None:  # type: ignore[no-untyped-def]
    client = client_for(staff)
    statement = StatementFactory()
    elsewhere = RecommendationFactory(recommending_states=[MemberStateFactory()])
    data = admin_page_data(client.get(_url(Statement, "change", statement.pk)))
    data["recommendations"] = [str(elsewhere.pk)]
    response = client.post(_url(Statement, "change", statement.pk), data)
    assert response.status_code == 200
    assert "recommendations" in response.context["adminform"].form.errors
    assert not statement.recommendations.exists()


def test_the_delete_selected_action_deletes_through_the_service(client_for, staff, rebuilds_on) -> None:  # type: ignore[no-untyped-def]
    themes = [ThemeFactory(), ThemeFactory()]
    with _spy(CASES[IDS.index("theme")], "delete") as delete:
        response = client_for(staff).post(
            _url(Theme, "changelist"),
            {"action": "delete_selected", "_selected_action": [t.pk for t in themes], "post": "yes"},
        )
    assert response.status_code == 302
    assert not Theme.objects.filter(pk__in=[t.pk for t in themes]).exists()
    assert delete.call_count == 2
    assert _rebuild_requested()
