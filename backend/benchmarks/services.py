"""Writes: refreshing an authority's rollups, and asking for a (debounced) refresh."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from backend.benchmarks.compute import compute_slices
from backend.benchmarks.models import RefreshRequest, Rollup
from backend.benchmarks.privacy import pseudonym_for
from tenants.context import authority_context
from tenants.models import Authority


def benchmark_rollup_refresh(*, authority: Authority) -> int:
    """Recompute every period and segment of one authority; return the number of slices.

    Reads the authority's schema, then replaces its rows in the public rollup
    table in one transaction, so readers see the old or the new figures, never
    a mixture.
    """
    with authority_context(authority):
        slices = compute_slices(population=authority.population)
    pseudonym_for(authority)
    now = timezone.now()
    with transaction.atomic():
        Rollup.objects.filter(authority=authority).delete()
        Rollup.objects.bulk_create(
            Rollup(
                authority=authority,
                period_kind=item.period_kind,
                period_key=item.period_key,
                period_start=item.period_start,
                segment=item.segment,
                figures=item.figures,
                sample_sizes=item.sample_sizes,
                computed_at=now,
            )
            for item in slices
        )
    return len(slices)


def benchmark_refresh_request(*, authority_id: int) -> None:
    """Note that an authority's figures changed; the sweeper refreshes it after it settles."""
    RefreshRequest.objects.update_or_create(
        authority_id=authority_id, defaults={"requested_at": timezone.now()}
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
