"""Reads of webhook endpoints and deliveries, always scoped to their owner."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from backend.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from tenants.models import Authority


def webhook_endpoint_list(*, authority: Authority | None) -> QuerySet[WebhookEndpoint]:
    """An authority's endpoints, or the programme's own (``authority=None``), never both."""
    if authority is None:
        return WebhookEndpoint.objects.filter(authority__isnull=True)
    return WebhookEndpoint.objects.filter(authority=authority)


def webhook_delivery_list(*, endpoint: WebhookEndpoint) -> QuerySet[WebhookDelivery]:
    """An endpoint's deliveries, newest first, each with its attempts."""
    return WebhookDelivery.objects.filter(endpoint=endpoint).prefetch_related(
        Prefetch("log", queryset=WebhookAttempt.objects.order_by("id"))
    )
