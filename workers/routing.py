"""Celery queues: sweeps, email and benchmarks scale (and fail) apart from each other.

A worker started without ``-Q`` consumes every queue below (the dev runner and the
tests); in production each queue has its own worker deployment, e.g.
``celery -A workers worker -Q email``. Tasks not routed here go to ``celery``.
"""

from __future__ import annotations

from kombu import Queue

DEFAULT_QUEUE = "celery"
QUEUES = (DEFAULT_QUEUE, "sweeps", "email", "benchmarks")

TASK_QUEUES = tuple(Queue(name, routing_key=name) for name in QUEUES)

TASK_ROUTES: dict[str, dict[str, str]] = {
    # Beat's due-time sweeps and their per-authority fan-out.
    "consultations.sweep_all": {"queue": "sweeps"},
    "consultations.sweep_authority": {"queue": "sweeps"},
    "consultations.retention_all": {"queue": "sweeps"},
    "consultations.retention_authority": {"queue": "sweeps"},
    "reviews.sweep_all": {"queue": "sweeps"},
    "reviews.sweep_authority": {"queue": "sweeps"},
    "webhooks.sweep": {"queue": "sweeps"},
    "accounts.purge_login_failures": {"queue": "sweeps"},
    # The outbox relays are the only senders of email.
    "consultations.relay_outbox": {"queue": "email"},
    "accounts.relay_emails": {"queue": "email"},
    # Rollup refreshes are CPU- and database-heavy; keep them off the sweeps' path.
    "benchmarks.*": {"queue": "benchmarks"},
    "findings.*": {"queue": "benchmarks"},
}


def queue_of(task_name: str) -> str:
    """The queue a task is sent to (exact names first, then ``prefix.*`` patterns)."""
    if task_name in TASK_ROUTES:
        return TASK_ROUTES[task_name]["queue"]
    for pattern, route in TASK_ROUTES.items():
        if pattern.endswith(".*") and task_name.startswith(pattern[:-1]):
            return route["queue"]
    return DEFAULT_QUEUE
