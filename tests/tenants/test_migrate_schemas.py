"""migrate_schemas finds the schemas that are behind in one query and migrates only those."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from django_tenants.migration_executors import standard

from tenants.migration_state import expected_migrations, schemas_behind


def _latest_shared_only_migration() -> tuple[str, str]:
    """The newest migration of a shared-only app: forgetting it leaves a consistent history."""
    from django.db.migrations.loader import MigrationLoader

    (leaf,) = MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes("benchmarks")
    return leaf


@pytest.fixture
def migrated(monkeypatch):
    """Record the schemas that migrate actually runs in (still running it)."""
    schemas: list[str] = []
    real = standard.run_migrations

    def spy(args, options, codename, schema_name, *rest, **kwargs):
        schemas.append(schema_name)
        return real(args, options, codename, schema_name, *rest, **kwargs)

    monkeypatch.setattr(standard, "run_migrations", spy)
    return schemas


def _forget(schema: str, app: str, name: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f'DELETE FROM "{schema}".django_migrations WHERE app = %s AND name = %s', [app, name]
        )


def test_nothing_pending_runs_migrate_in_no_schema(db, migrated, capsys):
    call_command("migrate_schemas", interactive=False)
    assert migrated == []
    assert "0 of 2 authority schemas have migrations pending" in capsys.readouterr().out


def test_only_the_schema_that_is_behind_is_migrated(db, migrated, capsys):
    shared_only = _latest_shared_only_migration()
    assert shared_only in expected_migrations()
    _forget("beta", *shared_only)
    assert schemas_behind(["public", "alpha", "beta"]) == ["beta"]

    call_command("migrate_schemas", tenant=True, interactive=False)

    assert migrated == ["beta"]
    assert "1 of 2 authority schemas have migrations pending" in capsys.readouterr().out
    assert schemas_behind(["public", "alpha", "beta"]) == []


def test_a_schema_without_a_migration_table_or_at_all_is_behind(db):
    with connection.cursor() as cursor:
        cursor.execute('CREATE SCHEMA "empty-schema"')
    assert schemas_behind(["alpha", "empty-schema", "no-such-schema"]) == [
        "empty-schema",
        "no-such-schema",
    ]


def test_all_schemas_option_keeps_the_upstream_behaviour(db, migrated):
    call_command("migrate_schemas", tenant=True, all_schemas=True, interactive=False)
    assert sorted(migrated) == ["alpha", "beta"]
