"""Database helpers that need the project's tenant-aware backend."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import Any

from django.db import DEFAULT_DB_ALIAS, OperationalError, connections

from tenants.postgresql_backend.base import DatabaseWrapper


def _wrapper(using: str) -> DatabaseWrapper:
    wrapper = connections[using]
    if not isinstance(wrapper, DatabaseWrapper):
        raise TypeError(f"database {using!r} does not use tenants.postgresql_backend")
    return wrapper


def prepared_cursor(using: str = DEFAULT_DB_ALIAS) -> AbstractContextManager[Any]:
    """A cursor whose statements PostgreSQL plans once per connection, in the current
    authority's schema (``tenants.postgresql_backend.base.PreparingCursor``)."""
    return _wrapper(using).prepared_cursor()


def read_one(sql: str, params: Sequence[Any], using: str = DEFAULT_DB_ALIAS) -> Any:
    """The first row of a read-only statement, prepared, without a health check before it.

    With ``CONN_HEALTH_CHECKS`` Django sends ``SELECT 1`` before the first statement of
    each request that reuses a connection, so that a connection PostgreSQL dropped (a
    restart, a failover) is replaced instead of failing the request. For a statement that
    only reads, the statement itself can be that check: when it fails because the
    connection is dead, nothing was done, so it runs again once on a new connection.
    That saves a round trip on the busiest public requests (a resident's token lookup).
    Inside a transaction, or once this request's connection has been checked or used,
    it runs as any statement does.
    """
    wrapper = _wrapper(using)
    self_checked = (
        wrapper.connection is not None
        and wrapper.health_check_enabled
        and not wrapper.health_check_done
        and not wrapper.in_atomic_block
    )
    if self_checked:
        wrapper.health_check_done = True

    def run() -> Any:
        with wrapper.prepared_cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()

    try:
        return run()
    except OperationalError:
        if not self_checked or not (wrapper.connection is None or wrapper.connection.closed):
            raise  # a live connection: the statement itself failed
    wrapper.close()
    return run()
