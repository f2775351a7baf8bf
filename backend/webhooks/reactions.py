"""Every domain event becomes a delivery row with the change, then wakes the relay after commit."""

from __future__ import annotations

from backend.core.events import DomainEvent, EventName, Phase, subscribe
from backend.webhooks.models import DeliveryStatus, WebhookDelivery
from backend.webhooks.services import webhook_deliveries_record, webhook_relay_after_commit

ALL_EVENTS = tuple(EventName)


@subscribe(*ALL_EVENTS, phase=Phase.WITH_CHANGE)
def record_deliveries(event: DomainEvent) -> None:
    webhook_deliveries_record(event=event)


@subscribe(*ALL_EVENTS, phase=Phase.AFTER_COMMIT)
def wake_relay(event: DomainEvent) -> None:
    # The sweep would find these rows anyway; this only saves the wait (after the commit,
    # so each relay is asked for at once).
    endpoint_ids = (
        WebhookDelivery.objects.filter(message_id=event.event_id, status=DeliveryStatus.PENDING)
        .values_list("endpoint_id", flat=True)
        .distinct()
    )
    for endpoint_id in endpoint_ids:
        webhook_relay_after_commit(endpoint_id=endpoint_id)
