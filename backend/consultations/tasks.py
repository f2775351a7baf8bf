"""Consultation jobs: one beat-driven sweep that fans out, one task per authority.

No ETA or countdown tasks: due times live in the database and the sweep acts
on them, so a worker that was down catches up on its next beat.
"""

from __future__ import annotations

from typing import Any

from backend.consultations.services import (
    consultations_sweep,
    outbox_relay,
    participants_erase_expired,
)
from workers.celery import app
from workers.tenancy import AuthorityTask, ProgrammeTask, send_to_every_authority


@app.task(base=ProgrammeTask, name="consultations.sweep_all")
def sweep_all() -> int:
    """Beat entry: one sweep message per authority."""
    return send_to_every_authority(sweep_authority)


@app.task(base=AuthorityTask, name="consultations.sweep_authority")
def sweep_authority() -> dict[str, Any]:
    report = consultations_sweep()
    # Relay here too, so messages whose on-commit relay was lost still go out.
    sent = outbox_relay()
    return {**report.as_dict(), "sent": sent}


@app.task(base=AuthorityTask, name="consultations.relay_outbox")
def relay_outbox() -> int:
    return outbox_relay()


@app.task(base=ProgrammeTask, name="consultations.retention_all")
def retention_all() -> int:
    """Beat entry: one retention message per authority."""
    return send_to_every_authority(retention_authority)


@app.task(base=AuthorityTask, name="consultations.retention_authority")
def retention_authority() -> list[int]:
    return participants_erase_expired()
