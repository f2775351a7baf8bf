"""Thin tasks: refresh one authority's rollups; fan out the nightly and debounced refreshes."""

from __future__ import annotations

from backend.benchmarks.services import benchmark_refresh_due_claim, benchmark_rollup_refresh
from tenants.context import require_authority_schema
from tenants.models import Authority
from workers.celery import app
from workers.tenancy import AuthorityTask, ProgrammeTask, send_to_authority, send_to_every_authority


@app.task(base=AuthorityTask, name="benchmarks.refresh_authority")
def benchmark_refresh_authority() -> int:
    schema = require_authority_schema()
    return benchmark_rollup_refresh(authority=Authority.objects.get(schema_name=schema))


@app.task(base=ProgrammeTask, name="benchmarks.recompute_all")
def benchmark_recompute_all() -> int:
    """Nightly: one refresh task per authority (never all authorities inside one task)."""
    return send_to_every_authority(benchmark_refresh_authority)


@app.task(base=ProgrammeTask, name="benchmarks.refresh_due")
def benchmark_refresh_due() -> int:
    """Every few seconds: refresh authorities whose figures changed and have settled."""
    due = benchmark_refresh_due_claim()
    schemas = Authority.objects.filter(pk__in=due).values_list("schema_name", flat=True)
    for schema in schemas:
        send_to_authority(benchmark_refresh_authority, schema)
    return len(due)
