"""How an email outbox delivers, retries and gives up: shared by every outbox table.

Two outboxes use this: the consultation emails (tenant schema,
``backend.consultations``) and the account emails (public schema,
``backend.accounts``). Each keeps its own table, because rows must live in
the same schema as the change that writes them (one transaction); what they
share is the delivery policy:

- one row is locked at a time (``SELECT ... FOR UPDATE SKIP LOCKED``), sent
  and marked in the same transaction, so two relays never send the same row;
- every attempt is counted; a failed attempt sets ``next_attempt_at`` with an
  exponential backoff (``OUTBOX_RETRY_BASE_SECONDS`` doubled each time, capped
  at ``OUTBOX_RETRY_MAX_SECONDS``) and the relay only picks due rows;
- after ``OUTBOX_MAX_ATTEMPTS`` attempts the row is ``failed`` with its reason;
- an address that can never work (invalid syntax, or refused by the mail
  server: ``SMTPRecipientsRefused``) fails at once and is never retried;
- a ``failed`` (or waiting) row can be retried by hand: it becomes due now with
  a fresh allowance of attempts.

Reasons are stored without the recipient's address (it is masked), and
nothing here logs an address or a message body.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import models, transaction
from django.utils import timezone

from backend.core.transitions import TransitionTable

logger = logging.getLogger(__name__)


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENT = "sent", "Sent"
    SKIPPED = "skipped", "Skipped (no recipient any more)"
    FAILED = "failed", "Failed (gave up)"


S = DeliveryStatus

# Moves a person may ask for: retrying a failed message, or one waiting out its backoff.
DELIVERY_TRANSITIONS = TransitionTable(
    "email",
    {
        S.PENDING: frozenset({S.PENDING}),
        S.FAILED: frozenset({S.PENDING}),
        S.SENT: frozenset(),
        S.SKIPPED: frozenset(),
    },
)


class OutboxRow(Protocol):
    """The fields an outbox table must have for the relay to drive it."""

    pk: Any
    status: str
    attempts: int
    next_attempt_at: datetime
    last_error: str
    failed_at: datetime | None
    sent_at: datetime | None

    def save(self, *, update_fields: list[str]) -> None: ...


UPDATE_FIELDS = ["status", "attempts", "next_attempt_at", "last_error", "failed_at", "sent_at"]


def max_attempts() -> int:
    return int(settings.OUTBOX_MAX_ATTEMPTS)


def backoff_delay(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed attempt: base, twice that, four times … capped."""
    base = float(settings.OUTBOX_RETRY_BASE_SECONDS)
    cap = float(settings.OUTBOX_RETRY_MAX_SECONDS)
    return timedelta(seconds=min(cap, base * 2 ** max(0, attempts - 1)))


def mask_address(address: str) -> str:
    """``jane.doe@example.org`` → ``j***@e***.org``: enough to recognise, not to contact."""
    local, _, domain = address.rpartition("@")
    if not local:
        return "***"
    host, _, tld = domain.rpartition(".")
    masked_domain = f"{host[:1]}***.{tld}" if host else f"{domain[:1]}***"
    return f"{local[:1]}***@{masked_domain}"


def address_problem(address: str) -> str | None:
    """Why ``address`` can never receive email, or None."""
    try:
        validate_email(address)
    except ValidationError:
        return "The address is not a valid email address; it will not be retried."
    return None


def _permanent_reason(error: Exception) -> str | None:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = sorted({str(code) for code, _ in error.recipients.values()})
        return (
            f"The mail server refused the recipient (SMTP {', '.join(codes)}); "
            "it will not be retried."
        )
    return None


def _describe(error: Exception, recipients: list[str]) -> str:
    """The error for the admin's list, with the recipient's address masked."""
    text = f"{type(error).__name__}: {error}"
    for address in recipients:
        text = text.replace(address, mask_address(address))
    return text[:1000]


@dataclass
class RelayReport:
    sent: int = 0
    skipped: int = 0
    retrying: int = 0
    failed: list[Any] = field(default_factory=list)


def deliver(row: OutboxRow, email: EmailMessage | None, *, now: datetime) -> str:
    """Make one attempt at ``row`` (already locked); returns its new status."""
    row.attempts += 1
    if email is None:
        row.status = S.SKIPPED
        return row.status
    problem = next(filter(None, (address_problem(to) for to in email.to)), None)
    if problem is not None:
        row.status, row.last_error, row.failed_at = S.FAILED, problem, now
        return row.status
    try:
        email.send()
    except Exception as error:
        permanent = _permanent_reason(error)
        row.last_error = permanent or _describe(error, list(email.to))
        if permanent is not None or row.attempts >= max_attempts():
            row.status, row.failed_at = S.FAILED, now
            if permanent is None:
                row.last_error = f"Gave up after {row.attempts} attempts. {row.last_error}"
        else:
            row.next_attempt_at = now + backoff_delay(row.attempts)
        logger.warning(
            "Outbox %s row %s: attempt %s failed (%s)",
            type(row).__name__,
            row.pk,
            row.attempts,
            type(error).__name__,
        )
        return row.status
    row.status, row.sent_at, row.last_error = S.SENT, now, ""
    return row.status


def relay_due(
    *,
    due: Callable[[], models.QuerySet[Any]],
    render: Callable[[Any], EmailMessage | None],
    limit: int = 500,
    now: datetime | None = None,
) -> RelayReport:
    """Deliver due pending rows of ``due()``, one locked row per transaction."""
    report = RelayReport()
    tried: list[Any] = []
    for _ in range(limit):
        moment = now or timezone.now()
        with transaction.atomic():
            row = (
                due()
                .select_for_update(skip_locked=True, of=("self",))
                .filter(status=S.PENDING, next_attempt_at__lte=moment)
                .exclude(pk__in=tried)
                .order_by("next_attempt_at", "id")
                .first()
            )
            if row is None:
                break
            tried.append(row.pk)
            status = deliver(row, render(row), now=moment)
            row.save(update_fields=UPDATE_FIELDS)
        if status == S.SENT:
            report.sent += 1
        elif status == S.SKIPPED:
            report.skipped += 1
        elif status == S.FAILED:
            report.failed.append(row.pk)
        else:
            report.retrying += 1
    return report


def retry_now(row: OutboxRow, *, now: datetime | None = None) -> None:
    """A person's retry: due now, with a fresh allowance of attempts."""
    DELIVERY_TRANSITIONS.check(row.status, S.PENDING)
    row.status = S.PENDING
    row.attempts = 0
    row.next_attempt_at = now or timezone.now()
    row.failed_at = None
    row.save(update_fields=UPDATE_FIELDS)
