from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.deploy.live_stack import LiveStack


@pytest.fixture(scope="module")
def live_stack() -> Iterator[LiveStack]:
    """PostgreSQL, Redis, gunicorn (DEBUG off) and runserver (DEBUG on), once per module.

    Not under pytest's tmp_path: pytest narrows /tmp/pytest-of-<user> back to 0700 at each
    session start (of any concurrent run too), and the embedded PostgreSQL runs as its own
    system user when started as root, so pg_ctl could no longer reach its data folder.
    """
    root = Path(tempfile.mkdtemp(prefix="pb-live-"))
    stack = LiveStack(root=root)
    try:
        stack.start()
        yield stack
    finally:
        stack.stop()
        shutil.rmtree(root, ignore_errors=True)
