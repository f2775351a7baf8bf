"""Domain events: a service says what happened; the apps that care react.

Services announce an event with :func:`announce` from inside the transaction
that made the change. Reactions subscribe from their own app's ``ready()``
with :func:`subscribe`, so a publisher never imports the apps that react to it
and adding a reaction touches no publisher.

Each subscriber picks one of two phases:

``Phase.WITH_CHANGE``
    Runs at once, inside the announcing transaction, in the same schema. For
    reactions that must commit or roll back with the change itself: the
    register's public copy of a published decision, a benchmark refresh
    request, an outbox row for a webhook delivery. Such a handler writes rows
    and does no I/O; if it raises, the whole change is refused.

``Phase.AFTER_COMMIT``
    Runs once the transaction has committed (enqueue a task, wake a relay).
    Nothing runs when the change rolls back; a failure is logged and never
    undoes the change, which is why these handlers only ever nudge work that
    is already recorded in the database.

Payloads hold ids and states only, never personal data, because webhook
subscribers receive them as they are.
"""

from __future__ import annotations

import enum
import logging
import uuid
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import get_public_schema_name

logger = logging.getLogger(__name__)


class EventName(enum.StrEnum):
    """Every event the domain announces; webhook subscriptions choose from these."""

    PROPOSAL_MOVED = "proposal.moved"
    PROPOSAL_UPDATED = "proposal.updated"
    ASSESSMENT_SIGNED_OFF = "assessment.signed_off"
    CONSULTATION_OPENED = "consultation.opened"
    CONSULTATION_CLOSED = "consultation.closed"
    CONSULTATION_COSTS_CHANGED = "consultation.costs_changed"
    CONSULTATION_RESULTS_PUBLISHED = "consultation.results_published"
    DECISION_RECORDED = "decision.recorded"
    DECISION_PUBLISHED = "decision.published"
    DECISION_UNPUBLISHED = "decision.unpublished"
    REVIEW_DUE = "review.due"
    REVIEW_OVERDUE = "review.overdue"
    REVIEW_RECORDED = "review.recorded"
    REVIEW_PUBLISHED = "review.published"


class Phase(enum.Enum):
    WITH_CHANGE = "with_change"
    AFTER_COMMIT = "after_commit"


@dataclass(frozen=True)
class DomainEvent:
    """One thing that happened in one authority (or in the programme, ``authority_id=None``)."""

    name: EventName
    payload: Mapping[str, Any]
    authority_id: int | None
    schema_name: str
    occurred_at: datetime = field(default_factory=timezone.now)
    event_id: str = field(default_factory=lambda: f"evt_{uuid.uuid4().hex}")


Handler = Callable[[DomainEvent], None]

_subscribers: dict[EventName, list[tuple[Phase, Handler]]] = defaultdict(list)


def subscribe(*names: EventName, phase: Phase) -> Callable[[Handler], Handler]:
    """Register the decorated function for the named events (call from ``AppConfig.ready``).

    Registering the same function twice for an event is a no-op, so ``ready()``
    running again (tests, autoreload) never doubles a reaction.
    """

    def register(handler: Handler) -> Handler:
        for name in names:
            entry = (phase, handler)
            if entry not in _subscribers[EventName(name)]:
                _subscribers[EventName(name)].append(entry)
        return handler

    return register


def subscribers_of(name: EventName) -> list[tuple[Phase, Handler]]:
    """The handlers registered for an event, in registration order (for tests and docs)."""
    return list(_subscribers.get(name, []))


def _current_authority_id() -> int | None:
    tenant = getattr(connection, "tenant", None)
    schema = getattr(connection, "schema_name", get_public_schema_name())
    if tenant is None or schema == get_public_schema_name():
        return None
    return int(tenant.pk)


def announce(name: EventName, **payload: Any) -> DomainEvent:
    """Tell the subscribers that ``name`` happened, in the current schema and transaction.

    Must be called inside ``transaction.atomic`` (every service is): the
    with-change reactions then share the change's fate, and the after-commit
    ones wait for it.
    """
    if not connection.in_atomic_block:
        raise RuntimeError(f"{name} must be announced inside the transaction that made it.")
    event = DomainEvent(
        name=EventName(name),
        payload=dict(payload),
        authority_id=_current_authority_id(),
        schema_name=str(getattr(connection, "schema_name", get_public_schema_name())),
    )
    for phase, handler in subscribers_of(event.name):
        if phase is Phase.WITH_CHANGE:
            handler(event)
        else:
            transaction.on_commit(_after_commit(handler, event))
    return event


def _after_commit(handler: Handler, event: DomainEvent) -> Callable[[], None]:
    def run() -> None:
        try:
            handler(event)
        except Exception:
            # The change is committed; the reaction only nudges work already
            # recorded in the database, which the next sweep picks up.
            logger.exception("After-commit reaction %s to %s failed", handler, event.name)

    return run
