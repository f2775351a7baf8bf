"""Writes on decisions: record one (which decides the proposal), publish and unpublish it."""

from __future__ import annotations

import pghistory
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from backend.accounts.models import User
from backend.benchmarks.services import benchmark_refresh_request
from backend.core.errors import Conflict
from backend.decisions.models import Decision, DecisionOutcome
from backend.proposals.models import Proposal
from backend.proposals.services import proposal_mark_decided
from backend.register.services import register_entry_publish, register_entry_unpublish
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
        # The benchmark figures change with every decision; the sweeper batches refreshes.
        benchmark_refresh_request(authority_id=current_authority_id())
        return Decision.objects.create(
            proposal=decided,
            outcome=outcome,
            rationale=rationale,
            conditions=conditions,
            public_influence=public_influence,
            internal_notes=internal_notes,
            decided_by=actor,
            decided_at=decided.decided_at,
        )


@transaction.atomic
def decision_publish(*, authority: Authority, decision: Decision, actor: User) -> Decision:
    """Publish a decision: mark it and copy its public fields into the register."""
    with pghistory.context(user=actor.pk):
        locked = Decision.objects.select_for_update().select_related("proposal").get(pk=decision.pk)
        if locked.published:
            raise Conflict("This decision is already published.", code="already_published")
        locked.published = True
        locked.published_at = timezone.now()
        locked.save(update_fields=["published", "published_at"])
        register_entry_publish(authority=authority, decision=locked)
    return locked


@transaction.atomic
def decision_unpublish(*, authority: Authority, decision: Decision, actor: User) -> Decision:
    """Take a decision off the register; it stays recorded in the authority."""
    with pghistory.context(user=actor.pk):
        locked = Decision.objects.select_for_update().get(pk=decision.pk)
        if not locked.published:
            raise Conflict("This decision is not published.", code="not_published")
        locked.published = False
        locked.published_at = None
        locked.save(update_fields=["published", "published_at"])
        register_entry_unpublish(authority=authority, decision=locked)
    return locked
