from collections.abc import Iterable

from django.db.models import QuerySet

from apps.states.models import MemberState, StateAlias, normalize_state_name


def state_by_name(*, name: str) -> MemberState | None:
    """The state a spelling names, through the alias table (ISO3 codes match too)."""
    if len(name) == 3 and name.isupper():
        state = MemberState.objects.filter(iso3=name).first()
        if state:
            return state
    alias = StateAlias.objects.select_related("state").filter(normalized=normalize_state_name(name)).first()
    return alias.state if alias else None


def state_list() -> QuerySet[MemberState]:
    """States with their aliases (1 query + 1 prefetch)."""
    return MemberState.objects.prefetch_related("aliases")


def state_spellings(*, states: Iterable[MemberState]) -> list[str]:
    """Every spelling of these states' names (their own names and aliases): 1 query.

    Used to recognise the attributions OHCHR prints in a recommendation's text, "(Republic of Korea)".
    """
    states = list(states)
    names = [name for state in states for name in (state.name, state.formal_name, state.common_name) if name]
    names += StateAlias.objects.filter(state__in=states).values_list("name", flat=True)
    return names
