"""Time the comparison endpoints in-process, through the whole Django stack.

Requests go through ``django.test.Client`` with the right Host header and a
real token, so routing, tenant resolution, authentication, permissions,
serialisation and rendering are all in the measured time; only the network is
not.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.test import Client
from knox.models import AuthToken

from backend.accounts.models import User
from backend.benchmarks.stats import percentile
from tenants.models import Authority, Membership
from tenants.roles import Role
from tenants.services import membership_grant

COORDINATOR_EMAIL = "scale-coordinator@programme.example"


@dataclass(frozen=True)
class Endpoint:
    label: str
    host: str
    path: str
    token: str


@dataclass(frozen=True)
class Latency:
    endpoint: Endpoint
    p50_ms: float
    p95_ms: float
    requests: int


def endpoints(*, authority: Authority, figure: str = "mean_acceptability") -> list[Endpoint]:
    """The main comparison endpoints, as a coordinator and as the authority's own admin."""
    coordinator = User.objects.filter(email=COORDINATOR_EMAIL).first()
    if coordinator is None:
        coordinator = User.objects.create_user(email=COORDINATOR_EMAIL, password=None)
    membership_grant(user=coordinator, role=Role.COORDINATOR, authority=None)
    member = (
        Membership.objects.filter(authority=authority, role=Role.ADMIN)
        .select_related("user")
        .first()
    )
    assert member is not None, f"{authority.schema_name} has no admin"
    _, programme_token = AuthToken.objects.create(user=coordinator)
    _, own_token = AuthToken.objects.create(user=member.user)
    programme = settings.BASE_DOMAIN
    own = f"{authority.schema_name}.{settings.BASE_DOMAIN}"
    ref = authority.schema_name
    return [
        Endpoint(
            "programme table (all time)",
            programme,
            "/api/v1/benchmarks/authorities",
            programme_token,
        ),
        Endpoint(
            "programme table (one method)",
            programme,
            "/api/v1/benchmarks/authorities?period=all&method=online_survey",
            programme_token,
        ),
        Endpoint(
            "one authority vs programme",
            programme,
            f"/api/v1/benchmarks/authorities/{ref}",
            programme_token,
        ),
        Endpoint(
            "time series (months)",
            programme,
            f"/api/v1/benchmarks/authorities/{ref}/timeseries?figure={figure}&period_kind=month",
            programme_token,
        ),
        Endpoint("authority's own comparison", own, "/api/v1/benchmarks", own_token),
        Endpoint(
            "authority's own time series",
            own,
            f"/api/v1/benchmarks/timeseries?figure={figure}&period_kind=quarter",
            own_token,
        ),
    ]


def measure(endpoint: Endpoint, *, requests: int, warm_up: int = 5) -> Latency:
    client = Client(HTTP_HOST=endpoint.host, HTTP_AUTHORIZATION=f"Token {endpoint.token}")
    timings = []
    for attempt in range(warm_up + requests):
        started = time.perf_counter()
        response = client.get(endpoint.path)
        elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise RuntimeError(
                f"{endpoint.label}: {endpoint.path} answered {response.status_code}: "
                f"{response.content[:300]!r}"
            )
        if attempt >= warm_up:
            timings.append(elapsed * 1000)
    timings.sort()
    return Latency(
        endpoint=endpoint,
        p50_ms=percentile(timings, 0.5) or 0.0,
        p95_ms=percentile(timings, 0.95) or 0.0,
        requests=requests,
    )
