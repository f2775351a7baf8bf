"""Reads on consultations, participants, responses and results (tenant schema)."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, QuerySet

from backend.consultations.models import (
    Consultation,
    ConsultationResult,
    OutboxMessage,
    Participant,
    Response,
)
from backend.consultations.tokens import OPEN_LINK, PARTICIPANT, token_digest, token_verifies
from tenants.context import require_authority_schema


def consultation_list() -> QuerySet[Consultation]:
    require_authority_schema()
    return Consultation.objects.select_related("proposal", "method").annotate(
        participant_count=Count("participants", distinct=True),
        response_count=Count("participants__response", distinct=True),
    )


def consultation_get(*, consultation_id: int) -> Consultation:
    return consultation_list().get(pk=consultation_id)


def participant_list() -> QuerySet[Participant]:
    require_authority_schema()
    return Participant.objects.select_related("consultation").annotate(
        has_responded=Exists(Response.objects.filter(participant=OuterRef("pk")))
    )


def participant_by_token(*, token: str) -> Participant | None:
    """The participant a token belongs to; None for unknown, erased or malformed tokens."""
    require_authority_schema()
    if not token or len(token) > 100:
        return None
    participant = (
        Participant.objects.select_related("consultation", "consultation__method")
        .filter(token_digest=token_digest(token), erased_at__isnull=True)
        .first()
    )
    # The digest finds the row; the key check retires links of a key no longer in service.
    if participant is None or not token_verifies(PARTICIPANT, participant.token_salt, token):
        return None
    return participant


def consultation_by_open_link(*, token: str) -> Consultation | None:
    require_authority_schema()
    if not token or len(token) > 100:
        return None
    consultation = (
        Consultation.objects.select_related("method")
        .filter(open_link_enabled=True, open_link_digest=token_digest(token))
        .exclude(open_link_digest="")
        .first()
    )
    if consultation is None or not token_verifies(OPEN_LINK, consultation.open_link_salt, token):
        return None
    return consultation


def response_for(*, participant: Participant) -> Response | None:
    return Response.objects.filter(participant=participant).first()


def result_get(*, consultation: Consultation) -> ConsultationResult | None:
    return ConsultationResult.objects.filter(consultation=consultation).first()


def officer_verdicts_for(*, proposal_id: int) -> dict[str, str | None] | None:
    """The officers' verdict per test for a proposal, as test key → met/partly_met/not_met.

    Read from the proposal's latest signed-off assessment; None when it has
    none, and the results then report no public-vs-officer gap.
    """
    from backend.assessments.selectors import assessment_latest_verdicts

    latest = assessment_latest_verdicts(proposal_ids=[proposal_id]).get(proposal_id)
    if latest is None:
        return None
    tests: dict[str, str | None] = dict(latest["tests"])
    return tests


def calendar_consultations() -> QuerySet[Consultation]:
    """What the authority's calendar feed shows: everything but never-shown drafts.

    Cancelled consultations stay in the feed (as STATUS:CANCELLED) so that
    subscribed calendars remove the event instead of keeping a stale copy.
    """
    require_authority_schema()
    return Consultation.objects.select_related("method").all()


def outbox_message_list() -> QuerySet[OutboxMessage]:
    require_authority_schema()
    return OutboxMessage.objects.select_related("consultation", "participant")
