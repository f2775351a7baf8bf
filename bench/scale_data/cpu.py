"""CPU time a piece of work used, in this process and in its PostgreSQL backend.

The machines the seed runs on are shared and noisy: wall time says more about
the neighbours than about the seed. CPU seconds do not. The backend's are read
from ``/proc/<pg_backend_pid()>/stat``, so only when PostgreSQL runs on this
machine (the embedded server); otherwise only Python's are counted.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db import connection


def backend_cpu_seconds() -> float | None:
    """User + system CPU seconds of this connection's backend, if it is a local process."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        row = cursor.fetchone()
    assert row is not None
    proc = Path(f"/proc/{row[0]}")
    try:
        if not proc.joinpath("comm").read_text().startswith("postgres"):
            return None
        # Fields after the parenthesised command name start at the 3rd (state):
        # utime and stime are the 14th and 15th.
        fields = proc.joinpath("stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def cpu_measured(into: dict[str, float]) -> Iterator[None]:
    """Add the block's CPU seconds to ``into["python"]`` and ``into["postgres"]``."""
    python = time.process_time()
    backend = backend_cpu_seconds()
    yield
    cpu_add(into, {"python": time.process_time() - python})
    after = backend_cpu_seconds()
    if backend is not None and after is not None:
        cpu_add(into, {"postgres": after - backend})


def cpu_add(into: dict[str, float], seconds: dict[str, float], *, prefix: str = "") -> None:
    for name, value in seconds.items():
        into[prefix + name] = into.get(prefix + name, 0.0) + value
