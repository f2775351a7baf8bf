"""The nightly fan-out through a real worker: one refresh task per authority, each in its schema."""

from __future__ import annotations

import time

import pytest

from backend.benchmarks.models import Rollup
from backend.benchmarks.tasks import benchmark_recompute_all


@pytest.mark.worker
def test_nightly_fan_out_refreshes_every_authority(celery_worker, django_db_blocker):
    with django_db_blocker.unblock():
        Rollup.objects.filter(authority__schema_name__in=["alpha", "beta"]).delete()
        try:
            assert benchmark_recompute_all.delay().get(timeout=30) >= 2
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                done = set(
                    Rollup.objects.filter(period_key="all", segment="all").values_list(
                        "authority__schema_name", flat=True
                    )
                )
                if {"alpha", "beta"} <= done:
                    break
                time.sleep(0.2)
            assert {"alpha", "beta"} <= done
        finally:
            Rollup.objects.filter(authority__schema_name__in=["alpha", "beta"]).delete()
