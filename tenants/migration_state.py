"""Which schemas have migrations left to apply, found without running ``migrate`` in each.

Running Django's ``migrate`` in a schema with nothing pending still costs about
a tenth of a second (it loads the migration graph, reads the recorder,
renders model states and sends the post-migrate signals), which is a minute at
400 authorities for no change. Here every schema's ``django_migrations`` table
is compared with the migration graph on disk in one query.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection
from django.db.migrations.loader import MigrationLoader

from tenants.provisioning.catalog import quote_name


def expected_migrations() -> list[tuple[str, str]]:
    """Every migration of the graph on disk (squashed ones replace what they squash)."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return sorted(loader.graph.nodes)


def schemas_behind(schemas: Sequence[str]) -> list[str]:
    """The schemas, in the order given, whose recorded migrations miss any of the graph's.

    A schema with no ``django_migrations`` table (or no schema at all) is behind.
    One catalog query finds which schemas have the table, one query counts, in
    each of them, the graph's migrations that are recorded.
    """
    if not schemas:
        return []
    expected = expected_migrations()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT s, to_regclass(format('%%I.django_migrations', s)) IS NOT NULL "
            "FROM unnest(%s::text[]) AS s",
            [list(schemas)],
        )
        with_table = [schema for schema, has_table in cursor.fetchall() if has_table]
        recorded: dict[str, int] = {}
        if with_table:
            counts = " UNION ALL ".join(
                f"SELECT %s, count(DISTINCT (m.app, m.name)) FROM {quote_name(schema)}"
                ".django_migrations m JOIN expected e ON e.app = m.app AND e.name = m.name"
                for schema in with_table
            )
            cursor.execute(
                "WITH expected(app, name) AS (SELECT * FROM unnest(%s::text[], %s::text[])) "
                + counts,
                [[app for app, _ in expected], [name for _, name in expected], *with_table],
            )
            recorded = {schema: int(count) for schema, count in cursor.fetchall()}
    return [schema for schema in schemas if recorded.get(schema, -1) < len(expected)]
