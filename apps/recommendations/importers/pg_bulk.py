"""Bulk inserts on PostgreSQL through unnest(): one statement per few thousand rows, no ORM compilation.

Django's bulk_create spends most of its time compiling one placeholder and one prepared value per cell
(820,000 cells for the recommendations of the UPR Info export, as many again for their history). Here
each column is sent as one array, and PostgreSQL unnests them into rows. The rows are model instances
already validated by the importer; the ids come from the table's own sequence beforehand, so they are
known without relying on the order of RETURNING.
"""

from collections.abc import Sequence
from typing import Any

from django.db import connections, router
from django.db.models import Model

ROWS_PER_STATEMENT = 5000


def _columns(model: type[Model], *, with_pk: bool) -> list[Any]:
    fields = []
    for field in model._meta.concrete_fields:
        if field.primary_key and not with_pk:
            continue
        fields.append(field)
    return fields


def pg_insert(model: type[Model], objs: Sequence[Model], *, assign_ids: bool, skip: Sequence[str] = ()) -> None:
    """Insert `objs`; with `assign_ids`, their primary keys are drawn from the sequence and set on them.

    Fields named in `skip` are left to their database default (e.g. a search vector filled later).
    """
    if not objs:
        return
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    table = model._meta.db_table
    pk = model._meta.pk
    assert pk is not None
    with connection.cursor() as cursor:
        if assign_ids:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, pk.column, len(objs)],
            )
            for obj, (new_id,) in zip(objs, cursor.fetchall(), strict=True):
                obj.pk = new_id
                obj._state.adding = False
        fields = [field for field in _columns(model, with_pk=assign_ids) if field.name not in skip]
        columns = ", ".join(quote(field.column) for field in fields)
        arrays = ", ".join(f"%s::{field.db_type(connection)}[]" for field in fields)
        sql = f"INSERT INTO {quote(table)} ({columns}) SELECT * FROM unnest({arrays})"
        for start in range(0, len(objs), ROWS_PER_STATEMENT):
            chunk = objs[start : start + ROWS_PER_STATEMENT]
            cursor.execute(
                sql,
                [
                    [field.get_db_prep_save(getattr(obj, field.attname), connection) for obj in chunk]
                    for field in fields
                ],
            )


def pg_insert_with_history(model: type[Model], objs: Sequence[Model], *, date: Any, reason: str) -> None:
    """pg_insert the objects, then their django-simple-history "created" records (as bulk_create_with_history)."""
    pg_insert(model, objs, assign_ids=True, skip=["search_vector"])
    history = model.history.model  # type: ignore[attr-defined]
    tracked = history.tracked_fields
    records = [
        history(
            history_date=date,
            history_user=None,
            history_change_reason=reason,
            history_type="+",
            **{field.attname: getattr(obj, field.attname) for field in tracked},
        )
        for obj in objs
    ]
    pg_insert(history, records, assign_ids=False)
