"""Beat schedule: one entry per job; jobs that concern authorities fan out themselves."""

from __future__ import annotations

from typing import Any

from celery.schedules import crontab

BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    "benchmarks-refresh-due": {"task": "benchmarks.refresh_due", "schedule": 15.0},
    "benchmarks-nightly": {
        "task": "benchmarks.recompute_all",
        "schedule": crontab(hour=2, minute=30),
    },
}
