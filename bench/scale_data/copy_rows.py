"""Write model instances with PostgreSQL's COPY instead of INSERT.

The seed writes millions of rows; ``bulk_create`` turns each into a parameter
list of an INSERT, COPY streams them. Rows are still built as model instances
(so every field default Django applies is applied) and every trigger still
fires: COPY runs row triggers as INSERT does, so pghistory records an insert
event for each audited row, as it would for rows the services write.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection, models
from django.db.models.fields import AutoFieldMixin
from psycopg.types.json import Jsonb


def _plain(value: Any) -> Any:
    # psycopg writes an Enum member's *name*; the database holds its value.
    return value.value if isinstance(value, enum.Enum) else value


def _getter(field: models.Field) -> Callable[[models.Model], Any]:
    attname = field.attname
    if isinstance(field, models.JSONField):
        encoder = field.encoder

        def as_json(obj: models.Model) -> Any:
            value = getattr(obj, attname)
            return (
                None if value is None else Jsonb(value, dumps=lambda v: json.dumps(v, cls=encoder))
            )

        return as_json
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return lambda obj: field.pre_save(obj, add=True)
    return lambda obj: _plain(getattr(obj, attname))


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """``count`` ids from the table's own sequence, as INSERTs would have drawn them."""
    pk = model._meta.pk
    assert pk is not None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, pk.column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def copy_instances(
    model: type[models.Model], objs: Sequence[models.Model], *, with_ids: bool = False
) -> None:
    """COPY ``objs`` into the model's table (in the current schema); with ``with_ids``, give
    each its id first (drawn from the sequence), so later rows can refer to it."""
    if not objs:
        return
    fields = [
        f for f in model._meta.concrete_fields if with_ids or not isinstance(f, AutoFieldMixin)
    ]
    if with_ids:
        for obj, pk in zip(objs, reserve_ids(model, len(objs)), strict=True):
            obj.pk = pk
    getters = [_getter(f) for f in fields]
    columns = ", ".join(connection.ops.quote_name(f.column or f.attname) for f in fields)
    sql = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for obj in objs:
            copy.write_row([get(obj) for get in getters])
