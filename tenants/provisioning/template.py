"""The template schema new authorities are cloned from, and the clone itself.

The template is an ordinary schema migrated with ``migrate_schemas``, named
after a hash of the migration set on disk (names and file contents), so a new
or edited migration gives a new name and the next onboarding rebuilds it.
It is built under a temporary name and renamed when complete: a crashed
build is never used, and two processes building at once both finish, one
rename wins and the other drops its copy.

``schemas_clone_from_template`` copies the template into new schemas (one or
many, in one transaction) and, in the same transaction, compares each copy
with the template (which is a freshly migrated schema); any difference rolls
every clone of the call back.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
from dataclasses import dataclass
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
    row_counts,
    schema_digests,
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


# Templates never change once built (a new migration set gets a new name), so what is read
# from one (fingerprint, digests, the clone's SQL) is read once per process.
@dataclass
class TemplateRead:
    fingerprint: Fingerprint
    digests: dict[str, str]
    tables: str
    finish: str
    # The renames that give LIKE's generated index names back; the same in every fresh
    # schema (LIKE names indexes after their table and columns), so learnt from the first
    # clone. A wrong one fails the clone or its fidelity check, never passes silently.
    renames: list[str] | None = None


_template_reads: dict[str, TemplateRead] = {}


def _template_read(template: str) -> TemplateRead:
    if template not in _template_reads:
        _template_reads.clear()
        fingerprint = schema_fingerprint(template)
        digests = schema_digests([template])[template]
        with catalog.raw_cursor_in(template) as cursor:
            tables = ";\n".join(clone_statements(cursor, template))
            finish = ";\n".join(finishing_statements(cursor, template))
        _template_reads[template] = TemplateRead(fingerprint, digests, tables, finish)
    return _template_reads[template]


def _path_to(schema: str) -> str:
    path = catalog.quote_literal(f"{catalog.quote_name(schema)}, public")
    return f"SELECT set_config('search_path', {path}, true)"


def _clone_script(read: TemplateRead, schema: str) -> str:
    assert read.renames is not None
    return ";\n".join(
        [
            f"CREATE SCHEMA {catalog.quote_name(schema)}",
            _path_to(schema),
            read.tables,
            *read.renames,
            read.finish,
        ]
    )


def _check_clones(template: str, read: TemplateRead, schemas: list[str]) -> None:
    """Refuse the batch when any clone's digests or row counts differ from the template's."""
    digests = schema_digests(schemas)
    tables = [table for table, _ in read.fingerprint.get("row_counts", [])]
    counts = row_counts(schemas, tables)
    for schema in schemas:
        kinds = [k for k, d in read.digests.items() if digests[schema].get(k) != d]
        if counts[schema] != read.fingerprint.get("row_counts", []):
            kinds.append("row_counts")
        if not kinds:
            continue
        # Say what differs: the full fingerprint, read only for a refused clone.
        problems = fingerprint_differences(read.fingerprint, schema_fingerprint(schema))
        raise CloneDiffers(
            f"The clone of {template} into {schema} differs from the template ("
            + ", ".join(kinds)
            + "): "
            + ("; ".join(problems) or "the catalogue digests differ")
        )


def schemas_clone_from_template(*, schema_names: list[str]) -> None:
    """Create every schema in ``schema_names`` as a copy of the template, in the caller's
    transaction (or one of its own), or raise and create none of them.

    The template's SQL is rendered once per process and replayed for each schema with
    only the search path changed, all schemas in one round trip; one statement then
    checks every clone's catalogue digests against the template's.
    """
    if not schema_names:
        return
    template = template_ensure()  # migrations manage their own transactions
    with transaction.atomic():
        read = _template_read(template)
        pending = list(schema_names)
        with catalog.raw_cursor_in(pending[0]) as cursor:
            if read.renames is None:
                first = pending.pop(0)
                cursor.execute(f"CREATE SCHEMA {catalog.quote_name(first)}")
                cursor.execute(read.tables)
                renames = index_renames(cursor, template, first)
                cursor.execute(";\n".join([*renames, read.finish]))
                read.renames = renames
            if pending:
                cursor.execute(";\n".join(_clone_script(read, s) for s in pending))
        try:
            _check_clones(template, read, list(schema_names))
        except CloneDiffers:
            read.renames = None  # learn them again next time
            raise


def schema_clone_from_template(*, schema_name: str) -> None:
    """Create ``schema_name`` as a copy of the current template, or raise and create nothing."""
    schemas_clone_from_template(schema_names=[schema_name])
