"""The benchmarks' reactions: events that change an authority's figures ask for a refresh."""

from __future__ import annotations

from backend.benchmarks.services import benchmark_refresh_request
from backend.core.events import DomainEvent, EventName, Phase, subscribe


@subscribe(
    EventName.DECISION_RECORDED,
    EventName.CONSULTATION_CLOSED,
    # Benefit reviews: falling due and going overdue change the reviews due and the
    # share done on time; recording and publishing change what reviews found.
    EventName.REVIEW_DUE,
    EventName.REVIEW_OVERDUE,
    EventName.REVIEW_RECORDED,
    EventName.REVIEW_PUBLISHED,
    phase=Phase.WITH_CHANGE,
)
def request_refresh(event: DomainEvent) -> None:
    # Written with the change, so a refresh is never asked for a change that
    # rolled back; the sweeper batches requests until the figures settle.
    if event.authority_id is not None:
        benchmark_refresh_request(authority_id=event.authority_id)
