"""Which domain events each kind of subscriber may receive, and what a delivery's body holds."""

from __future__ import annotations

from typing import Any

from backend.core.events import DomainEvent, EventName

# An authority's admin may subscribe to everything that happens in the authority.
AUTHORITY_EVENTS: frozenset[str] = frozenset(name.value for name in EventName)
# The programme sees what becomes public anyway, from every authority.
PROGRAMME_EVENTS: frozenset[str] = frozenset(
    {
        EventName.CONSULTATION_RESULTS_PUBLISHED.value,
        EventName.DECISION_PUBLISHED.value,
        EventName.DECISION_UNPUBLISHED.value,
        EventName.REVIEW_PUBLISHED.value,
    }
)


def delivery_body(event: DomainEvent, *, authority_slug: str | None) -> dict[str, Any]:
    """The JSON a receiver gets: type, time and ids only (no personal data)."""
    return {
        "type": event.name.value,
        "timestamp": event.occurred_at.isoformat(),
        "data": {"authority": authority_slug, **event.payload},
    }
