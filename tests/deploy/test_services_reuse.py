"""A second command on the dev runner's data folder uses the running servers and leaves
them running: only the command that started a server stops it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from deploy.budget import ConnectionBudget, check_budget
from deploy.services import EmbeddedPostgres, EmbeddedRedis, free_loopback_port

ROOT = Path(__file__).resolve().parents[2]


def _redis_answers(port: int) -> bool:
    with socket.create_connection(("127.0.0.1", port), timeout=2) as sock:
        sock.sendall(b"PING\r\n")
        return sock.recv(16).startswith(b"+PONG")


@pytest.mark.slow
def test_second_postgres_on_the_data_folder_reuses_the_server_and_never_stops_it(tmp_path):
    first = EmbeddedPostgres(data_dir=tmp_path / "postgres", delete_on_stop=True)
    url = first.start()
    try:
        second = EmbeddedPostgres(data_dir=tmp_path / "postgres")
        assert second.start() == url
        assert second.reused
        second.stop()
        with psycopg.connect(url) as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)
    finally:
        first.stop()
    assert not (tmp_path / "postgres" / "postmaster.pid").exists()


def test_second_redis_on_the_data_folder_reuses_the_server_and_never_stops_it(tmp_path):
    first = EmbeddedRedis(data_dir=tmp_path / "redis", port=free_loopback_port(), persist=False)
    url = first.start()
    try:
        second = EmbeddedRedis(data_dir=tmp_path / "redis", port=free_loopback_port())
        assert second.start() == url
        assert second.reused
        second.stop()
        assert _redis_answers(first.port)
    finally:
        first.stop()


def test_a_stale_redis_run_file_starts_a_fresh_server(tmp_path):
    data = tmp_path / "redis"
    data.mkdir()
    # A pid that cannot be alive (beyond pid_max) and a port nobody listens on.
    (data / "redis.run").write_text(f"4194999 {free_loopback_port()}\n")
    redis = EmbeddedRedis(data_dir=data, port=free_loopback_port(), persist=False)
    redis.start()
    try:
        assert not redis.reused
        assert _redis_answers(redis.port)
    finally:
        redis.stop()


def test_connection_budget_counts_every_thread_and_pool_process():
    budget = ConnectionBudget.from_environment(
        {
            "WEB_REPLICAS": "4",
            "GUNICORN_WORKERS": "5",
            "GUNICORN_THREADS": "2",
            "WORKER_REPLICAS": "3",
            "CELERY_CONCURRENCY": "4",
            "DATABASE_CONNECTION_RESERVE": "10",
        }
    )
    assert budget.web == 40
    assert budget.total == 40 + 12 + 1 + 10
    assert check_budget(budget, max_connections=100, superuser_reserved=3) is None
    problem = check_budget(budget, max_connections=60, superuser_reserved=3)
    assert problem and "exceeds" in problem


@pytest.mark.slow
def test_run_refuses_a_budget_postgresql_cannot_hold(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        DEV_DATA_DIR=str(tmp_path / "local"),
        DEV_REDIS_PORT=str(free_loopback_port()),
        PORT=str(free_loopback_port()),
        GUNICORN_WORKERS="90",
    )
    result = subprocess.run(
        [sys.executable, "-m", "deploy.runner", "run"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "exceeds PostgreSQL's room" in result.stdout + result.stderr
    # It stopped the servers it started.
    assert not (tmp_path / "local" / "postgres" / "postmaster.pid").exists()
    assert not (tmp_path / "local" / "redis" / "redis.run").exists()
