"""Recording, publishing and unpublishing decisions."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from backend.core.errors import Conflict, InvalidTransition
from backend.decisions.models import Decision
from backend.decisions.services import decision_publish, decision_record, decision_unpublish
from backend.proposals.models import ProposalStatus
from backend.register.models import RegisterEntry
from tenants.roles import Role
from tests.proposals.factories import make_decision, make_proposal


@pytest.fixture
def officer(authority_a, make_member):
    return make_member(authority_a, Role.OFFICER).user


def test_recording_a_decision_decides_the_proposal(in_authority_a, officer):
    decision = make_decision(in_authority_a, officer, skip_reason="Court order")
    decision.proposal.refresh_from_db()
    assert decision.proposal.status == ProposalStatus.DECIDED
    assert decision.decided_at == decision.proposal.decided_at
    assert decision.decided_by_id == officer.pk


@pytest.mark.parametrize("status", ["draft", "in_assessment", "in_consultation", "withdrawn"])
def test_only_a_proposal_awaiting_decision_can_be_decided(status, in_authority_a, officer):
    proposal = make_proposal(in_authority_a, officer, status=status)
    with pytest.raises(InvalidTransition):
        decision_record(proposal=proposal, actor=officer, outcome="rejected", rationale="No.")
    assert not Decision.objects.filter(proposal=proposal).exists()


def test_conditions_are_required_for_a_conditional_approval(in_authority_a, officer):
    proposal = make_proposal(in_authority_a, officer, status="awaiting_decision")
    with pytest.raises(ValidationError) as refused:
        decision_record(
            proposal=proposal, actor=officer, outcome="approved_with_conditions", rationale="OK"
        )
    assert "conditions" in refused.value.message_dict
    proposal.refresh_from_db()
    assert proposal.status == "awaiting_decision"


def test_publishing_writes_one_register_entry_and_unpublishing_removes_it(in_authority_a, officer):
    decision = make_decision(in_authority_a, officer)
    decision = decision_publish(authority=in_authority_a, decision=decision, actor=officer)
    assert decision.published and decision.published_at
    assert (
        RegisterEntry.objects.filter(authority=in_authority_a, decision_id=decision.pk).count() == 1
    )
    with pytest.raises(Conflict):
        decision_publish(authority=in_authority_a, decision=decision, actor=officer)
    decision = decision_unpublish(authority=in_authority_a, decision=decision, actor=officer)
    assert not decision.published
    assert not RegisterEntry.objects.filter(authority=in_authority_a).exists()
    with pytest.raises(Conflict):
        decision_unpublish(authority=in_authority_a, decision=decision, actor=officer)
