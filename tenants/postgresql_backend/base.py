"""django-tenants' PostgreSQL backend, issuing ``SET search_path`` only when it changes.

Upstream issues ``SET search_path`` before every query (16 statements for a
list request of 8 queries). Its ``TENANT_LIMIT_SET_CALLS`` cuts that to one per
``set_tenant`` but trusted a path the database had already discarded: ``SET``
is transactional, so a savepoint or transaction rolled back after the ``SET``
restores the previous path while the wrapper believes the new one is in
force, and the next queries read another authority's tables (django-tenants
issue #1262). Versions 3.7 to 4.0 differ in how much of that they repair.

This wrapper keeps its own record of the path the session actually has, and
compares it with the path the current tenant needs before each cursor: equal,
nothing is sent; different, one ``SET``. The record is dropped whenever the
database may have changed the path behind it: a new or closed connection, a
rollback, a savepoint rollback, a failed ``SET``, and code that sets the path
itself (tenants.provisioning calls ``forget_search_path``). A request thus
sends at most one ``SET`` (none when the worker's previous request was for the
same authority). ``TENANT_LIMIT_SET_CALLS`` stays off: upstream's own shortcut
is not used.

``prepared_cursor()`` is for the few hand-written statements on the public hot
path (a resident's token lookup and answer): PostgreSQL plans each once per
connection instead of on every call. Tenancy holds: a prepared statement
remembers the ``search_path`` it was planned under and is parsed again when the
path differs (PostgreSQL 9.3 and later), so it reads the current authority's
tables (``tests/tenants/test_prepared_statements.py``).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from django.db.backends.postgresql.base import CursorMixin
from django.db.backends.postgresql.operations import DatabaseOperations as PostgresOperations
from django.db.backends.utils import CursorWrapper
from django_tenants.postgresql_backend import base as tenants_base


class PreparingCursor(CursorMixin, psycopg.Cursor[Any]):
    """Server-side binding, and every statement with parameters prepared on first use.

    Django's own cursors bind client-side and never prepare (a ``ClientCursor``),
    so PostgreSQL parses and plans every statement again; for a statement run on
    every request that planning can cost more than running it.
    """

    def execute(self, query: Any, params: Any = None, **kwargs: Any) -> Any:
        kwargs.setdefault("prepare", params is not None)
        return super().execute(query, params, **kwargs)


class DatabaseOperations(PostgresOperations):
    def last_executed_query(self, cursor: Any, sql: str, params: Any) -> str | None:  # type: ignore[override]
        # A prepared statement keeps no query text on the cursor: compose it, as Django
        # does for its own server-side binding, so debug logs and captured queries show it.
        if isinstance(cursor, PreparingCursor):
            try:
                return str(self.compose_sql(sql, params))
            except psycopg.errors.DataError:
                return None
        return super().last_executed_query(cursor, sql, params)


class DatabaseWrapper(tenants_base.DatabaseWrapper):
    ops_class = DatabaseOperations

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._session_search_path: list[str] | None = None
        super().__init__(*args, **kwargs)

    @contextmanager
    def prepared_cursor(self) -> Iterator[CursorWrapper]:
        """A cursor like ``cursor()`` (connected, the authority's path set, wrapped as
        Django wraps its own) whose statements are prepared: see ``PreparingCursor``."""
        # What cursor() does: the health check, the connection, a wrapped cursor, and
        # on it the authority's search path when it changed (seen and wrapped as any
        # statement; a statement without parameters is not prepared).
        self.close_if_health_check_failed()
        self.ensure_connection()
        with self.wrap_database_errors:
            raw = PreparingCursor(self.connection)
        with self._prepare_cursor(raw) as cursor:
            self._handle_search_path(cursor)
            yield cursor

    def forget_search_path(self) -> None:
        self._session_search_path = None

    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        connection = super().get_new_connection(conn_params)
        # Django turns psycopg's preparing off (a threshold of None), which also ignores
        # an explicit ``prepare=True``. Only ``PreparingCursor`` binds server-side and
        # asks; a threshold no statement reaches keeps anything else from being prepared.
        connection.prepare_threshold = sys.maxsize
        return connection

    def init_connection_state(self) -> None:
        self.forget_search_path()
        super().init_connection_state()

    def close(self) -> None:
        self.forget_search_path()
        super().close()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self.forget_search_path()

    def savepoint_rollback(self, sid: str) -> None:
        try:
            super().savepoint_rollback(sid)
        finally:
            # After, not before: the rollback's own cursor may send a SET it then discards.
            self.forget_search_path()

    def _handle_search_path(self, cursor: Any = None) -> None:
        if self._setting_search_path:
            return
        if self.schema_name and self._get_cursor_search_paths() == self._session_search_path:
            return
        super()._handle_search_path(cursor)
        # Upstream records the path after a successful SET and None after a failed one.
        self._session_search_path = self.search_path_set_schemas
