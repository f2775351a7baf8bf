"""Proposals consulted on, made through the real services (call inside authority_context)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from backend.accounts.models import User
from backend.consultations.models import Consultation
from backend.proposals.models import Proposal
from backend.proposals.services import proposal_create, proposal_submit
from backend.proposals.walkthrough import consultation_walk
from tenants.models import Authority
from tests.proposals.factories import proposal_fields, sign_off

AGREE = {"purposeful": 4, "proportionate": 4, "responsible": 4}


def answers(*acceptability: int, **agreement: int) -> list[dict[str, Any]]:
    """One response per acceptability point given, each agreeing as ``agreement`` says."""
    return [
        {"acceptability": point, **AGREE, **agreement, "conditions": "", "comment": ""}
        for point in acceptability
    ]


def consulted(
    authority: Authority,
    officer: User,
    *,
    responses: Sequence[Mapping[str, Any]],
    data_categories: Sequence[Mapping[str, Any]] = (),
    partners: Sequence[Mapping[str, Any]] = (),
    scale: int = 4,
    invited: int = 0,
    **fields: Any,
) -> tuple[Proposal, Consultation]:
    """A proposal with these attributes, assessed (``scale`` answers), consulted and closed."""
    proposal = proposal_create(
        authority=authority,
        actor=officer,
        fields=proposal_fields(**fields),
        data_categories=data_categories,
        partners=partners,
    )
    proposal = proposal_submit(proposal=proposal, actor=officer)
    sign_off(authority, officer, proposal, scale=scale)
    consultation = consultation_walk(
        proposal=proposal, actor=officer, answers=responses, invited=invited
    )
    proposal.refresh_from_db()
    return proposal, consultation


def category(name: str, kind: str, *, special: bool = False, criminal: bool = False) -> dict:
    return {"name": name, "kind": kind, "special_category": special, "criminal_offence": criminal}


def partner(kind: str, name: str = "Partner") -> dict:
    return {"name": name, "organisation_type": kind, "role": "recipient"}
