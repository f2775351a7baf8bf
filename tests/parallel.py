"""Let the suite run in several processes (pytest-xdist) on one PostgreSQL and one Redis.

Loaded as a plugin (``-p tests.parallel`` in pytest's options), before Django's
settings are read. pytest-django already gives each worker process a database of
its own (``test_<name>_gw0``, ...); this gives each its own Redis database too,
so one worker's throttle counters, cache entries and Celery queues are never
another's. The workers' databases are copies of one built by the first of them
(tests/snapshot.py); the controller names the run and drops that copy at the end.

It also decides how the files are shared out (``--dist loadfile``): the files that
start servers and wait on them go first, so their waits overlap the rest of the
suite instead of ending it, then the others, largest first (xdist's own order is by
number of tests alone, which sent the dev runner's boot last); and the Celery worker
files run in one process, which starts one worker for all of them.
Without xdist it does nothing.
"""

from __future__ import annotations

import os
import uuid
from collections import Counter
from typing import Any

import pytest

# Files (or folders, one unit each) that start servers and wait on them: scheduled first.
FIRST = (
    "tests/docs/test_api_walkthrough.py",
    "tests/web/test_browser.py",
    "tests/workers/",
    "tests/deploy/test_live_stack.py",
)
# Folders whose files share a session fixture that starts processes (a Celery worker):
# one unit, so one process runs them all and starts it once.
ONE_UNIT = ("tests/workers/",)


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


def unit_of(nodeid: str) -> str:
    """The unit of work a test belongs to: its file, or its folder when in ONE_UNIT."""
    path = nodeid.split("::", 1)[0]
    return next((folder for folder in ONE_UNIT if path.startswith(folder)), path)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Units in FIRST first, then by number of tests (largest first); a unit's tests keep
    their order. Every worker sorts the same collection the same way, as xdist requires."""
    if worker_index() is None:
        return
    sizes = Counter(unit_of(item.nodeid) for item in items)

    def rank(unit: str) -> tuple[int, int]:
        first = next((i for i, prefix in enumerate(FIRST) if unit.startswith(prefix)), len(FIRST))
        return first, -sizes[unit]

    order = {unit: position for position, unit in enumerate(sorted(sizes, key=rank))}
    items.sort(key=lambda item: order[unit_of(item.nodeid)])


def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    if getattr(config.option, "dist", "no") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class UnitScheduling(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return unit_of(nodeid)

    # The workers' collection order (pytest_collection_modifyitems) is the queue's order.
    config.option.loadscopereorder = False
    return UnitScheduling(config, log)
