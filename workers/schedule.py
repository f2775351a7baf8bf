"""Beat schedule: one entry per job; jobs that concern authorities fan out themselves."""

from __future__ import annotations

from typing import Any

from celery.schedules import crontab
from django.conf import settings

BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    # Opens, reminds and closes consultations whose due time has passed.
    "consultations-sweep": {
        "task": "consultations.sweep_all",
        "schedule": float(settings.CONSULTATION_SWEEP_SECONDS),
    },
    # Erases participants' contact details once the retention period is over.
    "consultations-retention": {
        "task": "consultations.retention_all",
        "schedule": crontab(hour=3, minute=15),
    },
}
