"""``migrate_schemas`` that migrates only the schemas with something pending.

django-tenants runs ``migrate`` in every authority's schema in turn, about a
tenth of a second each even when nothing is pending. This command first finds
the schemas that are behind (tenants.migration_state, one query across all of
them) and hands only those to django-tenants' executor. Options that change
what ``migrate`` does (an app label or target, --fake, --plan, --check,
--prune, --run-syncdb, --schema) or ``--all-schemas`` take the upstream path
unchanged.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser
from django_tenants.management.commands import SyncCommon
from django_tenants.management.commands.migrate_schemas import (
    GET_EXECUTOR_FUNCTION,
    MigrateSchemasCommand,
)
from django_tenants.utils import get_public_schema_name

from tenants.migration_state import schemas_behind
from tenants.models import Authority

UPSTREAM_OPTIONS = (
    "app_label",
    "migration_name",
    "fake",
    "fake_initial",
    "plan",
    "prune",
    "check_unapplied",
    "run_syncdb",
    "schema_name",
    "all_schemas",
)


class Command(MigrateSchemasCommand):
    help = "Migrates the public schema and every authority's schema that has migrations pending."

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--all-schemas",
            action="store_true",
            help="Run migrate in every schema, even those with nothing pending.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if any(options.get(name) for name in UPSTREAM_OPTIONS):
            return super().handle(*args, **options)
        SyncCommon.handle(self, *args, **options)
        public = get_public_schema_name()
        executor = GET_EXECUTOR_FUNCTION(codename=self.executor)(self.args, self.options)
        if self.sync_public and schemas_behind([public]):
            executor.run_migrations(tenants=[public])
        if self.sync_tenant:
            schemas = list(
                Authority.objects.exclude(schema_name=public)
                .order_by("pk")
                .values_list("schema_name", flat=True)
            )
            behind = schemas_behind(schemas)
            if int(options.get("verbosity", 1)) >= 1:
                self.stdout.write(
                    f"{len(behind)} of {len(schemas)} authority schemas have migrations pending."
                )
            if behind:
                executor.run_migrations(tenants=behind)
