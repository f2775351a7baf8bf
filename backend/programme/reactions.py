"""The ledger's reaction to consultations: copy each closed consultation's cost, kept in step."""

from __future__ import annotations

from django.utils import timezone

from backend.consultations.models import ConsultationResult
from backend.core.events import DomainEvent, EventName, Phase, subscribe
from backend.programme.services import consultation_cost_record


@subscribe(
    EventName.CONSULTATION_CLOSED, EventName.CONSULTATION_COSTS_CHANGED, phase=Phase.WITH_CHANGE
)
def copy_consultation_cost(event: DomainEvent) -> None:
    if event.authority_id is None:
        return
    result = (
        ConsultationResult.objects.select_related("consultation")
        .filter(consultation_id=event.payload["consultation_id"])
        .first()
    )
    if result is None or result.consultation.closed_at is None:
        return
    consultation_cost_record(
        authority_id=event.authority_id,
        consultation_id=result.consultation_id,
        proposal_id=result.consultation.proposal_id,
        closed_on=timezone.localtime(result.consultation.closed_at).date(),
        cost=result.actual_cost,
        participants=result.responded,
    )
