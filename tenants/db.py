"""Database helpers that need the project's tenant-aware backend."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections

from tenants.postgresql_backend.base import DatabaseWrapper


def prepared_cursor(using: str = DEFAULT_DB_ALIAS) -> AbstractContextManager[Any]:
    """A cursor whose statements PostgreSQL plans once per connection, in the current
    authority's schema (``tenants.postgresql_backend.base.PreparingCursor``)."""
    wrapper = connections[using]
    if not isinstance(wrapper, DatabaseWrapper):
        raise TypeError(f"database {using!r} does not use tenants.postgresql_backend")
    return wrapper.prepared_cursor()
