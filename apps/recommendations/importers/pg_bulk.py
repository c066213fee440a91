"""Bulk inserts on PostgreSQL through unnest(): one statement per few thousand rows, no ORM compilation.

Django's bulk_create spends most of its time compiling one placeholder and one prepared value per cell
(820,000 cells for the recommendations of the UPR Info export, as many again for their history). Here
each column is sent as one array, and PostgreSQL unnests them into rows. The rows are model instances
already validated by the importer; the ids come from the table's own sequence beforehand, so they are
known without relying on the order of RETURNING.
"""

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import connections, router
from django.db.models import Model

ROWS_PER_STATEMENT = 5000
# Values psycopg2 sends as they are; anything else goes through the field's get_db_prep_save().
_PLAIN = (str, int, float, bool, dt.datetime, dt.date, type(None))


def _insert(model: type[Model], fields: list[Any], columns: list[list[Any]]) -> None:
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    names = ", ".join(quote(field.column) for field in fields)
    arrays = ", ".join(f"%s::{field.db_type(connection)}[]" for field in fields)
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({names}) SELECT * FROM unnest({arrays})"
    rows = len(columns[0]) if columns else 0
    with connection.cursor() as cursor:
        for start in range(0, rows, ROWS_PER_STATEMENT):
            cursor.execute(sql, [column[start : start + ROWS_PER_STATEMENT] for column in columns])


def _value(field: Any, obj: Model, connection: Any) -> Any:
    value = getattr(obj, field.attname)
    if isinstance(value, _PLAIN):
        return value
    return field.get_db_prep_save(value, connection)


def pg_insert_with_history(model: type[Model], objs: Sequence[Model], *, date: dt.datetime, reason: str) -> None:
    """Insert `objs` (their primary keys set from the sequence), then their django-simple-history "+" records.

    The same rows as bulk_create_with_history writes; the search vector is left NULL, to be refreshed.
    """
    if not objs:
        return
    connection = connections[router.db_for_write(model)]
    pk = model._meta.pk
    assert pk is not None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, pk.column, len(objs)],
        )
        for obj, (new_id,) in zip(objs, cursor.fetchall(), strict=True):
            obj.pk = new_id
            obj._state.adding = False
    fields = [field for field in model._meta.concrete_fields if field.name != "search_vector"]
    _insert(model, fields, [[_value(field, obj, connection) for obj in objs] for field in fields])

    history = model.history.model  # type: ignore[attr-defined]
    tracked = {field.attname for field in history.tracked_fields}
    special = {
        "history_date": date,
        "history_change_reason": reason,
        "history_type": "+",
        "history_user_id": None,
    }
    history_fields = [field for field in history._meta.concrete_fields if not field.primary_key]
    unknown = [f.attname for f in history_fields if f.attname not in tracked and f.attname not in special]
    if unknown:
        raise RuntimeError(f"Unexpected history columns {unknown}: use bulk_create_with_history.")
    by_attname = {field.attname: field for field in model._meta.concrete_fields}
    columns = [
        [_value(by_attname[field.attname], obj, connection) for obj in objs]
        if field.attname in tracked
        else [special[field.attname]] * len(objs)
        for field in history_fields
    ]
    _insert(history, history_fields, columns)
