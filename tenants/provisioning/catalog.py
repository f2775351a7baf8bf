"""Reading one schema's definition from the PostgreSQL catalog.

Both the clone (tenants.provisioning.clone) and the fidelity check
(tenants.provisioning.fidelity) read through here. Definitions are read with
the search path set to the schema itself, so PostgreSQL's ``pg_get_*def``
functions print names inside it unqualified and the text can be replayed in
another schema; anything still qualified with the schema's own name is
rewritten to a placeholder, so two schemas compare equal when only their
names differ.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper

SCHEMA_PLACEHOLDER = "«schema»"


def quote_name(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def quote_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


@contextmanager
def raw_cursor_in(schema: str) -> Iterator[CursorWrapper]:
    """A cursor whose search path is ``schema, public`` for the rest of the transaction.

    Must run inside ``transaction.atomic``: the path is set with ``SET LOCAL``
    semantics and the connection's remembered path is forgotten afterwards, so
    the next ORM query sets its own path again.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("raw_cursor_in() needs a transaction.")
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('search_path', %s, true)", [f"{quote_name(schema)}, public"]
            )
            yield cursor
    finally:
        forget_search_path()


def forget_search_path() -> None:
    """Tell the connection wrapper that the session's search path is no longer known."""
    forget = getattr(connection, "forget_search_path", None)
    if callable(forget):
        forget()
    else:  # plain django-tenants backend
        connection.search_path_set_schemas = None  # type: ignore[attr-defined]


def namespace_oid(cursor: CursorWrapper, schema: str) -> int | None:
    cursor.execute("SELECT oid FROM pg_namespace WHERE nspname = %s", [schema])
    row = cursor.fetchone()
    return int(row[0]) if row else None


def unqualify(text: str | None, schema: str) -> str | None:
    """Replace ``schema.`` (quoted or not) in a definition with the placeholder."""
    if text is None:
        return None
    quoted = re.escape(quote_name(schema)) + r"\."
    text = re.sub(quoted, SCHEMA_PLACEHOLDER + ".", text)
    if re.fullmatch(r"[a-z_][a-z0-9_]*", schema):
        text = re.sub(r"(?<![\w\"])" + re.escape(schema) + r"\.", SCHEMA_PLACEHOLDER + ".", text)
    return text


def fetch(cursor: CursorWrapper, sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    cursor.execute(sql, params)
    return [tuple(row) for row in cursor.fetchall()]


# Each query takes the schema's namespace oid as its only parameter. Each ends with its
# ORDER BY clause alone, which fidelity.py strips to use the rest as a subquery.

TABLES = """
SELECT c.relname, c.relkind, c.relpersistence
FROM pg_class c
WHERE c.relnamespace = %s AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'c')
ORDER BY c.relname
"""

COLUMNS = """
SELECT c.relname,
       (SELECT count(*) FROM pg_attribute b
        WHERE b.attrelid = a.attrelid AND b.attnum > 0 AND b.attnum <= a.attnum
          AND NOT b.attisdropped) AS position,
       a.attname, format_type(a.atttypid, a.atttypmod),
       a.attnotnull, pg_get_expr(d.adbin, d.adrelid, true), a.attidentity, a.attgenerated,
       CASE WHEN a.attcollation <> t.typcollation THEN co.collname END,
       nn.conname
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
LEFT JOIN pg_collation co ON co.oid = a.attcollation
LEFT JOIN LATERAL (
    SELECT k.conname FROM pg_constraint k
    WHERE k.conrelid = a.attrelid AND k.contype = 'n' AND k.conkey[1] = a.attnum
    LIMIT 1
) nn ON true
WHERE c.relnamespace = %s AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY c.relname, a.attnum
"""

# Every sequence, with the column that owns it ('a' = OWNED BY, 'i' = identity).
SEQUENCES = """
SELECT c.relname, format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement, s.seqmin,
       s.seqmax, s.seqcache, s.seqcycle, owner.relname, a.attname, dep.deptype
FROM pg_class c
JOIN pg_sequence s ON s.seqrelid = c.oid
LEFT JOIN pg_depend dep ON dep.classid = 'pg_class'::regclass AND dep.objid = c.oid
     AND dep.refclassid = 'pg_class'::regclass AND dep.deptype IN ('a', 'i')
LEFT JOIN pg_class owner ON owner.oid = dep.refobjid
LEFT JOIN pg_attribute a ON a.attrelid = dep.refobjid AND a.attnum = dep.refobjsubid
WHERE c.relnamespace = %s AND c.relkind = 'S'
ORDER BY c.relname
"""

# Table constraints except NOT NULL (part of the column) and constraint triggers (triggers).
CONSTRAINTS = """
SELECT c.relname, k.conname, k.contype, pg_get_constraintdef(k.oid, true)
FROM pg_constraint k
JOIN pg_class c ON c.oid = k.conrelid
WHERE k.connamespace = %s AND k.contype IN ('p', 'u', 'x', 'c', 'f')
ORDER BY CASE k.contype WHEN 'p' THEN 0 WHEN 'u' THEN 1 WHEN 'x' THEN 2 WHEN 'c' THEN 3
         ELSE 4 END, c.relname, k.conname
"""

# Indexes that no primary key, unique or exclusion constraint of their table creates.
INDEXES = """
SELECT t.relname, ic.relname, pg_get_indexdef(i.indexrelid, 0, true)
FROM pg_index i
JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN pg_class t ON t.oid = i.indrelid
WHERE ic.relnamespace = %s
  AND NOT EXISTS (
      SELECT 1 FROM pg_constraint k
      WHERE k.conindid = i.indexrelid AND k.conrelid = i.indrelid
        AND k.contype IN ('p', 'u', 'x')
  )
ORDER BY t.relname, ic.relname
"""

FUNCTIONS = """
SELECT p.proname, pg_get_function_identity_arguments(p.oid), p.prokind,
       CASE WHEN p.prokind IN ('f', 'p') THEN pg_get_functiondef(p.oid) END,
       obj_description(p.oid, 'pg_proc')
FROM pg_proc p
WHERE p.pronamespace = %s
ORDER BY p.proname, 2
"""

TRIGGERS = """
SELECT c.relname, t.tgname, pg_get_triggerdef(t.oid, true), t.tgenabled,
       obj_description(t.oid, 'pg_trigger')
FROM pg_trigger t
JOIN pg_class c ON c.oid = t.tgrelid
WHERE c.relnamespace = %s AND NOT t.tgisinternal
ORDER BY c.relname, t.tgname
"""

# Types other than the row types of tables and the array types PostgreSQL makes itself.
TYPES = """
SELECT t.typname, t.typtype
FROM pg_type t
LEFT JOIN pg_class c ON c.oid = t.typrelid
WHERE t.typnamespace = %s
  AND (t.typrelid = 0 OR c.relkind = 'c')
  AND NOT (t.typcategory = 'A' AND t.typelem <> 0)
ORDER BY t.typname
"""

# Comments on relations (column NULL) and on their columns.
RELATION_COMMENTS = """
SELECT c.relname, c.relkind, a.attname, d.description
FROM pg_description d
JOIN pg_class c ON c.oid = d.objoid AND d.classoid = 'pg_class'::regclass
LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.objsubid AND d.objsubid > 0
WHERE c.relnamespace = %s
ORDER BY c.relname, a.attname NULLS FIRST
"""
