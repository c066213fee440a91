"""Keyset ("cursor") pages: the rows after a given row in a list's own order, at any depth.

A page number is an OFFSET: past the count cap (COUNT_CAP) the explorer stopped at page 400, and a deep
OFFSET reads every row before it. A cursor names the last row shown by its sort keys; the next page is
`WHERE (keys) > (those values) ORDER BY keys LIMIT n`, as cheap at the millionth row as at the first.

The keys are the queryset's ordering spelled out to columns (a foreign key by the related model's own
ordering, as Django orders it), then the primary key, so the order is total and no row is shown twice.
A cursor is signed: a forged or mangled one, or one made for another ordering, is refused.
"""

import datetime as dt
from typing import Any

from django.core import signing
from django.db import connections, models
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext as _

_SALT = "apps.common.keyset"


class InvalidCursor(ValueError):
    """The cursor is not one this list made (tampered, truncated, or for another ordering)."""


def _expand(model: type[models.Model], path: str, descending: bool, out: list[tuple[str, bool]]) -> None:
    parts = path.split("__")
    current: Any = model
    for index, part in enumerate(parts):
        field = current._meta.pk if part == "pk" else current._meta.get_field(part)
        if field.is_relation and index == len(parts) - 1:
            related = field.related_model
            if related._meta.ordering:
                for name in related._meta.ordering:
                    flip = name.startswith("-")
                    _expand(model, f"{path}__{name.lstrip('-')}", descending != flip, out)
                return
            out.append((f"{path}_id" if len(parts) == 1 else f"{path}__pk", descending))
            return
        if field.is_relation:
            current = field.related_model
    out.append((path, descending))


def ordering_keys(queryset: QuerySet[Any]) -> list[tuple[str, bool]]:
    """The list's sort keys as (lookup, descending), ending with the primary key."""
    names = list(queryset.query.order_by) or list(queryset.model._meta.ordering or [])
    keys: list[tuple[str, bool]] = []
    for name in names:
        if not isinstance(name, str) or name == "?":
            raise TypeError(f"ordering {name!r} cannot be paged by keys")
        descending = name.startswith("-")
        bare = name.lstrip("-")
        if bare in queryset.query.annotations:
            keys.append((bare, descending))
        else:
            _expand(queryset.model, bare, descending, keys)
    seen: set[str] = set()
    unique = []
    for lookup, descending in keys:
        lookup = "pk" if lookup in {"id", queryset.model._meta.pk.name} else lookup
        if lookup not in seen:
            seen.add(lookup)
            unique.append((lookup, descending))
        if lookup == "pk":
            break  # the primary key decides every tie: later keys never matter
    if "pk" not in seen:
        unique.append(("pk", False))
    return unique


def ordered(queryset: QuerySet[Any]) -> QuerySet[Any]:
    """The queryset in its keys' order (its own order, with the primary key to break ties)."""
    return queryset.order_by(*[("-" if desc else "") + lookup for lookup, desc in ordering_keys(queryset)])


def _encode(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return {"dt": value.isoformat()}
    if isinstance(value, dt.date):
        return {"d": value.isoformat()}
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if "dt" in value:
            return dt.datetime.fromisoformat(value["dt"])
        if "d" in value:
            return dt.date.fromisoformat(value["d"])
        raise InvalidCursor
    return value


def cursor_after(queryset: QuerySet[Any], row: Any) -> str:
    """A cursor naming `row` (a row of `queryset`): the next page starts after it."""
    keys = ordering_keys(queryset)
    values = queryset.order_by().filter(pk=row.pk).values_list(*[lookup for lookup, _ in keys]).first()
    if values is None:
        raise InvalidCursor
    payload = {"k": [f"{'-' if d else ''}{lookup}" for lookup, d in keys], "v": [_encode(v) for v in values]}
    return signing.dumps(payload, salt=_SALT, compress=True)


def _comparable(queryset: QuerySet[Any], value: Any) -> Any:
    # ts_rank is a float4: its value came back rounded to a float8 that no longer equals it. Compared as a
    # real again, it is the same number, so the row with the cursor's rank is neither repeated nor skipped.
    if isinstance(value, float) and connections[queryset.db].vendor == "postgresql":
        return RawSQL("%s::real", [value])
    return value


def _after(queryset: QuerySet[Any], lookup: str, descending: bool, value: Any) -> Q | None:
    """Rows strictly after `value` on one key (PostgreSQL's order: NULLs last ascending, first descending)."""
    if value is None:
        return None if not descending else Q(**{f"{lookup}__isnull": False})
    compared = _comparable(queryset, value)
    if descending:
        return Q(**{f"{lookup}__lt": compared})
    return Q(**{f"{lookup}__gt": compared}) | Q(**{f"{lookup}__isnull": True})


def _equal(queryset: QuerySet[Any], lookup: str, value: Any) -> Q:
    if value is None:
        return Q(**{f"{lookup}__isnull": True})
    return Q(**{lookup: _comparable(queryset, value)})


def rows_after(queryset: QuerySet[Any], cursor: str | None) -> QuerySet[Any]:
    """The rows after the cursor's row (every row when `cursor` is None), in the keys' order."""
    keys = ordering_keys(queryset)
    result = ordered(queryset)
    if not cursor:
        return result
    try:
        payload = signing.loads(cursor, salt=_SALT)
        names, raw = payload["k"], payload["v"]
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise InvalidCursor(_("This cursor is not one this list gave out.")) from exc
    if names != [f"{'-' if d else ''}{lookup}" for lookup, d in keys] or len(raw) != len(keys):
        raise InvalidCursor(_("This cursor belongs to another ordering of the list."))
    values = [_decode(v) for v in raw]
    condition = Q(pk__in=[])
    for index, (lookup, descending) in enumerate(keys):
        step = _after(queryset, lookup, descending, values[index])
        if step is None:
            continue
        for earlier, (earlier_lookup, _desc) in enumerate(keys[:index]):
            step &= _equal(queryset, earlier_lookup, values[earlier])
        condition |= step
    return result.filter(condition)


def keyset_page(queryset: QuerySet[Any], cursor: str | None, size: int) -> tuple[list[Any], str | None]:
    """Up to `size` rows after the cursor, and the cursor of the page after them (None at the end)."""
    rows = list(rows_after(queryset, cursor)[: size + 1])
    if len(rows) <= size:
        return rows, None
    rows = rows[:size]
    return rows, cursor_after(queryset, rows[-1])
