"""The register's reactions to decisions: keep the public copy in step, in the same transaction."""

from __future__ import annotations

from backend.core.events import DomainEvent, EventName, Phase, subscribe
from backend.decisions.models import Decision
from backend.register.services import (
    register_entry_add_review,
    register_entry_publish,
    register_entry_unpublish,
)
from tenants.models import Authority


def _authority_and_decision(event: DomainEvent) -> tuple[Authority, Decision]:
    if event.authority_id is None:
        raise RuntimeError(f"{event.name} was announced outside an authority.")
    authority = Authority.objects.get(pk=event.authority_id)
    decision = Decision.objects.select_related("proposal").get(pk=event.payload["decision_id"])
    return authority, decision


@subscribe(EventName.DECISION_PUBLISHED, phase=Phase.WITH_CHANGE)
def copy_published_decision(event: DomainEvent) -> None:
    authority, decision = _authority_and_decision(event)
    register_entry_publish(authority=authority, decision=decision)


@subscribe(EventName.DECISION_UNPUBLISHED, phase=Phase.WITH_CHANGE)
def remove_unpublished_decision(event: DomainEvent) -> None:
    authority, decision = _authority_and_decision(event)
    register_entry_unpublish(authority=authority, decision=decision)


@subscribe(EventName.REVIEW_PUBLISHED, phase=Phase.WITH_CHANGE)
def show_published_review(event: DomainEvent) -> None:
    if event.authority_id is None:
        raise RuntimeError(f"{event.name} was announced outside an authority.")
    register_entry_add_review(
        authority=Authority.objects.get(pk=event.authority_id),
        decision_id=event.payload["decision_id"],
    )
