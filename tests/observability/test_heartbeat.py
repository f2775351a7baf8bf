"""The worker/beat liveness probe: fresh heartbeat passes, stale or missing fails."""

from __future__ import annotations

import os
import time

from backend.observability.heartbeat import main, touch


def test_probe_passes_on_a_fresh_heartbeat_and_fails_on_a_stale_or_missing_one(tmp_path):
    path = tmp_path / "celery-heartbeat"
    assert main(["--file", str(path), "--max-age", "120"]) == 1
    touch(path)
    assert main(["--file", str(path), "--max-age", "120"]) == 0
    old = time.time() - 600
    os.utime(path, (old, old))
    assert main(["--file", str(path), "--max-age", "120"]) == 1


def test_beat_scheduler_touches_the_heartbeat_on_every_tick(tmp_path, monkeypatch):
    from backend.observability.heartbeat import HeartbeatScheduler
    from workers.celery import app

    path = tmp_path / "beat-heartbeat"
    monkeypatch.setenv("HEARTBEAT_FILE", str(path))
    scheduler = HeartbeatScheduler(app, schedule_filename=str(tmp_path / "schedule"))
    try:
        scheduler.tick()
    finally:
        scheduler.close()
    assert main(["--file", str(path), "--max-age", "5"]) == 0
