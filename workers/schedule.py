"""Beat schedule: one entry per job; jobs that concern authorities fan out themselves."""

from __future__ import annotations

from typing import Any

from celery.schedules import crontab
from django.conf import settings

BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    # Refreshes the benchmark rollups of authorities whose figures changed and settled.
    "benchmarks-refresh-due": {"task": "benchmarks.refresh_due", "schedule": 15.0},
    # Recomputes every authority's rollups (fans out one task per authority).
    "benchmarks-nightly": {
        "task": "benchmarks.recompute_all",
        "schedule": crontab(hour=2, minute=30),
    },
    # Recomputes the stored findings table once changed scenario facts have settled.
    "findings-refresh-due": {"task": "findings.refresh_due", "schedule": 15.0},
    # Recopies every authority's scenario facts for the programme findings (fans out);
    # each authority's rebuild asks for a table refresh, which findings-refresh-due runs.
    "findings-nightly": {
        "task": "findings.rebuild_all",
        "schedule": crontab(hour=3, minute=0),
    },
    # Opens, reminds and closes consultations whose due time has passed.
    "consultations-sweep": {
        "task": "consultations.sweep_all",
        "schedule": float(settings.CONSULTATION_SWEEP_SECONDS),
    },
    # Reminds owners of benefit reviews before and on the due day, marks them overdue.
    "reviews-sweep": {
        "task": "reviews.sweep_all",
        "schedule": float(settings.REVIEW_SWEEP_SECONDS),
    },
    # Retries webhook deliveries that are due (one relay task per endpoint).
    "webhooks-sweep": {"task": "webhooks.sweep", "schedule": float(settings.WEBHOOK_SWEEP_SECONDS)},
    # Relays account emails (reset and set-your-password links) whose on-commit relay was
    # lost, and retries failed ones whose backoff has passed (public schema, one task).
    "accounts-email-sweep": {
        "task": "accounts.relay_emails",
        "schedule": float(settings.OUTBOX_SWEEP_SECONDS),
    },
    # Erases participants' contact details once the retention period is over.
    "consultations-retention": {
        "task": "consultations.retention_all",
        "schedule": crontab(hour=3, minute=15),
    },
    # Deletes failed sign-in records older than LOGIN_FAILURE_RETENTION_DAYS (public schema).
    "accounts-login-failure-retention": {
        "task": "accounts.purge_login_failures",
        "schedule": crontab(hour=3, minute=45),
    },
}
