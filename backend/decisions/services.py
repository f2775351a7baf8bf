"""Writes on decisions: record one (which decides the proposal), publish and unpublish it."""

from __future__ import annotations

from calendar import monthrange
from datetime import date

import pghistory
from django.conf import settings
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

APPROVALS = frozenset({DecisionOutcome.APPROVED, DecisionOutcome.APPROVED_WITH_CONDITIONS})


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
    review_due_on: date | None = None,
    expected_benefits: str = "",
) -> Decision:
    """Record what was decided; the proposal moves to decided in the same transaction.

    An approval schedules a benefit review: on ``review_due_on`` if given, else
    ``REVIEW_DEFAULT_MONTHS`` after today.
    """
    if outcome == DecisionOutcome.APPROVED_WITH_CONDITIONS and not conditions.strip():
        raise ValidationError({"conditions": ["An approval with conditions must state them."]})
    if not rationale.strip():
        raise ValidationError({"rationale": ["Say why this was decided."]})
    review_due_on = _review_date(outcome, review_due_on)
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
            review_due_on=review_due_on,
            expected_benefits=expected_benefits.strip(),
        )
        announce(
            EventName.DECISION_RECORDED,
            decision_id=decision.pk,
            proposal_id=decided.pk,
            outcome=decision.outcome,
        )
        return decision


def _review_date(outcome: str, review_due_on: date | None) -> date | None:
    approved = outcome in APPROVALS
    if not approved:
        if review_due_on is not None:
            raise ValidationError(
                {"review_due_on": ["Only an approved proposal has a benefit review."]}
            )
        return None
    today = timezone.localdate()
    if review_due_on is None:
        return _months_after(today, settings.REVIEW_DEFAULT_MONTHS)
    if review_due_on <= today:
        raise ValidationError({"review_due_on": ["The review must fall after today."]})
    return review_due_on


def _months_after(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, monthrange(year, month)[1]))


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
