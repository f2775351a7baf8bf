"""Database connections outlive tasks in a worker, as they outlive requests in the web server.

Celery's Django fixup closes every database connection before and after each
task unless ``CELERY_DB_REUSE_MAX`` is set, and then closes them every N tasks
without checking them; so each task that touches the database connects again
(a tenant-aware no-op ran at a third of a plain one's rate). Here the fixup's
per-task close is replaced by what Django itself does around a request:
``close_if_unusable_or_obsolete``, which keeps a healthy connection until
``CONN_MAX_AGE`` and, with ``CONN_HEALTH_CHECKS``, makes the next query of a
task check the connection first and reconnect if the server went away (a
restarted PostgreSQL costs one reconnect, not a failed task). Connections
inherited by a forked pool child are still discarded by the fixup.
"""

from __future__ import annotations

from typing import Any

from celery import Celery
from celery.fixups.django import DjangoFixup, DjangoWorkerFixup
from django.db import connections


class ConnectionReusingWorkerFixup(DjangoWorkerFixup):
    """The fixup with its per-task close replaced by Django's request-boundary check."""

    def close_database(self, **kwargs: Any) -> None:
        for conn in connections.all(initialized_only=True):
            conn.close_if_unusable_or_obsolete()


def reuse_database_connections(app: Celery) -> None:
    """Install the connection-reusing fixup on ``app`` (before its worker starts)."""
    for fixup in getattr(app, "_fixups", []):
        if isinstance(fixup, DjangoFixup):
            fixup.worker_fixup = ConnectionReusingWorkerFixup(app)
            return
    raise RuntimeError("Celery's Django fixup is not installed; DJANGO_SETTINGS_MODULE unset?")
