"""One authority's endpoints at N authorities vs at 10: p95 latency.

Grows the programme to 10 authorities (clones of the template), measures the
p95 of one authority's endpoints (proposal list, one proposal, /me) with each
measured request preceded by an anonymous request to another authority's host
(so host lookups, the host cache and the search path keep changing), then grows
to N and measures again. In-process through Django's WSGI handler. Target at
N=1000: <= 1.2.

Memory: after the timings, 10,000 distinct unknown hosts looked up in-process (the
host cache's size is printed against TENANT_HOST_CACHE_SIZE), then 10,000 requests
to distinct unknown hosts against a one-worker gunicorn (the worker's resident
memory before and after, from /proc).
"""

from __future__ import annotations

import http.client
import os
import random
import signal
import subprocess
import sys
import time
from functools import partial
from pathlib import Path
from typing import Any

from bench.common import (
    bulk_authorities,
    django_setup,
    member_with_token,
    p95,
    print_ratio,
    timed,
)


def _measure(client: Any, others: list[str], paths: list[str], rounds: int) -> float:
    from django.test import Client

    anonymous = Client()
    chooser = random.Random(7)
    times = []
    for n in range(rounds):
        anonymous.get("/api/v1/me", HTTP_HOST=f"{chooser.choice(others)}.localhost")
        path = paths[n % len(paths)]
        times.append(timed(partial(client.get, path)))
    return p95(times)


UNKNOWN_HOSTS = 10_000


def _get(port: int, host: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", "/api/v1/me", headers={"Host": host})
        return connection.getresponse().status
    finally:
        connection.close()


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def _gunicorn_worker_memory(known_host: str) -> tuple[int, int]:
    """A one-worker gunicorn's worker RSS (KiB) after warm-up and after the unknown hosts.

    Worker recycling (``max_requests``, which would also bound memory) is off, so one
    worker process serves every request.
    """
    port = int(os.environ.get("PORT", "8126"))
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py",
         "--bind", f"127.0.0.1:{port}", "--max-requests", "0", "backend.wsgi:application"],
        env={**os.environ, "GUNICORN_WORKERS": "1"},
        start_new_session=True,
    )  # fmt: skip
    try:
        for _ in range(300):
            try:
                _get(port, known_host)
                break
            except OSError:
                time.sleep(0.2)
        import psutil

        worker = psutil.Process(server.pid).children()[0].pid
        for n in range(200):  # warm-up: known and unknown hosts
            _get(port, known_host if n % 2 else f"warm-{n}.localhost")
        before = _rss_kib(worker)
        statuses = {_get(port, f"unknown-{n}.localhost") for n in range(UNKNOWN_HOSTS)}
        assert statuses == {404}, statuses
        return before, _rss_kib(worker)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(30)


def main(count: int = 1000, rounds: int = 300) -> None:
    django_setup()
    from django.test import Client

    from api import routing
    from tenants.context import authority_context
    from tenants.models import Authority
    from tests.proposals.factories import make_proposal

    slugs = bulk_authorities(10, prefix="scale")
    target = Authority.objects.get(schema_name=slugs[0])
    user, token = member_with_token(target)
    with authority_context(target):
        proposal = make_proposal(target, user)
        for _ in range(19):
            make_proposal(target, user)
    client = Client(HTTP_AUTHORIZATION=f"Token {token}", HTTP_HOST=f"{slugs[0]}.localhost")
    paths = ["/api/v1/proposals", f"/api/v1/proposals/{proposal.pk}", "/api/v1/me"]
    assert all(client.get(p).status_code == 200 for p in paths)

    _measure(client, slugs[1:], paths, 30)  # warm-up
    at_ten = _measure(client, slugs[1:], paths, rounds)
    slugs = bulk_authorities(count, prefix="scale")
    _measure(client, slugs[1:], paths, 30)
    at_many = _measure(client, slugs[1:], paths, rounds)
    print(f"p95 at 10 authorities:   {at_ten * 1000:.1f} ms")
    print(f"p95 at {count} authorities: {at_many * 1000:.1f} ms")
    for n in range(UNKNOWN_HOSTS):  # what the routing middleware calls for each request
        assert routing.authority_for_host(f"unknown-{n}.localhost") is None
    print(
        f"host cache after {UNKNOWN_HOSTS} unknown hosts: {len(routing._cache)} entries "
        f"(bound TENANT_HOST_CACHE_SIZE = {routing._cache.size})"
    )
    try:
        before, after = _gunicorn_worker_memory(f"{slugs[0]}.localhost")
        print(
            f"gunicorn worker RSS: {before / 1024:.1f} MiB after warm-up, "
            f"{after / 1024:.1f} MiB after {UNKNOWN_HOSTS} requests to distinct unknown hosts"
        )
    except Exception as error:  # the memory check must not hide the ratio
        print(f"gunicorn worker RSS: not measured ({error!r})")
    print_ratio(f"p95_one_authority_{count}_vs_10", at_many / at_ten, "<=1.2")


if __name__ == "__main__":
    main(
        int(sys.argv[1])
        if len(sys.argv) > 1
        else int(os.environ.get("BENCH_SCALE_AUTHORITIES", 1000))
    )
