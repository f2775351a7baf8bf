"""Is a cloned schema the same as a freshly migrated one?

``schema_fingerprint`` reads a schema's whole definition (relations of every
kind, columns with types, defaults and identity, constraints and indexes with
their names and definitions, triggers, functions, sequences, types, comments,
and the number of rows per table) into a comparable structure, with the
schema's own name replaced by a placeholder. ``fingerprint_differences``
lists what differs, so a refused clone says why.
"""

from __future__ import annotations

from typing import Any

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

        columns = read(catalog.COLUMNS)
        # Column numbers differ when a migration dropped a column; order within a table counts.
        fingerprint: Fingerprint = {
            "relations": read(catalog.TABLES),
            "columns": [row[:1] + row[2:] for row in columns],
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
