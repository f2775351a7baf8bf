"""Copy a migrated template schema into a new authority's schema, in one transaction.

Written here rather than using django-tenants' ``clone_schema`` SQL function,
which silently drops every trigger when the template's name needs quoting and
renames unique constraints, so later migrations that refer to them by name
would fail on cloned schemas. This clone replays the template's own
definitions under their own names:

1. ``clone_statements``: sequences that no identity column owns; tables
   through ``CREATE TABLE ... (LIKE template.t INCLUDING ALL)``, which copies
   columns, defaults, check constraints and indexes as PostgreSQL's parsed
   trees (printing a definition and parsing it again can change its text,
   e.g. the casts of an ``IN`` list); identity columns with their sequences'
   names; the template's rows (migration records, content types) and
   sequence positions;
2. ``index_renames``: LIKE names copied indexes (and the unique and primary
   key constraints they back) itself; each gets its template name back;
3. ``finishing_statements``: foreign keys, functions, then triggers (after
   the rows, so audit triggers do not record the copy), then comments.

Everything runs in the caller's transaction, so a failed clone leaves nothing.
"""

from __future__ import annotations

from typing import Any

from django.db.backends.utils import CursorWrapper

from tenants.provisioning import catalog
from tenants.provisioning.catalog import quote_literal
from tenants.provisioning.catalog import quote_name as q


class CloneUnsupported(RuntimeError):
    """The template holds an object this clone does not know how to copy."""


def _sequence_options(row: tuple[Any, ...], *, identity: bool) -> str:
    _, type_name, start, increment, minimum, maximum, cache, cycle = row[:8]
    # An identity sequence takes its type from its column.
    return (
        ("" if identity else f"AS {type_name} ")
        + f"INCREMENT BY {increment} MINVALUE {minimum} MAXVALUE {maximum} "
        f"START WITH {start} CACHE {cache} {'CYCLE' if cycle else 'NO CYCLE'}"
    )


def clone_statements(cursor: CursorWrapper, template: str) -> list[str]:
    """The SQL that recreates ``template`` in whichever schema is first on the search path.

    ``cursor`` must have ``template`` first on its search path (see catalog.raw_cursor_in).
    Row copies name the template explicitly.
    """
    oid = catalog.namespace_oid(cursor, template)
    if oid is None:
        raise CloneUnsupported(f"The template schema {template!r} does not exist.")
    source = q(template)

    relations = catalog.fetch(cursor, catalog.TABLES, [oid])
    odd = [(name, kind) for name, kind, _ in relations if kind not in ("r",)]
    if odd:
        raise CloneUnsupported(f"Relations of unsupported kinds in the template: {odd}.")
    types = catalog.fetch(cursor, catalog.TYPES, [oid])
    if types:
        raise CloneUnsupported(f"User-defined types in the template: {types}.")

    statements: list[str] = []
    identity_sequences: dict[tuple[str, str], str] = {}
    owned_by: list[str] = []
    for row in catalog.fetch(cursor, catalog.SEQUENCES, [oid]):
        name, owner_table, owner_column, deptype = row[0], row[8], row[9], row[10]
        options = _sequence_options(row, identity=deptype == "i")
        if deptype == "i":
            identity_sequences[(owner_table, owner_column)] = f"SEQUENCE NAME {q(name)} {options}"
            continue
        statements.append(f"CREATE SEQUENCE {q(name)} {options}")
        if deptype == "a":
            owned_by.append(f"ALTER SEQUENCE {q(name)} OWNED BY {q(owner_table)}.{q(owner_column)}")

    columns_by_table: dict[str, list[tuple[Any, ...]]] = {}
    for column in catalog.fetch(cursor, catalog.COLUMNS, [oid]):
        columns_by_table.setdefault(column[0], []).append(column)
    for table, _, persistence in relations:
        # LIKE copies defaults, checks and indexes as parsed trees (re-parsing their
        # printed form can change it), under generated index names fixed later.
        unlogged = "UNLOGGED " if persistence == "u" else ""
        statements.append(
            f"CREATE {unlogged}TABLE {q(table)} "
            f"(LIKE {source}.{q(table)} INCLUDING ALL EXCLUDING IDENTITY)"
        )
        for column in columns_by_table.get(table, []):
            name, identity = column[2], column[6]
            if identity:
                when = "ALWAYS" if identity == "a" else "BY DEFAULT"
                statements.append(
                    f"ALTER TABLE {q(table)} ALTER COLUMN {q(name)} ADD GENERATED {when} "
                    f"AS IDENTITY ({identity_sequences[(table, name)]})"
                )
    statements.extend(owned_by)

    for table, _, _ in relations:
        names = [c[2] for c in columns_by_table.get(table, []) if not c[7]]
        if not names:
            continue
        column_list = ", ".join(q(n) for n in names)
        statements.append(
            f"INSERT INTO {q(table)} ({column_list}) OVERRIDING SYSTEM VALUE "
            f"SELECT {column_list} FROM {source}.{q(table)}"
        )
    for (name,) in catalog.fetch(
        cursor,
        "SELECT sequencename FROM pg_sequences WHERE schemaname = %s AND last_value IS NOT NULL",
        [template],
    ):
        literal = q(name).replace("'", "''")
        statements.append(
            f"SELECT setval('{literal}', last_value, is_called) FROM {source}.{q(name)}"
        )

    return statements


def index_renames(cursor: CursorWrapper, template: str, target: str) -> list[str]:
    """Give the indexes (and the constraints they back) that LIKE copied their template names."""
    cursor.execute(INDEX_SHAPES, [template, target])
    shapes: dict[tuple[str, str], list[str]] = {}
    copies: list[tuple[str, str, str]] = []
    for schema, table, name, shape in cursor.fetchall():
        if schema == template:
            shapes.setdefault((table, shape), []).append(name)
        else:
            copies.append((table, name, shape))
    statements = []
    for table, name, shape in copies:
        wanted = shapes.get((table, shape)) or []
        if not wanted:
            raise CloneUnsupported(f"The copied index {name} on {table} has no template twin.")
        original = wanted.pop(0)
        if original != name:
            statements.append(f"ALTER INDEX {q(name)} RENAME TO {q(original)}")
    return statements


# An index's shape: its definition from USING on (the name and table come before).
INDEX_SHAPES = """
SELECT n.nspname, t.relname, ic.relname,
       i.indisunique::text || i.indisprimary::text
       || substr(pg_get_indexdef(i.indexrelid), strpos(pg_get_indexdef(i.indexrelid), ' USING '))
FROM pg_index i
JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN pg_class t ON t.oid = i.indrelid
JOIN pg_namespace n ON n.oid = ic.relnamespace
WHERE n.nspname IN (%s, %s)
ORDER BY n.nspname, t.relname, ic.relname
"""


def finishing_statements(cursor: CursorWrapper, template: str) -> list[str]:
    """Foreign keys, functions, triggers and comments, once tables and rows exist."""
    oid = catalog.namespace_oid(cursor, template)
    own_prefix = catalog.fetch(cursor, "SELECT quote_ident(%s)", [template])[0][0] + "."
    statements: list[str] = []
    for table, name, kind, definition in catalog.fetch(cursor, catalog.CONSTRAINTS, [oid]):
        if kind == "f":
            statements.append(f"ALTER TABLE {q(table)} ADD CONSTRAINT {q(name)} {definition}")

    for name, _, kind, definition, _ in catalog.fetch(cursor, catalog.FUNCTIONS, [oid]):
        if definition is None:
            raise CloneUnsupported(f"Function {name} is of kind {kind!r}.")
        header = f"CREATE OR REPLACE {'PROCEDURE' if kind == 'p' else 'FUNCTION'} {own_prefix}"
        if not definition.startswith(header):
            raise CloneUnsupported(f"Unexpected definition of function {name}.")
        statements.append(definition.replace(own_prefix, "", 1))
    for table, name, definition, enabled, comment in catalog.fetch(cursor, catalog.TRIGGERS, [oid]):
        statements.append(definition)
        if enabled == "D":
            statements.append(f"ALTER TABLE {q(table)} DISABLE TRIGGER {q(name)}")
        if comment is not None:
            statements.append(
                f"COMMENT ON TRIGGER {q(name)} ON {q(table)} IS {quote_literal(comment)}"
            )
    for name, args, _, _, comment in catalog.fetch(cursor, catalog.FUNCTIONS, [oid]):
        if comment is not None:
            statements.append(f"COMMENT ON FUNCTION {q(name)}({args}) IS {quote_literal(comment)}")
    for table, relkind, column, comment in catalog.fetch(cursor, catalog.RELATION_COMMENTS, [oid]):
        if column is not None:
            target = f"COLUMN {q(table)}.{q(column)}"
        else:
            target = {"r": "TABLE", "i": "INDEX", "S": "SEQUENCE"}[relkind] + f" {q(table)}"
        statements.append(f"COMMENT ON {target} IS {quote_literal(comment)}")
    return statements
