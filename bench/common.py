"""What every bench script shares: Django set-up, timing, the ratio line, throwaway authorities."""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable, Iterable
from typing import Any


def django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
    import django

    django.setup()


def timed(action: Callable[[], Any]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def median(values: Iterable[float]) -> float:
    return statistics.median(list(values))


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def print_ratio(name: str, value: float, target: str) -> None:
    """The last line of every bench script; deploy/dev.py bench collects it."""
    print(f"RATIO {name} {value:.3f} {target}", flush=True)


def onboard(slug: str, *, from_template: bool = True) -> Any:
    from tenants.services import authority_onboard

    return authority_onboard(
        slug=slug,
        name=slug.replace("-", " ").title(),
        kind="district",
        admin_email=f"admin@{slug}.bench",
        status="active",
        from_template=from_template,
    ).authority


def drop_authority(slug: str) -> None:
    from tenants.models import Authority
    from tenants.services import authority_drop_schema

    Authority.objects.filter(schema_name=slug).update(status="withdrawn")
    authority = Authority.objects.filter(schema_name=slug).first()
    if authority is not None:
        authority_drop_schema(authority=authority)


def bulk_authorities(count: int, *, prefix: str = "scale", workers: int = 2) -> list[str]:
    """Grow the programme to ``count`` active authorities named ``<prefix>-NNNN``.

    Through the bulk onboarding service (checked clones of the template, five per
    transaction, with their authority and domain rows), split over ``workers``
    processes; no admin users, whose password hashing would dominate the time.
    """
    from tenants.models import Authority

    existing = set(Authority.objects.values_list("schema_name", flat=True))
    slugs = [f"{prefix}-{n:04d}" for n in range(1, count + 1)]
    missing = [slug for slug in slugs if slug not in existing]
    if len(missing) < 20 or workers == 1:
        _onboard_slugs(missing)
        return slugs
    import multiprocessing

    from django.db import connections

    connections.close_all()  # each forked process opens its own connection
    shares = [missing[n::workers] for n in range(workers)]
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        pool.map(_onboard_slugs, shares)
    return slugs


def _onboard_slugs(slugs: list[str]) -> None:
    from tenants.services import NewAuthority, authorities_onboard_bulk

    authorities_onboard_bulk(
        authorities=[
            NewAuthority(
                slug=slug, name=f"Scale Council {slug[-4:]}", kind="district", status="active"
            )
            for slug in slugs
        ]
    )


def member_with_token(authority: Any, role: str = "officer") -> tuple[Any, str]:
    """A user with ``role`` in ``authority`` and a knox token for it."""
    from datetime import timedelta

    from knox.models import AuthToken

    from backend.accounts.models import User
    from tenants.services import membership_grant

    email = f"{role}@{authority.schema_name}.bench"
    user = User.objects.filter(email=email).first() or User.objects.create_user(
        email=email, password=None
    )
    membership_grant(user=user, role=role, authority=authority)
    _, token = AuthToken.objects.create(user=user, expiry=timedelta(hours=2))
    return user, token
