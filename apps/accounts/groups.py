from django.contrib.auth.models import Group, Permission

EDITORS_GROUP = "editors"

# Models editors curate: they may add, change and delete them (through the admin, the API and the pages).
EDITED_MODELS = {
    "states": ["memberstate", "statealias"],
    "reviews": ["cycle", "session", "review", "deadline", "stakeholder", "statement"],
    "vocabulary": ["theme"],
    "recommendations": ["recommendation"],
}


def editors_group_sync() -> Group:
    """Create or update the editors group with the add/change/delete/view permissions of curated models."""
    group, _ = Group.objects.get_or_create(name=EDITORS_GROUP)
    permissions = Permission.objects.filter(
        content_type__app_label__in=EDITED_MODELS.keys(),
        codename__regex=r"^(add|change|delete|view)_",
    ).select_related("content_type")
    group.permissions.set([p for p in permissions if p.content_type.model in EDITED_MODELS[p.content_type.app_label]])
    return group
