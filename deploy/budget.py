"""The PostgreSQL connection budget: how many connections every process may hold at once.

Each gunicorn thread and each Celery pool process holds at most one connection to
PostgreSQL (Django opens one per thread, and with ``DATABASE_CONN_MAX_AGE`` > 0 keeps
it between requests). So the most connections a deployment can hold is

    web replicas x GUNICORN_WORKERS x GUNICORN_THREADS
  + worker replicas x CELERY_CONCURRENCY      (summed over the queues' workers)
  + 1 for beat (it only reads the clock, but may touch the database at start)
  + DATABASE_CONNECTION_RESERVE                (migrations, backups, a shell; default 10)

and it must stay below PostgreSQL's ``max_connections`` minus its
``superuser_reserved_connections``. Django's own ``runserver`` opens a thread, and so
a connection, per concurrent request with no bound: that is how 1,000 concurrent
answers exhausted PostgreSQL. Standard library only: gunicorn's config imports it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


def available_cpus() -> int:
    """CPUs this process may use: the cgroup quota (a container's limit) when one is set,
    else the CPU affinity, never the node's core count."""
    try:
        quota, period = Path("/sys/fs/cgroup/cpu.max").read_text().split()
        if quota != "max":
            return max(1, int(int(quota) // int(period)))
    except (OSError, ValueError):
        pass
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def default_web_workers() -> int:
    return 2 * available_cpus() + 1


@dataclass(frozen=True)
class ConnectionBudget:
    """The worst-case connection count of one deployment's processes."""

    web_replicas: int
    web_workers: int
    web_threads: int
    worker_processes: int
    beat: int = 1
    reserve: int = 10

    @classmethod
    def from_environment(cls, env: dict[str, str] | None = None) -> ConnectionBudget:
        env = dict(os.environ if env is None else env)
        return cls(
            web_replicas=int(env.get("WEB_REPLICAS", "1")),
            web_workers=int(env.get("GUNICORN_WORKERS") or default_web_workers()),
            web_threads=int(env.get("GUNICORN_THREADS", "1")),
            worker_processes=int(env.get("WORKER_REPLICAS", "1"))
            * int(env.get("CELERY_CONCURRENCY", "2")),
            reserve=int(env.get("DATABASE_CONNECTION_RESERVE", "10")),
        )

    @property
    def web(self) -> int:
        return self.web_replicas * self.web_workers * self.web_threads

    @property
    def total(self) -> int:
        return self.web + self.worker_processes + self.beat + self.reserve

    def fits(self, *, max_connections: int, superuser_reserved: int = 3) -> bool:
        return self.total <= max_connections - superuser_reserved

    def describe(self) -> str:
        return (
            f"web {self.web_replicas}x{self.web_workers}x{self.web_threads}={self.web}"
            f" + workers {self.worker_processes} + beat {self.beat} + reserve {self.reserve}"
            f" = {self.total}"
        )


def check_budget(
    budget: ConnectionBudget, *, max_connections: int, superuser_reserved: int
) -> str | None:
    """None when the budget fits, else a sentence saying by how much it does not."""
    if budget.fits(max_connections=max_connections, superuser_reserved=superuser_reserved):
        return None
    room = max_connections - superuser_reserved
    return (
        f"Connection budget {budget.describe()} exceeds PostgreSQL's room of {room} "
        f"(max_connections {max_connections} - {superuser_reserved} reserved): "
        "lower GUNICORN_WORKERS/GUNICORN_THREADS/CELERY_CONCURRENCY or raise max_connections."
    )
