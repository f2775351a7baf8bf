"""The template schema new authorities are cloned from, and the clone itself.

The template is an ordinary schema migrated with ``migrate_schemas``, named
after a hash of the migration set on disk (names and file contents), so a new
or edited migration gives a new name and the next onboarding rebuilds it.
It is built under a temporary name and renamed when complete: a crashed
build is never used, and two processes building at once both finish, one
rename wins and the other drops its copy.

``schema_clone_from_template`` copies the template into a new schema and,
in the same transaction, compares the copy with the template (which is a
freshly migrated schema); any difference rolls the clone back.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
from pathlib import Path

from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
from django_tenants.utils import schema_exists

from tenants.provisioning import catalog
from tenants.provisioning.clone import clone_statements, finishing_statements, index_renames
from tenants.provisioning.fidelity import (
    CloneDiffers,
    Fingerprint,
    fingerprint_differences,
    schema_fingerprint,
)

TEMPLATE_PREFIX = "_template_"
BUILD_PREFIX = "_template_build_"


@functools.cache
def migration_set_hash() -> str:
    """A hash of every migration on disk: its app, its name and its file's bytes."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    digest = hashlib.sha256()
    for app_label, name in sorted(loader.disk_migrations):
        migration = loader.disk_migrations[(app_label, name)]
        module = __import__(migration.__module__, fromlist=["_"])
        digest.update(f"{app_label}.{name}\n".encode())
        source = getattr(module, "__file__", None)
        if source:
            digest.update(Path(source).read_bytes())
    return digest.hexdigest()


def template_schema_name() -> str:
    return TEMPLATE_PREFIX + migration_set_hash()[:16]


def _schemas_like(prefix: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace WHERE starts_with(nspname, %s)", [prefix])
        return [row[0] for row in cursor.fetchall()]


def _drop_schema(name: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA IF EXISTS {catalog.quote_name(name)} CASCADE")


def template_ensure() -> str:
    """Return the current template's name, building it by migrations if it is missing."""
    name = template_schema_name()
    if schema_exists(name):
        return name
    build = f"{BUILD_PREFIX}{migration_set_hash()[:16]}_{secrets.token_hex(4)}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE SCHEMA {catalog.quote_name(build)}")
    try:
        call_command(
            "migrate_schemas", tenant=True, schema_name=build, interactive=False, verbosity=0
        )
        with transaction.atomic():
            if schema_exists(name):  # another process finished first
                _drop_schema(build)
            else:
                with connection.cursor() as cursor:
                    cursor.execute(
                        f"ALTER SCHEMA {catalog.quote_name(build)} "
                        f"RENAME TO {catalog.quote_name(name)}"
                    )
    except BaseException:
        _drop_schema(build)
        raise
    for stale in _schemas_like(TEMPLATE_PREFIX):
        if stale != name and not stale.startswith(BUILD_PREFIX):
            _drop_schema(stale)
    _template_reads.clear()
    return name


# Templates never change once built (a new migration set gets a new name), so their
# fingerprint and clone script are read once per process.
_template_reads: dict[str, tuple[Fingerprint, str, str]] = {}


def _template_read(template: str) -> tuple[Fingerprint, str, str]:
    if template not in _template_reads:
        _template_reads.clear()
        fingerprint = schema_fingerprint(template)
        with catalog.raw_cursor_in(template) as cursor:
            tables = ";\n".join(clone_statements(cursor, template))
            finish = ";\n".join(finishing_statements(cursor, template))
        _template_reads[template] = (fingerprint, tables, finish)
    return _template_reads[template]


def schema_clone_from_template(*, schema_name: str) -> None:
    """Create ``schema_name`` as a copy of the current template, or raise and create nothing."""
    template = template_ensure()  # migrations manage their own transactions
    with transaction.atomic():
        expected, tables, finish = _template_read(template)
        with catalog.raw_cursor_in(schema_name) as cursor:
            cursor.execute(f"CREATE SCHEMA {catalog.quote_name(schema_name)}")
            cursor.execute(tables)
            renames = index_renames(cursor, template, schema_name)
            cursor.execute(";\n".join([*renames, finish]))
        problems = fingerprint_differences(expected, schema_fingerprint(schema_name))
        if problems:
            raise CloneDiffers(
                f"The clone of {template} into {schema_name} differs from the template: "
                + "; ".join(problems)
            )
