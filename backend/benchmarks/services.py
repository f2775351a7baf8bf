"""Writes: refreshing an authority's rollups, and asking for a (debounced) refresh."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from backend.benchmarks.compute import Slice, compute_slices
from backend.benchmarks.figures import disclosure_rules
from backend.benchmarks.models import RefreshRequest, Rollup
from backend.benchmarks.privacy import pseudonym_for
from backend.benchmarks.protection import mark_secondary
from backend.disclosure.figures import published_document
from backend.disclosure.policy import Policy
from tenants.context import authority_context
from tenants.models import Authority


def benchmark_rollup_refresh(*, authority: Authority) -> int:
    """Recompute every period and segment of one authority; return the number of slices.

    Reads the authority's schema, then replaces its rows in the public rollup
    table in one transaction, so readers see the old or the new figures, never
    a mixture.
    """
    policy = Policy.from_settings()
    with authority_context(authority):
        slices = compute_slices(population=authority.population, policy=policy)
    mark_secondary(slices, policy)
    rules = disclosure_rules()
    for item in slices:
        counts = {k: v for k, v in item.sample_sizes.items() if isinstance(v, int)}
        item.published = published_document(
            item.figures,
            rules=rules,
            counts=counts,
            secondary=item.sample_sizes.get("secondary", []),
            policy=policy,
        )
    pseudonym_for(authority)
    now = timezone.now()
    with transaction.atomic():
        Rollup.objects.filter(authority=authority).delete()
        _rollups_insert(authority=authority, slices=slices, computed_at=now)
    return len(slices)


def _rollups_insert(*, authority: Authority, slices: list[Slice], computed_at: datetime) -> None:
    """Insert the slices as one JSON document that PostgreSQL unpacks.

    An authority has hundreds of slices, each with two JSON columns; passed as
    ``bulk_create`` parameters every one of them is escaped separately on the
    client, which was about half of a full recompute's time at 400 authorities.
    """
    document = json.dumps(
        [
            {
                "period_kind": item.period_kind,
                "period_key": item.period_key,
                "period_start": item.period_start.isoformat() if item.period_start else None,
                "segment": item.segment,
                "figures": item.figures,
                "sample_sizes": item.sample_sizes,
                "published": item.published,
            }
            for item in slices
        ]
    )
    table = Rollup._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table}
                (authority_id, period_kind, period_key, period_start, segment, figures,
                 sample_sizes, published, computed_at)
            SELECT %s, s.period_kind, s.period_key, s.period_start, s.segment, s.figures,
                   s.sample_sizes, s.published, %s
            FROM jsonb_to_recordset(%s::jsonb) AS s(
                period_kind text, period_key text, period_start date, segment text,
                figures jsonb, sample_sizes jsonb, published jsonb)
            """,
            [authority.pk, computed_at, document],
        )


def benchmark_refresh_request(*, authority_id: int) -> None:
    """Note that an authority's figures changed; the sweeper refreshes it after it settles."""
    # One upsert statement (update_or_create takes a savepoint, a locking read and a write).
    RefreshRequest.objects.bulk_create(
        [RefreshRequest(authority_id=authority_id, requested_at=timezone.now())],
        update_conflicts=True,
        unique_fields=["authority"],
        update_fields=["requested_at"],
    )


def benchmark_refresh_due_claim() -> list[int]:
    """Claim the authorities whose last change is older than the settle time.

    Each request row is deleted as it is claimed (skip_locked), so two
    sweepers never enqueue the same refresh, and a change that arrives after the
    claim makes a new request.
    """
    cutoff = timezone.now() - timedelta(seconds=settings.BENCHMARK_REFRESH_SETTLE_SECONDS)
    with transaction.atomic():
        due = list(
            RefreshRequest.objects.select_for_update(skip_locked=True)
            .filter(requested_at__lte=cutoff)
            .values_list("authority_id", flat=True)
        )
        RefreshRequest.objects.filter(authority_id__in=due, requested_at__lte=cutoff).delete()
    return due
