"""An approved decision schedules its benefit review, in the decision's transaction."""

from __future__ import annotations

from backend.core.events import DomainEvent, EventName, Phase, subscribe
from backend.decisions.models import Decision
from backend.reviews.services import review_schedule


@subscribe(EventName.DECISION_RECORDED, phase=Phase.WITH_CHANGE)
def schedule_review(event: DomainEvent) -> None:
    review_schedule(decision=Decision.objects.get(pk=event.payload["decision_id"]))
