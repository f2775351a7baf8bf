"""Thin tasks: rebuild one authority's scenario facts; fan the nightly rebuild out; recompute
the stored findings table once the facts settle."""

from __future__ import annotations

from backend.findings.services import (
    findings_refresh_due_claim,
    findings_table_refresh,
    scenario_facts_rebuild,
)
from tenants.context import require_authority_schema
from tenants.models import Authority
from workers.celery import app
from workers.tenancy import AuthorityTask, ProgrammeTask, send_to_every_authority


@app.task(base=AuthorityTask, name="findings.rebuild_authority")
def findings_rebuild_authority() -> int:
    schema = require_authority_schema()
    return scenario_facts_rebuild(authority=Authority.objects.get(schema_name=schema))


@app.task(base=ProgrammeTask, name="findings.rebuild_all")
def findings_rebuild_all() -> int:
    """Nightly: recopy every authority's facts (one task each), catching anything the
    events missed; withdrawn authorities keep the facts they had."""
    return send_to_every_authority(findings_rebuild_authority)


@app.task(base=ProgrammeTask, name="findings.refresh_table")
def findings_refresh_table() -> int:
    """Recompute the protected findings table from every authority's facts; store it."""
    return findings_table_refresh().facts_count


@app.task(base=ProgrammeTask, name="findings.refresh_due")
def findings_refresh_due() -> int:
    """Every few seconds: recompute the table if the facts changed and have settled.

    The nightly rebuild asks for a refresh too (each authority's rebuild does),
    so the table follows it once the last authority is done."""
    if not findings_refresh_due_claim():
        return 0
    findings_refresh_table.delay()
    return 1
