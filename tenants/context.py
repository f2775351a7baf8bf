"""Helpers that pin code to one authority's schema and re-check it.

Everything that touches tenant data outside a request (tasks, commands,
tests) goes through ``authority_context``; code that must never run in the
public schema calls ``require_authority_schema`` first and fails loudly.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection
from django_tenants.utils import get_public_schema_name, schema_context

from tenants.models import Authority


class NoAuthorityContext(RuntimeError):
    """Tenant data was touched while the connection pointed at the public schema."""


@contextmanager
def authority_context(authority: Authority | str) -> Iterator[Authority]:
    """Run the block with the connection's search path set to one authority."""
    if isinstance(authority, str):
        authority = Authority.objects.get(schema_name=authority)
    assert isinstance(authority, Authority)
    if authority.schema_name == get_public_schema_name():
        raise NoAuthorityContext("The public schema is not an authority.")
    with schema_context(authority.schema_name):
        use_authority_schema(authority)
        yield authority


def use_public_schema() -> None:
    """Point the connection at the public schema (django-tenants' wrapper is untyped)."""
    connection.set_schema_to_public()  # type: ignore[attr-defined]


def use_authority_schema(authority: Authority) -> None:
    connection.set_tenant(authority)  # type: ignore[attr-defined]


def current_authority_id() -> int:
    """The primary key of the authority the connection points at (fails in public)."""
    require_authority_schema()
    tenant = getattr(connection, "tenant", None)
    if not isinstance(tenant, Authority):
        raise NoAuthorityContext("The connection's tenant is not an authority.")
    return int(tenant.pk)


def current_schema_name() -> str:
    return str(getattr(connection, "schema_name", get_public_schema_name()))


def require_authority_schema() -> str:
    """Return the current authority's schema name, or raise if there is none."""
    schema = current_schema_name()
    if schema == get_public_schema_name():
        raise NoAuthorityContext(
            "This code reads or writes an authority's data but no authority is selected."
        )
    return schema
