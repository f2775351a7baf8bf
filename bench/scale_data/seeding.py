"""Build a synthetic programme at scale: many authorities, each with two years of work.

Authorities are provisioned a few at a time with the bulk onboarding service
(``authorities_onboard_bulk``: schemas cloned from the migrated template and
checked against it, triggers and all, with their authority and domain rows),
then their memberships and methodology adoption in bulk. Their working data
is a sample of a pool of proposal lives generated once per run in Python
(``bench.scale_data.pool``) and copied server-side into each authority's
schema with fresh ids, in one transaction per authority
(``bench.scale_data.replicate``), bypassing the services for speed but
producing the rows the services would have produced: references from the
per-year counter, one transition row per lifecycle move with matching
``submitted_at`` / ``decided_at`` / ``withdrawn_at``, verdicts computed by
``backend.methodology.scoring`` over stored answers to methodology 1.0, and
consultation results computed by ``backend.consultations.scoring`` from the
stored responses and the officers' signed-off verdicts. The audit trail holds
an insert event per audited row, written directly in the triggers' shape
(see replicate.py).

Not generated: outbox e-mails (the seed sends nothing) and register entries
(decisions are recorded but not published).
"""

from __future__ import annotations

import math
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import connection, transaction

from backend.accounts.models import User
from backend.methodology.models import (
    MethodologyAdoption,
)
from bench.scale_data.bulk_write import SEEDED_TABLES
from bench.scale_data.lifecycle import HISTORY_DAYS, catalogue
from bench.scale_data.replicate import Audit, authority_fill
from tenants.context import authority_context
from tenants.models import Authority, AuthorityKind, AuthorityStatus, Membership, Nation
from tenants.roles import Role
from tenants.services import NewAuthority, authorities_onboard_bulk

SLUG_PREFIX = "scale-"

PLACES_A = [
    "North", "South", "East", "West", "Upper", "Lower", "Great", "Little", "New", "Old",
    "Kings", "Queens", "Castle", "Market", "Saint", "High", "Long", "Broad", "Mid", "Fair",
]  # fmt: skip
PLACES_B = [
    "ford", "bridge", "field", "wick", "ham", "ton", "bury", "worth", "minster", "dale",
    "mouth", "stead", "well", "moor", "haven", "brook", "chester", "ley", "combe", "gate",
]  # fmt: skip
KIND_WEIGHTS = {
    AuthorityKind.DISTRICT: 30,
    AuthorityKind.UNITARY: 20,
    AuthorityKind.COUNTY: 8,
    AuthorityKind.METROPOLITAN_BOROUGH: 12,
    AuthorityKind.LONDON_BOROUGH: 10,
    AuthorityKind.COMBINED_AUTHORITY: 5,
    AuthorityKind.NATIONAL_BODY: 3,
    AuthorityKind.OTHER: 2,
}
NATION_WEIGHTS = {
    Nation.ENGLAND: 80,
    Nation.SCOTLAND: 9,
    Nation.WALES: 7,
    Nation.NORTHERN_IRELAND: 4,
}
KIND_LABEL = {
    AuthorityKind.DISTRICT: "District Council",
    AuthorityKind.UNITARY: "Council",
    AuthorityKind.COUNTY: "County Council",
    AuthorityKind.METROPOLITAN_BOROUGH: "Metropolitan Borough Council",
    AuthorityKind.LONDON_BOROUGH: "Borough Council",
    AuthorityKind.COMBINED_AUTHORITY: "Combined Authority",
    AuthorityKind.NATIONAL_BODY: "Agency",
    AuthorityKind.OTHER: "Partnership",
}


@dataclass(frozen=True)
class AuthoritySpec:
    """One synthetic authority: who it is, and the seed its data is drawn from."""

    index: int
    slug: str
    name: str
    kind: str
    nation: str
    population: int | None
    consents_to_be_named: bool
    status: str
    seed: int

    @property
    def admin_email(self) -> str:
        return f"admin@{self.slug}.example"

    @property
    def officer_email(self) -> str:
        return f"officer@{self.slug}.example"


@dataclass
class AuthorityReport:
    slug: str
    seconds: dict[str, float] = field(default_factory=dict)
    rows: Counter[str] = field(default_factory=Counter)


def authority_specs(*, count: int, seed: int) -> list[AuthoritySpec]:
    """The authorities of a programme of ``count``; the same seed gives the same programme."""
    rng = random.Random(seed)
    specs = []
    used: set[str] = set()
    for index in range(1, count + 1):
        kind = rng.choices(list(KIND_WEIGHTS), weights=list(KIND_WEIGHTS.values()))[0]
        nation = (
            Nation.UK_WIDE
            if kind == AuthorityKind.NATIONAL_BODY
            else rng.choices(list(NATION_WEIGHTS), weights=list(NATION_WEIGHTS.values()))[0]
        )
        place = f"{rng.choice(PLACES_A)}{rng.choice(PLACES_B)}"
        while place in used:
            place = f"{rng.choice(PLACES_A)}{rng.choice(PLACES_B)}{rng.choice(PLACES_B)}"
        used.add(place)
        population = (
            None
            if kind in {AuthorityKind.NATIONAL_BODY, AuthorityKind.OTHER}
            else int(math.exp(rng.uniform(math.log(60_000), math.log(1_500_000))))
        )
        specs.append(
            AuthoritySpec(
                index=index,
                slug=f"{SLUG_PREFIX}{index:04d}",
                name=f"{place} {KIND_LABEL[kind]}",
                kind=kind,
                nation=nation,
                population=population,
                consents_to_be_named=rng.random() < 0.6,
                status=AuthorityStatus.PAUSED if rng.random() < 0.03 else AuthorityStatus.ACTIVE,
                seed=rng.randrange(2**31),
            )
        )
    return specs


def already_seeded() -> int:
    return Authority.objects.filter(schema_name__startswith=SLUG_PREFIX).count()


def users_create(specs: list[AuthoritySpec]) -> None:
    """Every authority's admin and officer, in one insert, with unusable passwords.

    Hashing a password costs a third of a second by design; nobody signs in as
    these users, so the seed skips it (``set_unusable_password``).
    """
    users = []
    for spec in specs:
        for email, role in ((spec.admin_email, "admin"), (spec.officer_email, "officer")):
            user = User(email=email, full_name=f"{spec.name} {role}")
            user.set_unusable_password()
            users.append(user)
    User.objects.bulk_create(users, batch_size=2000, ignore_conflicts=True)


def authorities_provision(specs: list[AuthoritySpec], *, joined: datetime) -> dict[str, Authority]:
    """Onboard ``specs`` through the bulk onboarding service (checked clones of the template
    with their authority and domain rows, in one transaction), then write the rows
    ``authority_onboard`` and the programme would add: the admin's and the officer's
    memberships and the methodology 1.0 adoption. Users exist already (``users_create``),
    so nobody is invited, as with ``authority_onboard`` for an existing user."""
    authorities = authorities_onboard_bulk(
        authorities=[
            NewAuthority(
                slug=spec.slug,
                name=spec.name,
                kind=spec.kind,
                nation=spec.nation,
                population=spec.population,
                consents_to_be_named=spec.consents_to_be_named,
                status=spec.status,
            )
            for spec in specs
        ],
        batch_size=len(specs),
    )
    Authority.objects.filter(pk__in=[a.pk for a in authorities]).update(date_joined=joined.date())
    by_slug = {a.schema_name: a for a in authorities}
    emails = [email for spec in specs for email in (spec.admin_email, spec.officer_email)]
    users = dict(User.objects.filter(email__in=emails).values_list("email", "pk"))
    Membership.objects.bulk_create(
        Membership(user_id=users[email], authority=by_slug[spec.slug], role=role)
        for spec in specs
        for email, role in ((spec.admin_email, Role.ADMIN), (spec.officer_email, Role.OFFICER))
    )
    MethodologyAdoption.objects.bulk_create(
        MethodologyAdoption(
            authority=by_slug[spec.slug], version=catalogue()["version"], adopted_at=joined
        )
        for spec in specs
    )
    return by_slug


def authorities_seed(
    specs: list[AuthoritySpec],
    *,
    samples: dict[str, list[int]],
    now: datetime,
    audit: Audit,
) -> list[AuthorityReport]:
    """Provision a few authorities together, then copy each one's sample of the pool."""
    started = time.monotonic()
    by_slug = authorities_provision(specs, joined=now - timedelta(days=HISTORY_DAYS + 30))
    provision = (time.monotonic() - started) / len(specs)
    users = dict(
        User.objects.filter(
            email__in=[e for spec in specs for e in (spec.admin_email, spec.officer_email)]
        ).values_list("email", "pk")
    )
    reports = []
    for spec in specs:
        report = AuthorityReport(slug=spec.slug)
        report.seconds["provision"] = provision
        started = time.monotonic()
        with authority_context(by_slug[spec.slug]):
            with transaction.atomic():
                # A crash loses the run anyway: do not wait for each commit's WAL flush.
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL synchronous_commit = off")
                report.rows.update(
                    authority_fill(
                        pool_ids=samples[spec.slug],
                        admin_id=users[spec.admin_email],
                        officer_id=users[spec.officer_email],
                        audit=audit,
                    )
                )
            report.seconds["copy"] = time.monotonic() - started
            started = time.monotonic()
            if not connection.in_atomic_block:  # fine in a transaction, but slow in tests
                with connection.cursor() as cursor:
                    cursor.execute(
                        "ANALYZE " + ", ".join(f'"{m._meta.db_table}"' for m in SEEDED_TABLES)
                    )
            report.seconds["analyze"] = time.monotonic() - started
        reports.append(report)
    return reports


def seeded_drop() -> int:
    """Drop every seeded authority (schema and rows) so the seed can run again."""
    schemas = list(
        Authority.objects.filter(schema_name__startswith=SLUG_PREFIX).values_list(
            "schema_name", flat=True
        )
    )
    with connection.cursor() as cursor:
        # A schema holds a few hundred objects, each locked until the drop commits: a few
        # schemas per statement stay inside the lock table (max_locks_per_transaction).
        for n in range(0, len(schemas), 4):
            names = ", ".join(f'"{name}"' for name in schemas[n : n + 4])
            cursor.execute(f"DROP SCHEMA IF EXISTS {names} CASCADE")
    Authority.objects.filter(schema_name__startswith=SLUG_PREFIX).delete()
    return len(schemas)
