"""Benefit-review jobs: one beat-driven sweep that fans out, one task per authority.

Due times live in the database (no ETA tasks), so a worker that was down
catches up on its next beat.
"""

from __future__ import annotations

from typing import Any

from backend.reviews.services import reviews_sweep
from tenants.models import Authority, AuthorityStatus
from workers.celery import app
from workers.tenancy import AuthorityTask, ProgrammeTask, send_to_authority


@app.task(base=ProgrammeTask, name="reviews.sweep_all")
def sweep_all() -> int:
    """Beat entry: one sweep message per authority that has not withdrawn."""
    schemas = list(
        Authority.objects.exclude(status=AuthorityStatus.WITHDRAWN)
        .exclude(schema_name="public")
        .values_list("schema_name", flat=True)
    )
    for schema in schemas:
        send_to_authority(sweep_authority, schema)
    return len(schemas)


@app.task(base=AuthorityTask, name="reviews.sweep_authority")
def sweep_authority() -> dict[str, Any]:
    return reviews_sweep().as_dict()
