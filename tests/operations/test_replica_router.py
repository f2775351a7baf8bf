"""Benchmark reads go to the replica when one is configured; nothing else does."""

from __future__ import annotations

from backend.benchmarks.models import Rollup
from backend.operations.replica import BenchmarkReplicaRouter
from tenants.models import Authority


def test_without_a_replica_every_read_uses_the_primary(settings):
    assert "replica" not in settings.DATABASES
    assert Rollup.objects.all().db == "default"


def test_with_a_replica_benchmark_reads_use_it_and_writes_and_tenants_do_not(settings):
    settings.DATABASES = {**settings.DATABASES, "replica": dict(settings.DATABASES["default"])}
    router = BenchmarkReplicaRouter()
    assert router.db_for_read(Rollup) == "replica"
    assert Rollup.objects.all().db == "replica"
    assert router.db_for_write(Rollup) is None
    assert Authority.objects.all().db == "default"
    assert router.allow_migrate("replica", "benchmarks") is False
