"""Whether every schema has every migration this code knows about."""

from __future__ import annotations

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django_tenants.utils import get_public_schema_name, schema_context

from tenants.models import Authority


def unapplied_migrations() -> dict[str, int]:
    """Schema name → number of this code's migrations not yet applied there (only the
    schemas that lack some). The public schema is checked first; authority schemas only
    once it is complete, since migrate_schemas does them after it."""
    missing: dict[str, int] = {}
    schemas = [get_public_schema_name()]
    with schema_context(get_public_schema_name()):
        executor = MigrationExecutor(connection)
        public_plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if public_plan:
            return {get_public_schema_name(): len(public_plan)}
        schemas = list(
            Authority.objects.exclude(schema_name=get_public_schema_name()).values_list(
                "schema_name", flat=True
            )
        )
    for schema in schemas:
        with schema_context(schema):
            executor = MigrationExecutor(connection)
            plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
            if plan:
                missing[schema] = len(plan)
    return missing
