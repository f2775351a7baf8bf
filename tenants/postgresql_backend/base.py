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
"""

from __future__ import annotations

from typing import Any

from django_tenants.postgresql_backend import base as tenants_base


class DatabaseWrapper(tenants_base.DatabaseWrapper):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._session_search_path: list[str] | None = None
        super().__init__(*args, **kwargs)

    def forget_search_path(self) -> None:
        self._session_search_path = None

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
