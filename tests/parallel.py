"""Let the suite run in several processes (pytest-xdist) on one PostgreSQL and one Redis.

Loaded as a plugin (``-p tests.parallel`` in pytest's options), before Django's
settings are read. pytest-django already gives each worker process a database of
its own (``test_<name>_gw0``, ...); this gives each its own Redis database too,
so one worker's throttle counters, cache entries and Celery queues are never
another's. The workers' databases are copies of one built by the first of them
(tests/snapshot.py); the controller names the run and drops that copy at the end.
Without xdist it does nothing.
"""

from __future__ import annotations

import os
import uuid

import pytest


def worker_index() -> int | None:
    """0, 1, ... in an xdist worker process; None in a plain run or the controller."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    return int(worker.removeprefix("gw")) if worker.startswith("gw") else None


def worker_suffix() -> str:
    """``-gw0`` in worker 0, empty in a plain run: for files a test process writes."""
    index = worker_index()
    return "" if index is None else f"-gw{index}"


def _own_redis_database() -> None:
    index = worker_index()
    url = os.environ.get("REDIS_URL")
    if index is None or not url:
        return
    base, _, database = url.rpartition("/")
    # Redis has 16 databases; the plain run uses the URL's own, workers the next ones.
    os.environ["REDIS_URL"] = f"{base}/{(int(database or 0) + 1 + index) % 16}"


_own_redis_database()


def _controls_workers(config: pytest.Config) -> bool:
    return worker_index() is None and getattr(config.option, "dist", "no") != "no"


def pytest_configure(config: pytest.Config) -> None:
    # The run id every worker sees (PYTEST_XDIST_TESTRUNUID), chosen here so that the
    # controller knows which snapshot database to drop.
    if _controls_workers(config) and not getattr(config.option, "testrunuid", None):
        config.option.testrunuid = uuid.uuid4().hex


def pytest_unconfigure(config: pytest.Config) -> None:
    if _controls_workers(config):
        from tests.snapshot import drop_run_snapshot

        drop_run_snapshot(config.option.testrunuid)
