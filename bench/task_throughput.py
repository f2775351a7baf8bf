"""Tenant-aware task throughput vs plain, through a real worker and the real Redis.

Starts one Celery worker (solo pool) on a queue of its own, then sends N no-op
tasks of each kind and waits for all results: ``workers.programme_ping`` (no
tenant) and ``workers.authority_ping`` (an AuthorityTask: schema header,
authority lookup, search path). Prints both rates; the ratio is tenant / plain.
Target: >= 0.9.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

from bench.common import django_setup, drop_authority, onboard, print_ratio


def _rate(send: Callable[[], Any], count: int) -> float:
    started = time.perf_counter()
    results = [send() for _ in range(count)]
    for result in results:
        result.get(timeout=120)
    return count / (time.perf_counter() - started)


def main(count: int = 300) -> None:
    django_setup()
    from workers.jobs import authority_ping, programme_ping
    from workers.tenancy import SCHEMA_HEADER

    authority = onboard("bench-tasks")
    queue = f"bench-{os.getpid()}"
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "workers", "worker", "-P", "solo", "-Q", queue,
         "-n", f"{queue}@%h", "--without-mingle", "--without-gossip", "-l", "warning"],
        start_new_session=True,
    )  # fmt: skip
    try:
        programme_ping.apply_async(queue=queue).get(timeout=120)  # worker is up
        plain = lambda: programme_ping.apply_async(queue=queue)  # noqa: E731
        tenant = lambda: authority_ping.apply_async(  # noqa: E731
            queue=queue, headers={SCHEMA_HEADER: authority.schema_name}
        )
        tenant().get(timeout=60)
        rates: dict[str, list[float]] = {"plain": [], "tenant": []}
        for _ in range(2):  # interleaved, so drift on a shared machine hits both
            rates["plain"].append(_rate(plain, count))
            rates["tenant"].append(_rate(tenant, count))
    finally:
        worker.terminate()
        worker.wait(30)
    drop_authority(authority.schema_name)
    best = {kind: max(values) for kind, values in rates.items()}
    print(f"plain no-op:        {best['plain']:.0f} tasks/s  {rates['plain']}")
    print(f"tenant-aware no-op: {best['tenant']:.0f} tasks/s  {rates['tenant']}")
    print_ratio("tenant_task_throughput_vs_plain", best["tenant"] / best["plain"], ">=0.9")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 300)
