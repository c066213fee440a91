from apps.states.models import StateAlias, normalize_state_name


def state_alias_normalize(*, alias: StateAlias) -> StateAlias:
    """Set the matching key of an alias from its name (before it is saved)."""
    alias.normalized = normalize_state_name(alias.name)
    return alias
