"""Is a cloned schema the same as a freshly migrated one?

``schema_fingerprint`` reads a schema's whole definition (relations of every
kind, columns with types, defaults and identity, constraints and indexes with
their names and definitions, triggers, functions, sequences, types, comments,
and the number of rows per table) into a comparable structure, with the
schema's own name replaced by a placeholder. ``fingerprint_differences``
lists what differs, so a refused clone says why.

``schema_digests`` reads the same catalogue queries for many schemas in one
statement and reduces each kind of object to an md5 digest per schema, in
PostgreSQL: the check a bulk clone runs on every schema it makes (the
template's digests are read the same way). Only when a digest differs is the
full fingerprint read, to say what differs.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from tenants.provisioning import catalog

Fingerprint = dict[str, list[tuple[Any, ...]]]


class CloneDiffers(RuntimeError):
    """A cloned schema does not match its template; the clone is refused."""


def schema_fingerprint(schema: str) -> Fingerprint:
    """Must run inside a transaction (the search path is set locally)."""
    with catalog.raw_cursor_in(schema) as cursor:
        oid = catalog.namespace_oid(cursor, schema)
        if oid is None:
            raise CloneDiffers(f"Schema {schema!r} does not exist.")

        def read(sql: str) -> list[tuple[Any, ...]]:
            rows = catalog.fetch(cursor, sql, [oid])
            return [
                tuple(catalog.unqualify(v, schema) if isinstance(v, str) else v for v in row)
                for row in rows
            ]

        fingerprint: Fingerprint = {
            "relations": read(catalog.TABLES),
            # Positions count live columns only, so a dropped column leaves no trace.
            "columns": read(catalog.COLUMNS),
            "constraints": read(catalog.CONSTRAINTS),
            "indexes": read(catalog.INDEXES),
            "functions": read(catalog.FUNCTIONS),
            "triggers": read(catalog.TRIGGERS),
            "sequences": read(catalog.SEQUENCES),
            "types": read(catalog.TYPES),
            "comments": read(catalog.RELATION_COMMENTS),
        }
        tables = [name for name, kind, _ in fingerprint["relations"] if kind == "r"]
        if tables:
            counts = " UNION ALL ".join(
                f"SELECT {catalog.quote_literal(t)}, count(*) "
                f"FROM {catalog.quote_name(schema)}.{catalog.quote_name(t)}"
                for t in tables
            )
            fingerprint["row_counts"] = sorted(catalog.fetch(cursor, counts, []))
    return fingerprint


def fingerprint_differences(expected: Fingerprint, actual: Fingerprint) -> list[str]:
    """Human-readable differences, at most a few per kind of object."""
    problems: list[str] = []
    for kind in sorted(set(expected) | set(actual)):
        want, got = set(expected.get(kind, [])), set(actual.get(kind, []))
        missing, extra = sorted(want - got, key=repr)[:3], sorted(got - want, key=repr)[:3]
        if missing:
            problems.append(f"{kind}: missing {missing}")
        if extra:
            problems.append(f"{kind}: unexpected {extra}")
        if not missing and not extra and expected.get(kind) != actual.get(kind):
            problems.append(f"{kind}: same objects in a different order")
    return problems


# What a digest covers: each catalogue query of the fingerprint (row counts are separate).
DIGESTED = {
    "relations": catalog.TABLES,
    "columns": catalog.COLUMNS,
    "constraints": catalog.CONSTRAINTS,
    "indexes": catalog.INDEXES,
    "functions": catalog.FUNCTIONS,
    "triggers": catalog.TRIGGERS,
    "sequences": catalog.SEQUENCES,
    "types": catalog.TYPES,
    "comments": catalog.RELATION_COMMENTS,
}

# A row's text with the schema's own qualifier replaced by the placeholder. In a record's
# text a quoted identifier's quotes are doubled; a simple name must not end another word.
_UNQUALIFIED = r"""CASE WHEN quote_ident(ns.nspname) = ns.nspname
    THEN regexp_replace(q::text, '(?<![\w$])' || ns.nspname || '\.', '«schema».', 'g')
    ELSE replace(q::text, replace(quote_ident(ns.nspname), '"', '""') || '.', '«schema».')
END"""


def _digest_query(kind: str, sql: str, names: str) -> str:
    body = sql[: sql.rindex("\nORDER BY")].replace("%s", "ns.oid")
    # Without its ORDER BY the catalogue query is a plain subquery that PostgreSQL joins
    # with the namespaces (one scan of the catalogue for the batch, not one per schema);
    # rows are sorted by their unqualified text, so only content counts.
    return (
        f"SELECT ns.nspname, {catalog.quote_literal(kind)}, "
        f"md5(coalesce(string_agg(t, E'\\n' ORDER BY t), '')) "
        f"FROM (SELECT ns.nspname, {_UNQUALIFIED} AS t "
        f"FROM pg_namespace ns, LATERAL ({body}) q WHERE ns.nspname IN ({names})) ns "
        f"GROUP BY ns.nspname"
    )


Digests = dict[str, dict[str, str]]


def schema_digests(schemas: list[str]) -> Digests:
    """{schema: {kind: md5}} for every kind of object in DIGESTED, in one statement.

    Must run inside a transaction: the search path is emptied locally, so every name is
    printed qualified and then unqualified the same way in every schema.
    """
    names = ", ".join(catalog.quote_literal(s) for s in schemas)
    sql = " UNION ALL ".join(_digest_query(k, q, names) for k, q in DIGESTED.items())
    digests: Digests = {schema: dict.fromkeys(DIGESTED, _EMPTY) for schema in schemas}
    with catalog.raw_cursor_in("pg_catalog") as cursor:
        cursor.execute("SELECT set_config('search_path', '', true)")
        cursor.execute(sql)
        for schema, kind, digest in cursor.fetchall():
            digests[schema][kind] = digest
    return digests


_EMPTY = "d41d8cd98f00b204e9800998ecf8427e"  # md5 of no rows: the kind has no objects


def row_counts(schemas: list[str], tables: list[str]) -> dict[str, list[tuple[str, int]]]:
    """{schema: [(table, rows), ...]} for the named tables of each schema, in one statement."""
    counts: dict[str, list[tuple[str, int]]] = {schema: [] for schema in schemas}
    if not tables:
        return counts
    sql = " UNION ALL ".join(
        f"SELECT {catalog.quote_literal(s)}, {catalog.quote_literal(t)}, count(*) "
        f"FROM {catalog.quote_name(s)}.{catalog.quote_name(t)}"
        for s in schemas
        for t in tables
    )
    with transaction.get_connection().cursor() as cursor:
        cursor.execute(sql)
        for schema, table, rows in cursor.fetchall():
            counts[schema].append((table, int(rows)))
    for rows in counts.values():
        rows.sort()
    return counts
