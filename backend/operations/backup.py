"""Export one authority to a file and restore it, under its own slug or a new one.

The file (gzip, JSON lines) holds:

- a manifest: format, slug, the tenant apps' migrations the data was written under;
- the authority's rows in shared (public-schema) tables: the Authority, its Domains, and
  every row of a public model with a foreign key to it (memberships, register entries,
  benchmark rollups, pseudonyms, methodology adoptions, their history events...),
  found by introspection so a new model is included without editing this module;
- the rows those point at in the public schema (users, methodology versions, history
  contexts...), restored only where missing;
- every table of the authority's schema, history tables included, as PostgreSQL
  ``COPY`` text, so values round-trip exactly.

Restore refuses a file written under other tenant migrations (restore with the release
that wrote it, then upgrade), refuses an existing slug, and writes everything or nothing:
a failure drops the half-made schema and rows.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_context, schema_exists

from tenants.models import Authority, Domain
from tenants.provisioning.template import schema_clone_from_template

FORMAT = 1


@dataclass
class BackupSummary:
    """What an export wrote or a restore read."""

    slug: str
    tables: dict[str, int] = field(default_factory=dict)
    shared: dict[str, int] = field(default_factory=dict)
    referenced: dict[str, int] = field(default_factory=dict)


def _shared_only_models() -> list[type[models.Model]]:
    tenant_only = {
        config.label
        for config in apps.get_app_configs()
        if config.name in settings.TENANT_APPS and config.name not in settings.SHARED_APPS
    }
    return [model for model in apps.get_models() if model._meta.app_label not in tenant_only]


def _tenant_only_models() -> list[type[models.Model]]:
    tenant_only = {
        config.label
        for config in apps.get_app_configs()
        if config.name in settings.TENANT_APPS and config.name not in settings.SHARED_APPS
    }
    return [model for model in apps.get_models() if model._meta.app_label in tenant_only]


def _foreign_keys(model: type[models.Model]) -> list[models.ForeignKey[Any, Any]]:
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, models.ForeignKey) and f.related_model is not None
    ]


def _authority_linked_models() -> list[tuple[type[models.Model], str]]:
    """Public models with a foreign key to Authority, and that key's name."""
    found = []
    for model in _shared_only_models():
        if model in (Authority,):
            continue
        for fk in _foreign_keys(model):
            if fk.related_model is Authority:
                found.append((model, fk.name))
                break
    return found


def _schema_tables(schema: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables"
            " WHERE table_schema = %s AND table_type = 'BASE TABLE'"
            " AND table_name <> 'django_migrations' ORDER BY table_name",
            [schema],
        )
        return [row[0] for row in cursor.fetchall()]


def _columns(schema: str, table: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name FROM information_schema.columns"
            " WHERE table_schema = %s AND table_name = %s ORDER BY ordinal_position",
            [schema, table],
        )
        return [row[0] for row in cursor.fetchall()]


def _tenant_migrations(schema: str) -> list[str]:
    labels = {model._meta.app_label for model in _tenant_only_models()}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT app, name FROM {connection.ops.quote_name(schema)}.django_migrations"
            " ORDER BY app, name"
        )
        return [f"{app}.{name}" for app, name in cursor.fetchall() if app in labels]


def _code_tenant_migrations() -> list[str]:
    from django.db.migrations.loader import MigrationLoader

    labels = {model._meta.app_label for model in _tenant_only_models()}
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return sorted(f"{app}.{name}" for app, name in loader.disk_migrations if app in labels)


def _referenced_closure(
    seeds: Iterable[tuple[type[models.Model], Any]], skip: set[type[models.Model]]
) -> dict[type[models.Model], set[Any]]:
    """Every public row reachable by foreign keys from ``seeds`` (model, pk)."""
    found: dict[type[models.Model], set[Any]] = {}
    queue = list(seeds)
    while queue:
        model, pk = queue.pop()
        if model in skip or pk in found.get(model, set()):
            continue
        found.setdefault(model, set()).add(pk)
        values = model._default_manager.filter(pk=pk).values(
            *[fk.attname for fk in _foreign_keys(model)]
        )
        for row in values:
            for fk in _foreign_keys(model):
                target = row[fk.attname]
                if target is not None and fk.related_model is not None:
                    queue.append((fk.related_model, target))
    return found


def _write(handle: Any, entry: dict[str, Any]) -> None:
    handle.write(json.dumps(entry, cls=DjangoJSONEncoder) + "\n")


def authority_export(*, slug: str, path: Path) -> BackupSummary:
    """Write one authority's schema and shared rows to ``path`` (gzip JSON lines)."""
    authority = Authority.objects.get(schema_name=slug)
    summary = BackupSummary(slug=slug)
    nested = connection.in_atomic_block
    with transaction.atomic(), gzip.open(path, "wt", encoding="utf-8") as handle:
        if not nested:  # one snapshot for the whole file (the caller's, when nested)
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        _write(
            handle,
            {
                "kind": "manifest",
                "format": FORMAT,
                "slug": slug,
                "base_domain": settings.BASE_DOMAIN,
                "exported_at": timezone.now(),
                "tenant_migrations": _tenant_migrations(slug),
            },
        )
        shared: list[models.Model] = [authority, *Domain.objects.filter(tenant=authority)]
        for model, key in _authority_linked_models():
            if model is Domain:
                continue
            rows = list(model._default_manager.filter(**{key: authority}))
            shared += rows
            if rows:
                summary.shared[model._meta.label] = len(rows)
        # Public rows the authority's data points at, from shared rows and tenant tables.
        seeds: list[tuple[type[models.Model], Any]] = []
        for obj in shared:
            for fk in _foreign_keys(type(obj)):
                target = getattr(obj, fk.attname)
                if target is not None and fk.related_model is not None:
                    seeds.append((fk.related_model, target))
        with schema_context(slug):
            for model in _tenant_only_models():
                for fk in _foreign_keys(model):
                    if fk.related_model in _tenant_only_models():
                        continue
                    for target in (
                        model._default_manager.exclude(**{f"{fk.attname}__isnull": True})
                        .values_list(fk.attname, flat=True)
                        .distinct()
                    ):
                        seeds.append((fk.related_model, target))
        shared_keys = {(type(o), o.pk) for o in shared}
        closure = _referenced_closure(seeds, skip={Authority})
        referenced = [
            obj
            for model, pks in closure.items()
            for obj in model._default_manager.filter(pk__in=pks)
            if (model, obj.pk) not in shared_keys
        ]
        for obj in referenced:
            label = type(obj)._meta.label
            summary.referenced[label] = summary.referenced.get(label, 0) + 1
        ordered = serializers.sort_dependencies(
            [(None, sorted({type(o) for o in referenced + shared}, key=str))],
            allow_cycles=True,
        )
        for model in ordered:
            for section, objects in (("referenced", referenced), ("shared", shared)):
                chunk = [o for o in objects if type(o) is model]
                if chunk:
                    _write(
                        handle,
                        {
                            "kind": section,
                            "model": model._meta.label_lower,
                            "rows": serializers.serialize("python", chunk),
                        },
                    )
        # The authority's own schema, table by table, exactly as PostgreSQL stores it.
        raw = connection.connection
        assert raw is not None
        for table in _schema_tables(slug):
            columns = _columns(slug, table)
            quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
            target = f"{connection.ops.quote_name(slug)}.{connection.ops.quote_name(table)}"
            chunks = []
            with (
                raw.cursor() as cursor,
                cursor.copy(f"COPY (SELECT {quoted} FROM {target}) TO STDOUT") as copy,
            ):
                for data in copy:
                    chunks.append(bytes(data).decode())
            text = "".join(chunks)
            summary.tables[table] = text.count("\n")
            _write(handle, {"kind": "table", "table": table, "columns": columns, "copy": text})
    return summary


def _entries(path: Path) -> Iterator[dict[str, Any]]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def _domain_for(old: str, old_slug: str, new_slug: str, old_base: str) -> str:
    """``old-slug.old-base`` → ``new-slug.<this BASE_DOMAIN>``; other names keep their
    shape with the slug label replaced."""
    if old == f"{old_slug}.{old_base}":
        return f"{new_slug}.{settings.BASE_DOMAIN}"
    labels = [new_slug if label == old_slug else label for label in old.split(".")]
    return ".".join(labels)


def authority_restore(*, path: Path, slug: str | None = None) -> BackupSummary:
    """Restore an export into this deployment, as ``slug`` (default: the exported slug).

    Users are matched by e-mail (an existing account is reused, never overwritten);
    programme rows (methodology versions, engagement methods...) are added only where
    missing. All or nothing: on any failure the new schema and rows are removed.
    """
    entries = _entries(path)
    manifest = next(entries)
    if manifest.get("kind") != "manifest" or manifest.get("format") != FORMAT:
        raise ValidationError("Not an authority export of a known format.")
    old_slug = manifest["slug"]
    new_slug = slug or old_slug
    if manifest["tenant_migrations"] != _code_tenant_migrations():
        raise ValidationError(
            "The export was written under other migrations than this release's: restore "
            "it with the release that wrote it, then upgrade."
        )
    if Authority.objects.filter(schema_name=new_slug).exists():
        raise ValidationError(f"An authority '{new_slug}' exists already.")
    summary = BackupSummary(slug=new_slug)
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    pk_map: dict[tuple[type[models.Model], Any], Any] = {}
    authority: Authority | None = None
    try:
        pending_tables: list[dict[str, Any]] = []
        deferred: list[dict[str, Any]] = []
        for entry in entries:
            if entry["kind"] == "table":
                pending_tables.append(entry)
                continue
            model = apps.get_model(entry["model"])
            if model is Authority:
                [row] = entry["rows"]
                fields = dict(row["fields"])
                fields["schema_name"] = new_slug
                # The schema first, as authority_onboard makes it: a checked clone of the
                # migrated template (the export's migrations are this deployment's, checked
                # above), or migrations for a schema left by an interrupted attempt; both
                # manage their own transactions. Then the rows, all in one transaction.
                authority = Authority(**_plain_fields(Authority, fields, pk_map))
                if schema_exists(new_slug):
                    authority.create_schema(check_if_exists=True, sync_schema=True, verbosity=0)
                else:
                    schema_clone_from_template(schema_name=new_slug)
                authority.save()
                pk_map[(Authority, row["pk"])] = authority.pk
                summary.shared["tenants.Authority"] = 1
                continue
            deferred.append(entry)
        if authority is None:
            raise ValidationError("The export holds no authority.")
        with transaction.atomic():
            for entry in deferred:
                model = apps.get_model(entry["model"])
                for row in entry["rows"]:
                    _restore_row(
                        model,
                        row,
                        entry["kind"],
                        pk_map,
                        user_model=user_model,
                        old_slug=old_slug,
                        new_slug=new_slug,
                        old_base=manifest["base_domain"],
                    )
                bucket = summary.shared if entry["kind"] == "shared" else summary.referenced
                bucket[model._meta.label] = len(entry["rows"])
            _restore_tables(new_slug, pending_tables, pk_map, user_model, summary)
    except BaseException:
        if authority is not None and authority.pk:
            _drop(authority)
        raise
    return summary


def _plain_fields(
    model: type[models.Model], fields: dict[str, Any], pk_map: dict[tuple[Any, Any], Any]
) -> dict[str, Any]:
    """Serializer fields → constructor kwargs, foreign keys remapped to restored pks."""
    values: dict[str, Any] = {}
    for name, value in fields.items():
        field_ = model._meta.get_field(name)
        if isinstance(field_, models.ManyToManyField) or not isinstance(field_, models.Field):
            continue
        if isinstance(field_, models.ForeignKey) and field_.related_model is not None:
            values[field_.attname] = (
                pk_map.get((field_.related_model, value), value) if value is not None else None
            )
        else:
            values[name] = field_.to_python(value) if value is not None else None
    return values


def _restore_row(
    model: type[models.Model],
    row: dict[str, Any],
    kind: str,
    pk_map: dict[tuple[Any, Any], Any],
    *,
    user_model: type[models.Model],
    old_slug: str,
    new_slug: str,
    old_base: str,
) -> None:
    old_pk = row["pk"]
    fields = _plain_fields(model, dict(row["fields"]), pk_map)
    if model is user_model:
        email = fields.get("email")
        existing = user_model._default_manager.filter(email=email).first()
        if existing is not None:
            pk_map[(model, old_pk)] = existing.pk
            return
        taken = user_model._default_manager.filter(pk=old_pk).exists()
        obj = model(**fields) if taken else model(pk=old_pk, **fields)
        obj.save(force_insert=True)
        pk_map[(model, old_pk)] = obj.pk
        return
    if kind == "referenced":
        # Programme rows: reuse the deployment's own copy when it has that pk.
        if model._default_manager.filter(pk=old_pk).exists():
            pk_map[(model, old_pk)] = old_pk
            return
        model(pk=old_pk, **fields).save(force_insert=True)
        pk_map[(model, old_pk)] = old_pk
        return
    if model is Domain:
        fields["domain"] = _domain_for(fields["domain"], old_slug, new_slug, old_base)
    # A unique value another authority holds here (a copy restored under a new slug
    # beside the original): a generated one (a register entry's public UUID) is drawn
    # again; a row keyed by any other (the benchmark pseudonym) is left out and made
    # afresh when first needed.
    for field_ in model._meta.concrete_fields:
        if field_.unique and not field_.primary_key and not field_.is_relation:
            value = fields.get(field_.attname, fields.get(field_.name))
            if model._default_manager.filter(**{field_.attname: value}).exists():
                if not (field_.has_default() and callable(field_.default)):
                    return
                fields[field_.attname] = field_.get_default()
    obj = model(**fields)
    obj.save(force_insert=True)
    pk_map[(model, old_pk)] = obj.pk


def _restore_tables(
    schema: str,
    tables: list[dict[str, Any]],
    pk_map: dict[tuple[Any, Any], Any],
    user_model: type[models.Model],
    summary: BackupSummary,
) -> None:
    quote = connection.ops.quote_name
    raw = connection.connection
    assert raw is not None
    existing = set(_schema_tables(schema))
    targets = [f"{quote(schema)}.{quote(t)}" for t in sorted(existing)]
    with connection.cursor() as cursor:
        if targets:
            cursor.execute("TRUNCATE " + ", ".join(targets))
        # History triggers must not fire: the history rows come from the file. The app
        # owns its tables, so this needs no superuser (session_replication_role would).
        # Disabled before the first row, while no trigger event is pending.
        for target in targets:
            cursor.execute(f"ALTER TABLE {target} DISABLE TRIGGER USER")
        # Django's foreign keys are DEFERRABLE: checked once every table is loaded.
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    for entry in tables:
        table = entry["table"]
        if table not in existing:
            raise ValidationError(f"Table {table} is not in this release's schema.")
        columns = ", ".join(quote(c) for c in entry["columns"])
        target = f"{quote(schema)}.{quote(table)}"
        with (
            raw.cursor() as cursor,
            cursor.copy(f"COPY {target} ({columns}) FROM STDIN") as copy,
        ):
            copy.write(entry["copy"].encode())
        summary.tables[table] = entry["copy"].count("\n")
    # Accounts that got another id here (an e-mail known under another id).
    moved = {old: new for (model, old), new in pk_map.items() if model is user_model and old != new}
    with schema_context(schema), connection.cursor() as cursor:
        if moved:
            for model in _tenant_only_models():
                for fk in _foreign_keys(model):
                    if fk.related_model is not user_model:
                        continue
                    for old, new in moved.items():
                        cursor.execute(
                            f"UPDATE {quote(schema)}.{quote(model._meta.db_table)}"
                            f" SET {quote(fk.column)} = %s WHERE {quote(fk.column)} = %s",
                            [new, old],
                        )
        # Check the foreign keys now, so the triggers can be switched back on.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for target in targets:
            cursor.execute(f"ALTER TABLE {target} ENABLE TRIGGER USER")
        # Sequences carry on after the restored ids.
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE table_schema = %s AND (column_default LIKE 'nextval%%'"
            " OR is_identity = 'YES')",
            [schema],
        )
        for table, column in cursor.fetchall():
            target = f"{quote(schema)}.{quote(table)}"
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence(%s, %s),"
                f" coalesce((SELECT max({quote(column)}) FROM {target}), 0) + 1, false)",
                [target, column],
            )


def _drop(authority: Authority) -> None:
    """Undo a failed restore: the new schema and every row pointing at the authority."""
    with schema_context(get_public_schema_name()):
        for model, key in _authority_linked_models():
            model._default_manager.filter(**{key: authority}).delete()
        with connection.cursor() as cursor:
            cursor.execute(
                f"DROP SCHEMA IF EXISTS {connection.ops.quote_name(authority.schema_name)} CASCADE"
            )
        Authority.objects.filter(pk=authority.pk).delete()
