"""Build proposals through the real services, in any lifecycle state."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any

from backend.accounts.models import User
from backend.decisions.models import Decision
from backend.decisions.services import decision_publish, decision_record
from backend.proposals.models import Proposal, ProposalStatus
from backend.proposals.services import (
    proposal_create,
    proposal_finish_consultation,
    proposal_skip_consultation,
    proposal_start_consultation,
    proposal_submit,
    proposal_withdraw,
)
from backend.proposals.walkthrough import assessment_walk, consultation_walk
from tenants.models import Authority, Membership
from tenants.roles import Role
from tenants.services import membership_grant

_titles = itertools.count(1)


def proposal_fields(**overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "title": f"Sharing tenancy records with the NHS {next(_titles)}",
        "summary": "Housing tells the hospital discharge team who lives in unsafe homes.",
        "purpose": "Prevent discharges into homes that make people ill again.",
        "service_areas": ["housing", "health"],
        "legal_gateway": "public_task",
        "legal_gateway_detail": "Care Act 2014 s.6 duty to co-operate",
        "direction": "outbound",
        "frequency": "regular",
    }
    fields.update(overrides)
    return fields


CHILDREN: dict[str, list[dict[str, Any]]] = {
    "data_categories": [
        {"name": "Address", "special_category": False, "criminal_offence": False},
        {"name": "Health condition", "special_category": True, "criminal_offence": False},
    ],
    "partners": [
        {"name": "City Hospital NHS Trust", "organisation_type": "nhs", "role": "recipient"}
    ],
    "risks": [{"description": "Over-sharing", "mitigation": "Only flagged households"}],
}

# How to reach each state from draft. "assess" signs off an assessment (a second
# officer reviews it); "hold" runs a consultation to its close, so a proposal in
# consultation has computed results and can finish; "decide" needs both.
PATH_TO: dict[str, list[str]] = {
    ProposalStatus.DRAFT: [],
    ProposalStatus.IN_ASSESSMENT: ["submit"],
    ProposalStatus.IN_CONSULTATION: ["submit", "assess", "consult", "hold"],
    ProposalStatus.AWAITING_DECISION: ["submit", "assess", "consult", "hold", "finish"],
    ProposalStatus.DECIDED: ["submit", "assess", "consult", "hold", "finish", "decide"],
    ProposalStatus.WITHDRAWN: ["withdraw"],
}


def reviewer_for(authority: Authority) -> User:
    """An officer of the authority who takes no part in assessments: the second pair of eyes."""
    user, _ = User.objects.get_or_create(email=f"reviewer@{authority.schema_name}.example.test")
    if not Membership.objects.filter(user=user, authority=authority).exists():
        membership_grant(user=user, role=Role.OFFICER, authority=authority)
    return user


def sign_off(authority: Authority, actor: User, proposal: Proposal, *, scale: int = 4) -> Proposal:
    """A signed-off assessment of a proposal in assessment: ``actor`` assesses, a reviewer
    signs off."""
    assessment_walk(
        authority=authority,
        proposal=proposal,
        assessor=actor,
        reviewer=reviewer_for(authority),
        scale=scale,
    )
    return proposal


def hold_consultation(proposal: Proposal, actor: User | None, **options: Any) -> Proposal:
    """A consultation on the proposal that opens and closes with computed results."""
    consultation_walk(proposal=proposal, actor=actor, **options)
    proposal.refresh_from_db()
    return proposal


def make_proposal(
    authority: Authority, actor: User, *, status: str = ProposalStatus.DRAFT, **overrides: Any
) -> Proposal:
    """A proposal in ``status``, reached through the real services. Call in A's schema."""
    proposal = proposal_create(
        authority=authority, actor=actor, fields=proposal_fields(**overrides), **CHILDREN
    )
    for step in PATH_TO[status]:
        if step == "submit":
            proposal = proposal_submit(proposal=proposal, actor=actor)
        elif step == "assess":
            proposal = sign_off(authority, actor, proposal)
        elif step == "consult":
            proposal = proposal_start_consultation(proposal=proposal, actor=actor)
        elif step == "hold":
            proposal = hold_consultation(proposal, actor)
        elif step == "finish":
            proposal = proposal_finish_consultation(proposal=proposal, actor=actor)
        elif step == "withdraw":
            proposal = proposal_withdraw(proposal=proposal, actor=actor)
        elif step == "decide":
            decision_record(proposal=proposal, actor=actor, outcome="approved", rationale="Sound.")
            proposal.refresh_from_db()
    return proposal


def make_ready_for_decision(
    authority: Authority,
    actor: User,
    *,
    skip_reason: str = "",
    consultation: Mapping[str, Any] | None = None,
    **overrides: Any,
) -> Proposal:
    """A proposal awaiting decision the way the methodology requires: a signed-off
    assessment, then a consultation held and finished (or skipped with a reason)."""
    proposal = make_proposal(authority, actor, status=ProposalStatus.IN_ASSESSMENT, **overrides)
    proposal = sign_off(authority, actor, proposal)
    if skip_reason:
        return proposal_skip_consultation(proposal=proposal, actor=actor, reason=skip_reason)
    proposal = hold_consultation(proposal, actor, **(consultation or {}))
    return proposal_finish_consultation(proposal=proposal, actor=actor)


def make_decision(
    authority: Authority,
    actor: User,
    *,
    published: bool = False,
    skip_reason: str = "",
    consultation: Mapping[str, Any] | None = None,
    **decision: Any,
) -> Decision:
    """A proposal taken to a decision (consulting, or skipping with a reason), maybe published."""
    proposal = make_ready_for_decision(
        authority, actor, skip_reason=skip_reason, consultation=consultation
    )
    values = {"outcome": "approved", "rationale": "Benefits outweigh the risks.", **decision}
    recorded = decision_record(proposal=proposal, actor=actor, **values)
    if published:
        recorded = decision_publish(authority=authority, decision=recorded, actor=actor)
    return recorded
