"""Helpers every app's services use to write plain records the same way."""

from collections.abc import Collection, Iterable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils.translation import gettext_lazy as _

RecordT = TypeVar("RecordT", bound=Model)


# -- plain records ----------------------------------------------------------------------------------
# The reference records (cycles, sessions, reviews, deadlines, stakeholders, states, themes, ...) have no
# rule beyond their fields and named constraints; their services (apps/<app>/services.py) use these two
# helpers, so the admin, the API and the commands validate and save them the same way.
def record_assign(instance: Model, data: Mapping[str, Any], *, fields: Collection[str]) -> None:
    """Set `data` on `instance`; a name outside `fields` is refused with a field error, never ignored."""
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise ValidationError({name: _("This field cannot be set here.") for name in unknown})
    for name, value in data.items():
        setattr(instance, name, value)


def record_save(instance: RecordT, *, relations: Mapping[str, Iterable[Any] | None] | None = None) -> RecordT:
    """full_clean() (fields, uniqueness, named constraints: a field error, not an IntegrityError), save, then
    set each many-to-many relation given (None: leave it as it is). The caller holds the transaction."""
    instance.full_clean()
    instance.save()
    for name, values in (relations or {}).items():
        if values is not None:
            getattr(instance, name).set(list(values))
    return instance


def editable_fields(model: type[Model]) -> frozenset[str]:
    """The names a service may set on a plain record: its editable concrete fields (not the id, nor the
    timestamps, nor derived columns such as a fingerprint, which are editable=False)."""
    return frozenset(f.name for f in model._meta.concrete_fields if f.editable and not f.primary_key)
