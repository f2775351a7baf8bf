"""One migrated test database per test run, copied for every xdist worker.

Each pytest-xdist worker used to build its own test database: migrate the public
schema, build the template schema by migrations, onboard ``alpha`` and ``beta``,
the same work once per process. Now the first worker to arrive builds its database
that way and copies it to ``<test database>_snapshot_<run>`` while it holds a
PostgreSQL advisory lock; every later worker takes the lock, finds the copy and
creates its own database from it (``CREATE DATABASE ... TEMPLATE``, a file copy),
then lets Django run ``migrate`` on it as usual, which finds nothing pending.

The snapshot belongs to one run (xdist's test run id, shared by the run's workers),
so it always holds this checkout's migrations and onboarding code; the controller
drops it when the run ends (``drop_run_snapshot``, called from tests/parallel.py).
A plain run (no xdist) builds its one database as before.

The first worker copies the build it would make from ``<test database>_built_<key>``
when the server has one for this checkout's key, and otherwise keeps its build under
that name for the next run (deploy/testdb.py: what the key covers, and how the test
command keeps a server's data folder per machine). A plain run does the same.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlparse

import psycopg

from deploy import testdb
from deploy.services import copy_database

RUN_ID = "PYTEST_XDIST_TESTRUNUID"


def worker_database_name(settings: dict[str, Any]) -> str:
    """The test database Django will create (pytest-django adds ``_gw<N>`` under xdist)."""
    return str(settings.get("TEST", {}).get("NAME") or f"test_{settings['NAME']}")


def snapshot_name(test_database: str, run_id: str) -> str:
    """``test_publicbenefit_gw1`` in run ``ab12...`` → ``test_publicbenefit_snapshot_ab12...``."""
    base = test_database.rsplit("_gw", 1)[0]
    return f"{base}_snapshot_{run_id[:16]}"[:63]


def admin_connection(**settings: Any) -> psycopg.Connection[Any]:
    """A connection to the server's ``postgres`` database, outside any test database."""
    return psycopg.connect(
        dbname="postgres",
        host=settings.get("HOST") or None,
        port=settings.get("PORT") or None,
        user=settings.get("USER") or None,
        password=settings.get("PASSWORD") or None,
        autocommit=True,
    )


def _exists(admin: psycopg.Connection[Any], name: str) -> bool:
    row = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    return row is not None


@contextmanager
def _run_lock(admin: psycopg.Connection[Any], name: str) -> Iterator[None]:
    key = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)
    admin.execute("SELECT pg_advisory_lock(%s)", [key])
    try:
        yield
    finally:
        admin.execute("SELECT pg_advisory_unlock(%s)", [key])


def _keep_built(admin: psycopg.Connection[Any], *, source: str, built: str) -> None:
    """Copy a fresh build to ``built``; drop the builds of other keys (older sources)."""
    prefix = built.rsplit(testdb.BUILT, 1)[0] + testdb.BUILT
    for (name,) in admin.execute(
        "SELECT datname FROM pg_database WHERE starts_with(datname, %s)", [prefix]
    ).fetchall():
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    copy_database(admin, source=source, target=built)


def database_from_snapshot(
    *,
    settings: dict[str, Any],
    test_database: str,
    build: Callable[[], None],
    setup_copied: Callable[[], None],
    close_connections: Callable[[], None],
    kept: bool = True,
) -> str:
    """Give this worker ``test_database``: built by ``build`` (the first worker of the run,
    which then snapshots it) or copied from the snapshot and finished by ``setup_copied``.
    With ``kept`` (and the cache not turned off), a build kept by an earlier run with the
    same key stands in for ``build``. Returns "built", "kept" or "copied"."""
    run_id = os.environ.get(RUN_ID, "")
    built = ""
    if kept and testdb.enabled():
        built = testdb.built_database_name(test_database, testdb.key())
    # Without xdist the worker's own database plays the snapshot's part.
    snapshot = snapshot_name(test_database, run_id) if run_id else test_database
    with admin_connection(**settings) as admin, _run_lock(admin, built or snapshot):
        outcome = "copied"
        if not run_id or not _exists(admin, snapshot):
            if built and _exists(admin, built):
                admin.execute(f'DROP DATABASE IF EXISTS "{snapshot}"')
                copy_database(admin, source=built, target=snapshot)
                outcome = "kept"
            else:
                build()
                close_connections()
                if run_id:
                    copy_database(admin, source=test_database, target=snapshot)
                if built:
                    _keep_built(admin, source=test_database, built=built)
                return "built"
        if run_id:
            admin.execute(f'DROP DATABASE IF EXISTS "{test_database}"')
            copy_database(admin, source=snapshot, target=test_database)
    setup_copied()
    return outcome


def drop_run_snapshot(run_id: str) -> None:
    """Drop the run's snapshot (the controller, after every worker has finished)."""
    url = os.environ.get("DATABASE_URL")
    if not url or not run_id:
        return
    parsed = urlparse(url)
    name = snapshot_name(f"test_{parsed.path.lstrip('/')}", run_id)
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
    except psycopg.Error:
        pass  # a throwaway server is deleted with its data anyway
