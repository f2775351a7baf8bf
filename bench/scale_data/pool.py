"""The pool of proposal lives every seeded authority draws its work from.

Generating a proposal's two years in Python (answers scored by the
methodology, consultations scored by ``compute_results``) costs about 6 ms;
writing it through COPY with its audit triggers firing about 17 ms more.
At 400 x 200 that is half an hour of CPU, so the seed generates a pool of
proposal lives once, into unlogged staging tables shaped like the tenant
tables (``CREATE UNLOGGED TABLE ... (LIKE <template>.<table>)``: no indexes,
triggers or foreign keys), and every authority then receives a sample of it,
copied server-side with fresh ids (``bench.scale_data.replicate``).

Authorities differ: each draws its own proposals, weighted by the proposals'
latent quality with a tilt of its own (some authorities bring stronger
proposals than others, so their verdicts, decisions and public responses
differ by more than noise). Two authorities share on average
``proposals² / pool`` proposal lives (20 of 200 with the default pool of
2,000), each with its own ids, references, users and participant tokens.

The pool's user columns hold two placeholders (``POOL_ADMIN``,
``POOL_OFFICER``) that each copy replaces with the authority's admin and
officer. The pool is dropped when the seed ends.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from django.db import connection, transaction
from django_tenants.utils import schema_context

from backend.proposals.models import ReferenceCounter
from bench.scale_data.bulk_write import SEEDED_TABLES, explicit_timestamps, plan_write
from bench.scale_data.lifecycle import Plan, plan_proposal
from tenants.provisioning import catalog

POOL_SCHEMA = "_seed_pool"
POOL_ADMIN, POOL_OFFICER = -1, -2
# Per-authority tilt of the sampling weights exp(tilt * (quality - mean quality)).
TILT_SIGMA = 2.5
QUALITY_MEAN = 4 / 6  # of Beta(4, 2), from which lifecycle draws each proposal's quality


@dataclass(frozen=True)
class PoolEntry:
    """One proposal life in the pool: where it came from (for a stable order) and its id."""

    chunk: int
    position: int
    proposal_id: int
    quality: float


def pool_create(template: str) -> None:
    """(Re)create the empty staging tables, shaped like the template's."""
    pool_drop()
    quoted = catalog.quote_name(POOL_SCHEMA)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE SCHEMA {quoted}")
        for model in (*SEEDED_TABLES, ReferenceCounter):
            table = catalog.quote_name(model._meta.db_table)
            cursor.execute(
                f"CREATE UNLOGGED TABLE {quoted}.{table} (LIKE {catalog.quote_name(template)}."
                f"{table} INCLUDING DEFAULTS INCLUDING IDENTITY)"
            )


def pool_drop() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA IF EXISTS {catalog.quote_name(POOL_SCHEMA)} CASCADE")


def pool_fill(*, chunk: int, count: int, seed: int, now: object) -> list[PoolEntry]:
    """Generate ``count`` proposal lives (chunk ``chunk`` of the pool) and write them."""
    rng = random.Random(seed * 1_000_003 + chunk)
    plan = Plan()
    with schema_context(POOL_SCHEMA):
        for _ in range(count):
            plan_proposal(plan, rng, now=now, admin_id=POOL_ADMIN, officer_id=POOL_OFFICER)  # type: ignore[arg-type]
        with explicit_timestamps(), transaction.atomic():
            plan_write(plan)
    return [
        PoolEntry(chunk=chunk, position=n, proposal_id=int(p.pk), quality=q)
        for n, (p, q) in enumerate(zip(plan.proposals, plan.qualities, strict=True))
    ]


def pool_chunks(size: int, per_chunk: int) -> list[tuple[int, int]]:
    """(chunk number, proposals) pairs that add up to ``size``."""
    return [(n, min(per_chunk, size - start)) for n, start in enumerate(range(0, size, per_chunk))]


def pool_sample(pool: list[PoolEntry], *, count: int, seed: int) -> list[int]:
    """The pool proposal ids one authority receives, in the order it logged them.

    Weighted sampling without replacement (Efraimidis-Spirakis keys), each
    authority tilting the weights towards better or worse proposals.
    """
    rng = random.Random(seed)
    tilt = rng.gauss(0, TILT_SIGMA)
    keyed = []
    for entry in pool:
        weight = math.exp(tilt * (entry.quality - QUALITY_MEAN))
        keyed.append((rng.random() ** (1 / weight), entry.proposal_id))
    keyed.sort(reverse=True)
    chosen = [proposal_id for _, proposal_id in keyed[:count]]
    rng.shuffle(chosen)
    return chosen
