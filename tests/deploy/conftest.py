from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from tests.deploy.live_stack import LiveStack
from tests.snapshot import RUN_ID, snapshot_name


@pytest.fixture(scope="module")
def live_stack(django_db_setup: None, django_db_blocker: Any) -> Iterator[LiveStack]:
    """PostgreSQL, Redis, gunicorn (DEBUG off) and runserver (DEBUG on), once per module,
    on a copy of the run's migrated test database (its own server: the tests stop it).

    Not under pytest's tmp_path: pytest narrows /tmp/pytest-of-<user> back to 0700 at each
    session start (of any concurrent run too), and the embedded PostgreSQL runs as its own
    system user when started as root, so pg_ctl could no longer reach its data folder.
    """
    from django.db import connection

    with django_db_blocker.unblock():
        test_database = connection.settings_dict["NAME"]
    # The run's snapshot when there is one: this process's database may hold rows that
    # earlier tests committed (those that run a real Celery worker do).
    run_id = os.environ.get(RUN_ID, "")
    source = snapshot_name(test_database, run_id) if run_id else test_database
    migrated = urlparse(os.environ["DATABASE_URL"])._replace(path=f"/{source}").geturl()
    root = Path(tempfile.mkdtemp(prefix="pb-live-"))
    stack = LiveStack(root=root)
    try:
        stack.start(migrated_database_url=migrated)
        yield stack
    finally:
        stack.stop()
        shutil.rmtree(root, ignore_errors=True)
