"""Consultations meet proposals, assessments, the register and the benchmarks."""

from __future__ import annotations

from decimal import Decimal

from backend.assessments.services import assessment_sign_off
from backend.benchmarks.models import RefreshRequest
from backend.consultations.services import (
    consultation_close,
    consultation_open,
    consultation_publish_results,
)
from backend.decisions.services import decision_publish, decision_record
from backend.proposals.models import ProposalStatus
from backend.proposals.services import proposal_finish_consultation
from tenants.context import authority_context
from tenants.roles import Role
from tests.consultations.factories import make_consultation, make_participant, respond
from tests.factories import make_assessment
from tests.proposals.factories import make_proposal, sign_off


def test_opening_a_consultation_moves_its_proposal_into_consultation(in_authority_a, make_member):
    officer = make_member(in_authority_a, Role.OFFICER).user
    proposal = make_proposal(in_authority_a, officer, status=ProposalStatus.IN_ASSESSMENT)
    first = make_consultation(proposal=proposal)
    second = make_consultation(proposal=proposal, method="online_survey")
    consultation_open(consultation=first)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.IN_CONSULTATION
    transition = proposal.transitions.get(to_status=ProposalStatus.IN_CONSULTATION)
    assert transition.by is None  # moved by the system, not a person
    consultation_open(consultation=second)  # already in consultation: no second move
    assert proposal.transitions.filter(to_status=ProposalStatus.IN_CONSULTATION).count() == 1


def test_results_compare_the_public_with_the_signed_off_assessment(in_authority_a, make_member):
    assessor = make_member(in_authority_a, Role.OFFICER).user
    reviewer = make_member(in_authority_a, Role.ADMIN).user
    proposal = make_proposal(in_authority_a, assessor, status=ProposalStatus.IN_ASSESSMENT)
    assessment = make_assessment(
        authority=in_authority_a, assessor=assessor, proposal=proposal, submitted=True, value=5
    )
    assessment_sign_off(assessment=assessment, actor=reviewer)
    consultation = make_consultation(proposal=proposal)
    participant = make_participant(consultation)
    consultation_open(consultation=consultation)
    respond(participant, purposeful=1, proportionate=5, responsible=3)
    consultation_close(consultation=consultation)
    gap = consultation.result.figures["public_officer_gap"]
    assert gap["purposeful"]["officer_verdict"] == "met"
    assert gap["purposeful"]["gap"] == -1.0
    assert gap["proportionate"]["gap"] == 0.0
    assert gap["responsible"]["gap"] == -0.5


def test_register_shows_published_consultation_results_as_aggregates_only(
    authority_a, make_member, anonymous
):
    officer = make_member(authority_a, Role.OFFICER).user
    with authority_context(authority_a):
        proposal = make_proposal(authority_a, officer, status=ProposalStatus.IN_ASSESSMENT)
        proposal = sign_off(authority_a, officer, proposal)
        consultation = make_consultation(proposal=proposal, cost_venue=Decimal("300"))
        people = [
            make_participant(consultation, email=f"resident{i}@example.org", full_name="Ann Person")
            for i in range(9)
        ]
        consultation_open(consultation=consultation)
        for person in people:
            respond(person, comment="A private comment", conditions="Only with opt-out")
        consultation_close(consultation=consultation)
        consultation_publish_results(consultation=consultation)
        proposal.refresh_from_db()
        proposal = proposal_finish_consultation(proposal=proposal, actor=officer)
        decision = decision_record(
            proposal=proposal, actor=officer, outcome="approved", rationale="Supported."
        )
        decision_publish(authority=authority_a, decision=decision, actor=officer)
    entries = anonymous(None).get("/api/v1/public/register").json()["results"]
    entry = next(e for e in entries if e["reference"] == proposal.reference)
    detail = anonymous(None).get(f"/api/v1/public/register/{entry['id']}")
    body = detail.content.decode()
    summary = detail.json()["consultation_summary"]["consultations"]
    # Nine people: published rounded to the nearest five, through disclosure control.
    assert summary[0]["invited"] == 10
    assert summary[0]["responded"] == 10
    assert summary[0]["withheld"] == {}
    assert summary[0]["method"] == "Workshop"
    for private in ("resident0@example.org", "Ann Person", "A private comment", "opt-out"):
        assert private not in body


def test_a_decision_and_a_closed_consultation_ask_for_a_benchmark_refresh(
    in_authority_a, make_member
):
    officer = make_member(in_authority_a, Role.OFFICER).user
    RefreshRequest.objects.filter(authority=in_authority_a).delete()
    consultation = make_consultation(
        proposal=make_proposal(in_authority_a, officer, status=ProposalStatus.IN_ASSESSMENT)
    )
    consultation_open(consultation=consultation)
    consultation_close(consultation=consultation)
    assert RefreshRequest.objects.filter(authority=in_authority_a).exists()
    RefreshRequest.objects.filter(authority=in_authority_a).delete()
    proposal = make_proposal(in_authority_a, officer, status=ProposalStatus.AWAITING_DECISION)
    decision_record(proposal=proposal, actor=officer, outcome="rejected", rationale="No.")
    assert RefreshRequest.objects.filter(authority=in_authority_a).exists()
