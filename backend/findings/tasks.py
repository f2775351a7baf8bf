"""Thin tasks: rebuild one authority's scenario facts; fan the nightly rebuild out."""

from __future__ import annotations

from backend.findings.services import scenario_facts_rebuild
from tenants.context import require_authority_schema
from tenants.models import Authority, AuthorityStatus
from workers.celery import app
from workers.tenancy import AuthorityTask, ProgrammeTask, send_to_authority


@app.task(base=AuthorityTask, name="findings.rebuild_authority")
def findings_rebuild_authority() -> int:
    schema = require_authority_schema()
    return scenario_facts_rebuild(authority=Authority.objects.get(schema_name=schema))


@app.task(base=ProgrammeTask, name="findings.rebuild_all")
def findings_rebuild_all() -> int:
    """Nightly: recopy every authority's facts (one task each), catching anything the
    events missed; withdrawn authorities keep the facts they had."""
    schemas = list(
        Authority.objects.exclude(status=AuthorityStatus.WITHDRAWN).values_list(
            "schema_name", flat=True
        )
    )
    for schema in schemas:
        send_to_authority(findings_rebuild_authority, schema)
    return len(schemas)
