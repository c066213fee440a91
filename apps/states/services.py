"""Writes to member states and their aliases (the spellings imports are matched by).

States sit below the apps that use them: a change of a state's name reaches the prebuilt export files at
their nightly rebuild (EXPORT_NIGHTLY_HOUR), not through an import of the exports from here."""

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from apps.common.services import editable_fields, record_assign, record_save
from apps.states.models import MemberState, StateAlias, normalize_state_name


def state_alias_normalize(*, alias: StateAlias) -> StateAlias:
    """Set the matching key of an alias from its name (before it is saved)."""
    alias.normalized = normalize_state_name(alias.name)
    return alias


@transaction.atomic
def member_state_create(**fields: Any) -> MemberState:
    state = MemberState()
    record_assign(state, fields, fields=editable_fields(MemberState))
    return record_save(state)


@transaction.atomic
def member_state_update(*, state: MemberState, data: Mapping[str, Any]) -> MemberState:
    record_assign(state, data, fields=editable_fields(MemberState))
    return record_save(state)


@transaction.atomic
def member_state_delete(*, state: MemberState) -> None:
    """Refused (ProtectedError) while reviews, recommendations or statements name it."""
    state.delete()


@transaction.atomic
def state_alias_create(*, state: MemberState, name: str) -> StateAlias:
    """Another spelling of `state`; its normalised key must be free (one state per spelling)."""
    alias = state_alias_normalize(alias=StateAlias(state=state, name=name))
    return record_save(alias)


@transaction.atomic
def state_alias_update(*, alias: StateAlias, data: Mapping[str, Any]) -> StateAlias:
    record_assign(alias, data, fields=editable_fields(StateAlias))
    return record_save(state_alias_normalize(alias=alias))


@transaction.atomic
def state_alias_delete(*, alias: StateAlias) -> None:
    alias.delete()
