"""Data for the attacks, made through the real services (call inside authority_context)."""

from __future__ import annotations

from backend.accounts.models import User
from backend.assessments.services import assessment_sign_off
from backend.consultations.models import Consultation
from backend.consultations.services import (
    consultation_close,
    consultation_open,
    consultation_publish_results,
)
from backend.decisions.models import Decision
from backend.decisions.services import decision_publish, decision_record
from backend.proposals.models import Proposal, ProposalStatus
from backend.proposals.services import proposal_finish_consultation
from tenants.models import Authority
from tests.consultations.factories import make_consultation, make_participant, respond
from tests.factories import make_assessment
from tests.proposals.factories import make_proposal


def assessed_proposal(authority: Authority, officer: User, reviewer: User) -> Proposal:
    """A proposal in assessment with a signed-off assessment (four eyes: two people)."""
    proposal = make_proposal(authority, officer, status=ProposalStatus.IN_ASSESSMENT)
    assessment = make_assessment(
        authority=authority, assessor=officer, proposal=proposal, submitted=True
    )
    assessment_sign_off(assessment=assessment, actor=reviewer)
    return proposal


def held_consultation(
    proposal: Proposal,
    *,
    invited: int,
    answers: list[dict[str, int]],
    method: str = "workshop",
    publish: bool = True,
) -> Consultation:
    """Invite ``invited`` people, record one response per answer, close (and publish)."""
    consultation = make_consultation(proposal=proposal, method=method)
    people = [make_participant(consultation) for _ in range(invited)]
    consultation_open(consultation=consultation)
    for person, answer in zip(people, answers, strict=False):
        respond(person, **answer)
    consultation = consultation_close(consultation=consultation)
    if publish:
        consultation = consultation_publish_results(consultation=consultation)
    return consultation


def decided_and_published(authority: Authority, proposal: Proposal, officer: User) -> Decision:
    proposal.refresh_from_db()
    proposal = proposal_finish_consultation(proposal=proposal, actor=officer)
    decision = decision_record(
        proposal=proposal, actor=officer, outcome="approved", rationale="Supported."
    )
    return decision_publish(authority=authority, decision=decision, actor=officer)
