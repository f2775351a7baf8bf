"""Liveness for Celery workers and beat without a broker round trip: heartbeat files.

A worker's consumer touches ``HEARTBEAT_FILE`` every ``HEARTBEAT_SECONDS`` from its
event loop (a consumer bootstep), so the file goes stale when the consumer hangs or
loses the broker for good; beat touches it on every scheduler tick. The probe is

    python -m backend.observability.heartbeat [--max-age 120]

which exits 1 when the file is older than ``--max-age`` seconds (or missing). It
imports neither Django nor Celery, so a probe costs milliseconds, unlike
``celery inspect ping`` (which the docs give as the heavier alternative).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

DEFAULT_FILE = "/tmp/celery-heartbeat"


def heartbeat_file() -> Path:
    return Path(os.environ.get("HEARTBEAT_FILE", DEFAULT_FILE))


def touch(path: Path | None = None) -> None:
    path = path or heartbeat_file()
    try:
        path.touch()
        os.utime(path)
    except OSError:  # a full or read-only disk must not stop the worker
        pass


def age(path: Path | None = None) -> float | None:
    try:
        return time.time() - (path or heartbeat_file()).stat().st_mtime
    except OSError:
        return None


def worker_bootstep() -> Any:
    """A consumer bootstep class that touches the file from the consumer's timer."""
    from celery import bootsteps

    class HeartbeatStep(bootsteps.StartStopStep):
        requires = {"celery.worker.consumer.tasks:Tasks"}

        def __init__(self, parent: Any, **kwargs: Any) -> None:
            super().__init__(parent, **kwargs)
            self.timer_entry: Any = None

        def start(self, parent: Any) -> None:
            touch()
            seconds = float(os.environ.get("HEARTBEAT_SECONDS", "15"))
            self.timer_entry = parent.timer.call_repeatedly(seconds, touch, priority=10)

        def stop(self, parent: Any) -> None:
            if self.timer_entry is not None:
                self.timer_entry.cancel()
                self.timer_entry = None

    return HeartbeatStep


def _beat_scheduler() -> type:
    from celery.beat import PersistentScheduler

    class HeartbeatScheduler(PersistentScheduler):
        """Celery's default scheduler that also touches the heartbeat file every tick."""

        def tick(self, *args: Any, **kwargs: Any) -> float:
            touch()
            return float(super().tick(*args, **kwargs))

    return HeartbeatScheduler


def __getattr__(name: str) -> Any:
    # ``celery beat -S backend.observability.heartbeat:HeartbeatScheduler``; built lazily
    # so the probe (this module's main) never imports Celery.
    if name == "HeartbeatScheduler":
        return _beat_scheduler()
    raise AttributeError(name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Exit 1 when the heartbeat file is stale.")
    parser.add_argument("--file", type=Path, default=None)
    parser.add_argument("--max-age", type=float, default=120.0)
    args = parser.parse_args(argv)
    seconds = age(args.file)
    if seconds is None or seconds > args.max_age:
        print(f"stale heartbeat: {seconds if seconds is not None else 'missing'}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
