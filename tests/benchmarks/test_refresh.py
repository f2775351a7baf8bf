"""Refreshing rollups from an authority's own data, on demand and debounced."""

from __future__ import annotations

from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone

from backend.benchmarks.models import Pseudonym, RefreshRequest, Rollup
from backend.benchmarks.services import (
    benchmark_refresh_due_claim,
    benchmark_refresh_request,
    benchmark_rollup_refresh,
)


def test_refresh_writes_an_all_time_slice_and_a_pseudonym(authority_a):
    count = benchmark_rollup_refresh(authority=authority_a)
    assert count >= 1
    assert Rollup.objects.filter(authority=authority_a, period_key="all", segment="all").exists()
    assert Pseudonym.objects.filter(authority=authority_a).exists()


def test_refresh_replaces_rather_than_adds(authority_a):
    benchmark_rollup_refresh(authority=authority_a)
    first = Rollup.objects.filter(authority=authority_a).count()
    benchmark_rollup_refresh(authority=authority_a)
    assert Rollup.objects.filter(authority=authority_a).count() == first


def test_requests_are_debounced_until_they_settle(authority_a, settings):
    settings.BENCHMARK_REFRESH_SETTLE_SECONDS = 30
    benchmark_refresh_request(authority_id=authority_a.pk)
    benchmark_refresh_request(authority_id=authority_a.pk)
    assert RefreshRequest.objects.count() == 1
    assert benchmark_refresh_due_claim() == []
    RefreshRequest.objects.update(requested_at=timezone.now() - timedelta(seconds=31))
    assert benchmark_refresh_due_claim() == [authority_a.pk]
    assert benchmark_refresh_due_claim() == []


def test_recompute_command_reports_progress(authority_a, authority_b, capsys):
    call_command("benchmark_recompute", "alpha", "beta")
    out = capsys.readouterr().out
    assert "[2/2]" in out
    assert "Recomputed 2 authorities" in out
