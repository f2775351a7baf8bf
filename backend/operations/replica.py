"""Benchmark reads from a read replica when ``DATABASE_REPLICA_URL`` is set.

The benchmark surfaces only read rollups that tasks write in the public schema, so a
replica a few seconds behind serves them as well as the primary and takes their load
off it. Everything else (tenant data, writes, migrations) stays on ``default``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

REPLICA = "replica"
# Apps whose reads may lag the primary by the replica's delay.
REPLICA_READ_APPS = frozenset({"benchmarks"})


class BenchmarkReplicaRouter:
    """Send benchmark reads to the replica (when configured); have no say otherwise."""

    def db_for_read(self, model: type[models.Model], **hints: Any) -> str | None:
        if REPLICA in settings.DATABASES and model._meta.app_label in REPLICA_READ_APPS:
            return REPLICA
        return None

    def db_for_write(self, model: type[models.Model], **hints: Any) -> str | None:
        return None

    def allow_relation(self, obj1: models.Model, obj2: models.Model, **hints: Any) -> bool | None:
        # Both aliases hold the same rows: a rollup read from the replica may point at
        # an authority read from the primary.
        if {obj1._state.db, obj2._state.db} <= {"default", REPLICA}:
            return True
        return None

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        # The replica follows the primary; nothing is ever migrated on it directly.
        return False if db == REPLICA else None
