"""The findings' reactions: a proposal's scenario or its consultations' results changed."""

from __future__ import annotations

from backend.core.events import DomainEvent, EventName, Phase, subscribe
from backend.findings.services import scenario_facts_refresh


@subscribe(
    EventName.PROPOSAL_UPDATED,
    EventName.PROPOSAL_MOVED,
    EventName.ASSESSMENT_SIGNED_OFF,
    EventName.CONSULTATION_CLOSED,
    EventName.CONSULTATION_RESULTS_PUBLISHED,
    EventName.DECISION_RECORDED,
    phase=Phase.WITH_CHANGE,
)
def refresh_scenario_facts(event: DomainEvent) -> None:
    # With the change: the facts are never ahead of (or behind) a committed change.
    # A few queries per event, on one proposal's consultations only.
    proposal_id = event.payload.get("proposal_id")
    if event.authority_id is None or not proposal_id:
        return
    scenario_facts_refresh(authority_id=event.authority_id, proposal_ids=[int(proposal_id)])
