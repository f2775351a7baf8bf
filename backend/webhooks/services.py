"""Writes on webhooks: subscribe, change, enable, rotate; record, attempt and replay deliveries."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from backend.accounts.models import AccountEmailKind, User
from backend.accounts.outbox import account_notice_queue
from backend.core.errors import Conflict
from backend.core.events import DomainEvent
from backend.webhooks import signing, transport
from backend.webhooks.events import AUTHORITY_EVENTS, PROGRAMME_EVENTS, delivery_body
from backend.webhooks.models import (
    DeliveryStatus,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from backend.webhooks.targets import TargetRefused, target_check
from tenants.models import Authority

logger = logging.getLogger(__name__)

BACKOFF_CAP = timedelta(hours=6)


def _check_url(url: str) -> None:
    try:
        target_check(url)
    except TargetRefused as refused:
        raise ValidationError({"url": [ValidationError(str(refused), code=refused.code)]}) from None


def _check_events(events: Iterable[str], *, authority: Authority | None) -> list[str]:
    allowed = AUTHORITY_EVENTS if authority is not None else PROGRAMME_EVENTS
    chosen = sorted(set(events))
    unknown = [name for name in chosen if name not in allowed]
    if not chosen:
        raise ValidationError({"events": ["Choose at least one event."]})
    if unknown:
        raise ValidationError(
            {"events": [f"Not an event you can subscribe to: {', '.join(unknown)}."]}
        )
    return chosen


@transaction.atomic
def webhook_endpoint_create(
    *,
    authority: Authority | None,
    url: str,
    events: Iterable[str],
    actor: User,
    description: str = "",
) -> WebhookEndpoint:
    """Subscribe ``url``; the signing secret is generated here and returned once."""
    _check_url(url)
    return WebhookEndpoint.objects.create(
        authority=authority,
        url=url,
        events=_check_events(events, authority=authority),
        description=description,
        secret=signing.secret_new(),
        created_by=actor,
    )


@transaction.atomic
def webhook_endpoint_update(
    *,
    endpoint: WebhookEndpoint,
    url: str | None = None,
    events: Iterable[str] | None = None,
    description: str | None = None,
) -> WebhookEndpoint:
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    if url is not None:
        _check_url(url)
        endpoint.url = url
    if events is not None:
        endpoint.events = _check_events(events, authority=endpoint.authority)
    if description is not None:
        endpoint.description = description
    endpoint.save()
    return endpoint


@transaction.atomic
def webhook_endpoint_enable(*, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """Switch a disabled endpoint back on; its waiting deliveries are tried at once."""
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    if endpoint.is_active:
        raise Conflict("This endpoint is already active.", code="already_active")
    endpoint.is_active = True
    endpoint.consecutive_failures = 0
    endpoint.disabled_at = None
    endpoint.disabled_reason = ""
    endpoint.save()
    if endpoint.deliveries.filter(status=DeliveryStatus.PENDING).update(
        next_attempt_at=timezone.now()
    ):
        webhook_relay_after_commit(endpoint_id=endpoint.pk)
    return endpoint


@transaction.atomic
def webhook_endpoint_rotate_secret(*, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """A new signing secret; deliveries from now on are signed with it alone."""
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    endpoint.secret = signing.secret_new()
    endpoint.save(update_fields=["secret", "updated_at"])
    return endpoint


@transaction.atomic
def webhook_endpoint_delete(*, endpoint: WebhookEndpoint) -> None:
    endpoint.delete()


def webhook_deliveries_record(*, event: DomainEvent) -> list[int]:
    """Write one delivery per endpoint subscribed to ``event``, in the event's transaction.

    The authority's own endpoints and the programme's endpoints both get one;
    the unique (endpoint, message id) pair makes a repeated call harmless.
    """
    endpoints = WebhookEndpoint.objects.filter(events__contains=[event.name.value])
    if event.authority_id is None:
        endpoints = endpoints.filter(authority__isnull=True)
    else:
        endpoints = endpoints.filter(authority_id=event.authority_id) | endpoints.filter(
            authority__isnull=True
        )
    ids = list(endpoints.values_list("pk", flat=True))
    if not ids:
        return []  # most events of most authorities: one query, nothing to write
    slug = (
        None
        if event.authority_id is None
        else Authority.objects.values_list("schema_name", flat=True).get(pk=event.authority_id)
    )
    body = delivery_body(event, authority_slug=slug)
    now = timezone.now()
    WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(
                endpoint_id=endpoint_id,
                message_id=event.event_id,
                event_type=event.name.value,
                payload=body,
                next_attempt_at=now,
            )
            for endpoint_id in ids
        ],
        ignore_conflicts=True,
    )
    return ids


def webhook_deliveries_claim(*, endpoint_id: int, limit: int = 50) -> list[int]:
    """Claim the endpoint's due deliveries for one worker.

    Each claimed row's next attempt moves past the request timeout (a lease):
    a second worker skips it, and if this worker dies the row comes due again.
    """
    now = timezone.now()
    lease = timedelta(seconds=settings.WEBHOOK_TIMEOUT_SECONDS * 3)
    with transaction.atomic():
        due = list(
            WebhookDelivery.objects.select_for_update(skip_locked=True)
            .filter(
                endpoint_id=endpoint_id,
                endpoint__is_active=True,
                status=DeliveryStatus.PENDING,
                next_attempt_at__lte=now,
            )
            .order_by("id")
            .values_list("pk", flat=True)[:limit]
        )
        WebhookDelivery.objects.filter(pk__in=due).update(next_attempt_at=now + lease)
    return due


def webhook_endpoints_due() -> list[int]:
    """Active endpoints with at least one delivery due now (one relay task each)."""
    return list(
        WebhookDelivery.objects.filter(
            status=DeliveryStatus.PENDING,
            next_attempt_at__lte=timezone.now(),
            endpoint__is_active=True,
        )
        .values_list("endpoint_id", flat=True)
        .distinct()
    )


def _backoff(attempts: int) -> timedelta:
    delay = timedelta(seconds=settings.WEBHOOK_RETRY_BASE_SECONDS * 2 ** (attempts - 1))
    return min(delay, BACKOFF_CAP)


def webhook_delivery_attempt(*, delivery_id: int) -> WebhookDelivery:
    """Send one delivery now and record what happened (no transaction held over the network)."""
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    endpoint = delivery.endpoint
    body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()
    started = timezone.now()
    try:
        target = target_check(endpoint.url)
    except TargetRefused as refused:
        outcome = transport.Outcome(status_code=None, error=f"refused: {refused.code}")
    else:
        headers = signing.signed_headers(
            secret=endpoint.secret,
            message_id=delivery.message_id,
            timestamp=int(started.timestamp()),
            body=body,
        )
        outcome = transport.post(
            target=target, headers=headers, body=body, timeout=settings.WEBHOOK_TIMEOUT_SECONDS
        )
    finished = timezone.now()
    return _record(delivery=delivery, outcome=outcome, started=started, finished=finished)


@transaction.atomic
def _record(
    *,
    delivery: WebhookDelivery,
    outcome: transport.Outcome,
    started: datetime,
    finished: datetime,
) -> WebhookDelivery:
    delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
    WebhookAttempt.objects.create(
        delivery=delivery,
        at=started,
        status_code=outcome.status_code,
        error=outcome.error,
        duration_ms=max(0, int((finished - started).total_seconds() * 1000)),
    )
    delivery.attempts += 1
    delivery.last_attempt_at = started
    delivery.last_status_code = outcome.status_code
    delivery.last_error = outcome.error or (
        "" if outcome.succeeded else f"HTTP {outcome.status_code}"
    )
    endpoints = WebhookEndpoint.objects.filter(pk=delivery.endpoint_id)
    if outcome.succeeded:
        delivery.status = DeliveryStatus.SUCCEEDED
        delivery.delivered_at = finished
        delivery.next_attempt_at = None
        endpoints.update(consecutive_failures=0)
    else:
        if delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
            delivery.status = DeliveryStatus.FAILED
            delivery.next_attempt_at = None
        else:
            delivery.next_attempt_at = finished + _backoff(delivery.attempts)
        endpoints.update(consecutive_failures=F("consecutive_failures") + 1)
        _disable_if_failing(endpoint_id=delivery.endpoint_id, last_error=delivery.last_error)
    delivery.save()
    return delivery


def _disable_if_failing(*, endpoint_id: int, last_error: str) -> None:
    endpoint = (
        WebhookEndpoint.objects.select_for_update(of=("self",))
        .select_related("created_by", "authority")
        .get(pk=endpoint_id)
    )
    threshold = settings.WEBHOOK_DISABLE_AFTER_FAILURES
    if endpoint.is_active and endpoint.consecutive_failures >= threshold:
        endpoint.is_active = False
        endpoint.disabled_at = timezone.now()
        endpoint.disabled_reason = (
            f"Switched off after {endpoint.consecutive_failures} failed attempts in a row "
            f"(last: {last_error})."
        )[:300]
        endpoint.save()
        logger.warning("Webhook endpoint %s switched off after repeated failures", endpoint.pk)
        _tell_the_owner(endpoint)


def _tell_the_owner(endpoint: WebhookEndpoint) -> None:
    """Email whoever subscribed the endpoint (once per switch-off), through the account outbox."""
    owner = endpoint.created_by
    if owner is None or not owner.is_active:
        return
    authority = endpoint.authority
    host = f"{authority.schema_name}.{settings.BASE_DOMAIN}" if authority else settings.BASE_DOMAIN
    assert endpoint.disabled_at is not None
    account_notice_queue(
        user=owner,
        kind=AccountEmailKind.WEBHOOK_DISABLED,
        key=f"webhook-disabled:{endpoint.pk}:{int(endpoint.disabled_at.timestamp())}",
        host=host,
        authority=authority,
        context={
            "url": endpoint.url,
            "reason": endpoint.disabled_reason,
            "enable_path": f"/api/v1/webhooks/{endpoint.pk}/enable",
        },
    )


@transaction.atomic
def webhook_delivery_replay(*, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a delivery again, with the same webhook-id, and a fresh set of attempts."""
    delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
    if delivery.status == DeliveryStatus.PENDING:
        raise Conflict("This delivery is still being tried.", code="delivery_pending")
    delivery.status = DeliveryStatus.PENDING
    delivery.attempts = 0
    delivery.next_attempt_at = timezone.now()
    delivery.delivered_at = None
    delivery.save()
    webhook_relay_after_commit(endpoint_id=delivery.endpoint_id)
    return delivery


def webhook_relay_after_commit(*, endpoint_id: int) -> None:
    """Ask a worker to send the endpoint's due deliveries once this transaction commits.

    It only saves the wait for the sweep, which finds due deliveries anyway: a broker
    that cannot be reached is logged, and the change that asked still succeeds."""

    def enqueue() -> None:
        from backend.webhooks.tasks import deliver_endpoint

        try:
            deliver_endpoint.delay(endpoint_id)
        except Exception:
            logger.warning(
                "Could not wake the webhook relay for endpoint %s; the sweep will send",
                endpoint_id,
                exc_info=True,
            )

    transaction.on_commit(enqueue)
