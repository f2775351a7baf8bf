"""The email outbox: rows written with the state change, relayed once by a task.

Exactly once in effect: a row is queued at most once (its idempotency key is
unique; repeats are ignored), and the relay locks one pending row at a time
with ``SELECT ... FOR UPDATE SKIP LOCKED``, sends it and marks it sent in the
same transaction, so two relays never send the same row. (A crash between
the SMTP hand-off and the commit can still repeat one message; nothing in
SMTP can rule that out.) Retries, backoff and giving up: backend.core.delivery.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.template.loader import render_to_string

from backend.accounts.models import User
from backend.consultations.models import (
    Consultation,
    ConsultationStatus,
    OutboxKind,
    OutboxMessage,
    Participant,
)
from backend.consultations.tokens import (
    PARTICIPANT,
    issued_token,
    new_salt,
    participant_token,
    token_digest,
)
from backend.core.delivery import relay_due, retry_now
from backend.disclosure.policy import Policy
from backend.disclosure.results import consultation_result_published
from tenants.context import require_authority_schema

logger = logging.getLogger(__name__)
LONDON = ZoneInfo("Europe/London")

SUBJECTS = {
    OutboxKind.INVITATION: "You are invited: {title}",
    OutboxKind.REMINDER: "Reminder: {title} closes soon",
    OutboxKind.THANK_YOU: "Thank you for taking part: results of {title}",
    OutboxKind.OWNER_RESULTS: "Consultation closed: results of {title}",
    OutboxKind.RESCHEDULED: "New date: {title}",
    OutboxKind.CANCELLED: "Cancelled: {title}",
}
# Notices about a change carry the consultation's sequence in their key: one per change.
PER_CHANGE_KINDS = frozenset({OutboxKind.RESCHEDULED, OutboxKind.CANCELLED})


def outbox_key(
    consultation_id: int,
    kind: str,
    *,
    participant_id: int | None = None,
    user_id: int | None = None,
    sequence: int | None = None,
) -> str:
    who = f"p{participant_id}" if participant_id is not None else f"u{user_id}"
    change = f":s{sequence}" if sequence is not None else ""
    return f"{consultation_id}:{who}:{kind}{change}"


def outbox_queue_for_participants(
    *, consultation: Consultation, participants: Iterable[Participant], kind: str
) -> int:
    """Queue one message of ``kind`` per participant; already-queued ones are left alone."""
    sequence = consultation.sequence if kind in PER_CHANGE_KINDS else None
    rows = [
        OutboxMessage(
            consultation=consultation,
            participant=participant,
            kind=kind,
            idempotency_key=outbox_key(
                consultation.pk, kind, participant_id=participant.pk, sequence=sequence
            ),
        )
        for participant in participants
    ]
    created = OutboxMessage.objects.bulk_create(rows, ignore_conflicts=True)
    relay_after_commit()
    return len(created)


def outbox_queue_for_user(*, consultation: Consultation, user_id: int, kind: str) -> None:
    OutboxMessage.objects.bulk_create(
        [
            OutboxMessage(
                consultation=consultation,
                user_id=user_id,
                kind=kind,
                idempotency_key=outbox_key(consultation.pk, kind, user_id=user_id),
            )
        ],
        ignore_conflicts=True,
    )
    relay_after_commit()


def relay_after_commit() -> None:
    """Ask a worker to relay the outbox once the current transaction has committed."""
    schema = require_authority_schema()

    def enqueue() -> None:
        from backend.consultations.tasks import relay_outbox
        from workers.tenancy import send_to_authority

        try:
            send_to_authority(relay_outbox, schema)
        except Exception:  # the broker is down: the next sweep relays instead
            logger.warning("Could not enqueue the outbox relay for %s", schema, exc_info=True)

    transaction.on_commit(enqueue)


def _local(value: Any) -> Any:
    return value.astimezone(LONDON) if value else value


def _host() -> str:
    return f"{connection.schema_name}.{settings.BASE_DOMAIN}"  # type: ignore[attr-defined]


def _participant_link_token(participant: Participant) -> str:
    """The token already in the participant's earlier emails, or a new one if its key retired."""
    token = issued_token(PARTICIPANT, participant.token_salt, participant.token_digest)
    if token is None:
        participant.token_salt = new_salt()
        token = participant_token(participant.token_salt)
        participant.token_digest = token_digest(token)
        participant.save(update_fields=["token_salt", "token_digest"])
    return token


def _render(message: OutboxMessage) -> EmailMultiAlternatives | None:
    """Build the email from the current rows; None when there is no recipient any more."""
    consultation = message.consultation
    cancelled = consultation.status == ConsultationStatus.CANCELLED
    if message.kind == OutboxKind.RESCHEDULED and cancelled:
        return None  # a "new date" notice overtaken by the cancellation is not sent
    context: dict[str, Any] = {
        "consultation": consultation,
        "method": consultation.method,
        "starts_at_london": _local(consultation.starts_at),
        "ends_at_london": _local(consultation.ends_at),
        "result": getattr(consultation, "result", None),
    }
    if message.participant_id is not None:
        participant = message.participant
        if participant is None or participant.erased_at is not None or not participant.email:
            return None
        recipient = participant.email
        token = _participant_link_token(participant)
        context["participant"] = participant
        if context["result"] is not None:
            # A respondent is outside the authority: the figures go through disclosure
            # control (with two respondents, the exact figures give away the other's answer).
            context["result"] = consultation_result_published(
                result=context["result"], policy=Policy.from_settings()
            )
        context["link"] = settings.CONSULTATION_RESPONSE_LINK.format(host=_host(), token=token)
    else:
        user = (
            User.objects.filter(pk=message.user_id, is_active=True).first()
            if message.user_id is not None
            else None
        )
        if user is None:
            return None
        recipient = user.email
        context["user"] = user
    template = f"consultations/email/{message.kind}"
    email = EmailMultiAlternatives(
        subject=SUBJECTS[OutboxKind(message.kind)].format(title=consultation.title),
        body=render_to_string(f"{template}.txt", context),
        to=[recipient],
        headers={"X-Idempotency-Key": message.idempotency_key},
    )
    email.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    return email


def outbox_relay(*, limit: int = 500) -> int:
    """Send due pending messages, each in its own transaction; returns how many were sent."""
    require_authority_schema()
    report = relay_due(
        due=lambda: OutboxMessage.objects.select_related(
            "consultation", "consultation__method", "participant"
        ),
        render=_render,
        limit=limit,
    )
    return report.sent


@transaction.atomic
def outbox_message_retry(*, message: OutboxMessage) -> OutboxMessage:
    """An admin's retry of a failed (or waiting) message: due now, fresh attempts."""
    locked = OutboxMessage.objects.select_for_update().get(pk=message.pk)
    retry_now(locked)
    relay_after_commit()
    return locked
