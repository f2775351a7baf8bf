"""Benefit-review jobs: one beat-driven sweep that fans out, one task per authority.

Due times live in the database (no ETA tasks), so a worker that was down
catches up on its next beat.
"""

from __future__ import annotations

from typing import Any

from backend.reviews.services import reviews_sweep
from workers.celery import app
from workers.tenancy import AuthorityTask, ProgrammeTask, send_to_every_authority


@app.task(base=ProgrammeTask, name="reviews.sweep_all")
def sweep_all() -> int:
    """Beat entry: one sweep message per authority that has not withdrawn."""
    return send_to_every_authority(sweep_authority)


@app.task(base=AuthorityTask, name="reviews.sweep_authority")
def sweep_authority() -> dict[str, Any]:
    return reviews_sweep().as_dict()
