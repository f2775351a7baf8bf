"""Writes on decisions: record one (which decides the proposal), publish and unpublish it."""

from __future__ import annotations

import pghistory
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from backend.accounts.models import User
from backend.core.errors import Conflict
from backend.core.events import EventName, announce
from backend.decisions.models import Decision, DecisionOutcome
from backend.proposals.models import Proposal
from backend.proposals.services import proposal_mark_decided
from tenants.context import current_authority_id
from tenants.models import Authority


@transaction.atomic
def decision_record(
    *,
    proposal: Proposal,
    actor: User,
    outcome: str,
    rationale: str,
    conditions: str = "",
    public_influence: str = "",
    internal_notes: str = "",
) -> Decision:
    """Record what was decided; the proposal moves to decided in the same transaction."""
    if outcome == DecisionOutcome.APPROVED_WITH_CONDITIONS and not conditions.strip():
        raise ValidationError({"conditions": ["An approval with conditions must state them."]})
    if not rationale.strip():
        raise ValidationError({"rationale": ["Say why this was decided."]})
    with pghistory.context(user=actor.pk):
        # The move locks the proposal row, so two decisions cannot race past this check.
        decided = proposal_mark_decided(proposal=proposal, actor=actor)
        assert decided.decided_at is not None  # set by the move to decided
        decision = Decision.objects.create(
            proposal=decided,
            outcome=outcome,
            rationale=rationale,
            conditions=conditions,
            public_influence=public_influence,
            internal_notes=internal_notes,
            decided_by=actor,
            decided_at=decided.decided_at,
        )
        announce(
            EventName.DECISION_RECORDED,
            decision_id=decision.pk,
            proposal_id=decided.pk,
            outcome=decision.outcome,
        )
        return decision


def _require_current(authority: Authority) -> None:
    # The register copy is filed under the authority the connection points at;
    # refuse a caller that believes it is acting for another one.
    if authority.pk != current_authority_id():
        raise Conflict("The decision belongs to another authority.", code="wrong_authority")


@transaction.atomic
def decision_publish(*, authority: Authority, decision: Decision, actor: User) -> Decision:
    """Publish a decision: mark it and announce it (the register copies its public fields)."""
    _require_current(authority)
    with pghistory.context(user=actor.pk):
        locked = Decision.objects.select_for_update().select_related("proposal").get(pk=decision.pk)
        if locked.published:
            raise Conflict("This decision is already published.", code="already_published")
        locked.published = True
        locked.published_at = timezone.now()
        locked.save(update_fields=["published", "published_at"])
        # The register copies the public fields in this same transaction.
        announce(
            EventName.DECISION_PUBLISHED, decision_id=locked.pk, proposal_id=locked.proposal_id
        )
    return locked


@transaction.atomic
def decision_unpublish(*, authority: Authority, decision: Decision, actor: User) -> Decision:
    """Take a decision off the register; it stays recorded in the authority."""
    _require_current(authority)
    with pghistory.context(user=actor.pk):
        locked = Decision.objects.select_for_update().get(pk=decision.pk)
        if not locked.published:
            raise Conflict("This decision is not published.", code="not_published")
        locked.published = False
        locked.published_at = None
        locked.save(update_fields=["published", "published_at"])
        announce(
            EventName.DECISION_UNPUBLISHED, decision_id=locked.pk, proposal_id=locked.proposal_id
        )
    return locked
