"""Build proposals through the real services, in any lifecycle state."""

from __future__ import annotations

import itertools
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
from tenants.models import Authority

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

# How to reach each state from draft, one service call per step.
PATH_TO: dict[str, list[str]] = {
    ProposalStatus.DRAFT: [],
    ProposalStatus.IN_ASSESSMENT: ["submit"],
    ProposalStatus.IN_CONSULTATION: ["submit", "consult"],
    ProposalStatus.AWAITING_DECISION: ["submit", "consult", "finish"],
    ProposalStatus.DECIDED: ["submit", "consult", "finish", "decide"],
    ProposalStatus.WITHDRAWN: ["withdraw"],
}


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
        elif step == "consult":
            proposal = proposal_start_consultation(proposal=proposal, actor=actor)
        elif step == "finish":
            proposal = proposal_finish_consultation(proposal=proposal, actor=actor)
        elif step == "withdraw":
            proposal = proposal_withdraw(proposal=proposal, actor=actor)
        elif step == "decide":
            decision_record(proposal=proposal, actor=actor, outcome="approved", rationale="Sound.")
            proposal.refresh_from_db()
    return proposal


def make_decision(
    authority: Authority,
    actor: User,
    *,
    published: bool = False,
    skip_reason: str = "",
    **decision: Any,
) -> Decision:
    """A proposal taken to a decision (consulting, or skipping with a reason), maybe published."""
    proposal = make_proposal(authority, actor, status=ProposalStatus.IN_ASSESSMENT)
    if skip_reason:
        proposal = proposal_skip_consultation(proposal=proposal, actor=actor, reason=skip_reason)
    else:
        proposal = proposal_start_consultation(proposal=proposal, actor=actor)
        proposal = proposal_finish_consultation(proposal=proposal, actor=actor)
    values = {"outcome": "approved", "rationale": "Benefits outweigh the risks.", **decision}
    recorded = decision_record(proposal=proposal, actor=actor, **values)
    if published:
        recorded = decision_publish(authority=authority, decision=recorded, actor=actor)
    return recorded
