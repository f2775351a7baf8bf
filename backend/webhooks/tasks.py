"""Thin tasks: the sweep finds endpoints with due deliveries; one task relays each endpoint."""

from __future__ import annotations

from backend.webhooks.services import (
    webhook_deliveries_claim,
    webhook_delivery_attempt,
    webhook_endpoints_due,
)
from workers.celery import app
from workers.tenancy import ProgrammeTask


@app.task(base=ProgrammeTask, name="webhooks.sweep")
def sweep() -> int:
    """Fan out: one relay task per endpoint with something due (retries, re-enabled endpoints)."""
    due = webhook_endpoints_due()
    for endpoint_id in due:
        deliver_endpoint.delay(endpoint_id)
    return len(due)


@app.task(base=ProgrammeTask, name="webhooks.deliver_endpoint")
def deliver_endpoint(endpoint_id: int) -> int:
    """Send this endpoint's due deliveries in order; returns how many were attempted."""
    claimed = webhook_deliveries_claim(endpoint_id=endpoint_id)
    for delivery_id in claimed:
        webhook_delivery_attempt(delivery_id=delivery_id)
    return len(claimed)
