"""One authority's endpoints at N authorities vs at 10: p95 latency.

Grows the programme to 10 authorities (clones of the template), measures the
p95 of one authority's endpoints (proposal list, one proposal, /me) with each
measured request preceded by an anonymous request to another authority's host
(so host lookups, the host cache and the search path keep changing), then grows
to N and measures again. In-process through Django's WSGI handler. Prints the
host cache's size, bounded by TENANT_HOST_CACHE_SIZE. Target at N=1000: <= 1.2.
"""

from __future__ import annotations

import os
import random
import sys
from functools import partial
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
    print(f"host cache entries: {len(routing._cache)} (bound {routing._cache.size})")
    print_ratio(f"p95_one_authority_{count}_vs_10", at_many / at_ten, "<=1.2")


if __name__ == "__main__":
    main(
        int(sys.argv[1])
        if len(sys.argv) > 1
        else int(os.environ.get("BENCH_SCALE_AUTHORITIES", 1000))
    )
