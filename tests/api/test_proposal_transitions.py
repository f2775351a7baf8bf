"""Every lifecycle endpoint from every state: the new state, or 409 listing the allowed ones."""

from __future__ import annotations

import pytest

from backend.proposals.models import ProposalStatus, ProposalTransition
from backend.proposals.transitions import OPEN_STATES, PROPOSAL_TRANSITIONS
from tenants.context import authority_context
from tenants.roles import Role
from tests.proposals.factories import make_proposal

S = ProposalStatus
ACTIONS = {
    "submit": ({S.DRAFT: S.IN_ASSESSMENT}, {}),
    "start-consultation": ({S.IN_ASSESSMENT: S.IN_CONSULTATION}, {}),
    "skip-consultation": ({S.IN_ASSESSMENT: S.AWAITING_DECISION}, {"reason": "Urgent"}),
    "finish-consultation": ({S.IN_CONSULTATION: S.AWAITING_DECISION}, {}),
    "withdraw": ({state: S.WITHDRAWN for state in OPEN_STATES}, {}),
    "decision": ({S.AWAITING_DECISION: S.DECIDED}, {"outcome": "rejected", "rationale": "No"}),
}
CASES = [(action, state) for action in ACTIONS for state in S.values]


@pytest.mark.parametrize(("action", "state"), CASES, ids=[f"{a}-from-{s}" for a, s in CASES])
def test_each_move_from_each_state(action, state, authority_a, make_member):
    officer = make_member(authority_a, Role.OFFICER)
    with authority_context(authority_a):
        proposal = make_proposal(authority_a, officer.user, status=state)
        moves_before = ProposalTransition.objects.filter(proposal=proposal).count()
    legal, body = ACTIONS[action]
    client = officer.client(authority_a)
    response = client.post(f"/api/v1/proposals/{proposal.pk}/{action}", body, format="json")
    after = client.get(f"/api/v1/proposals/{proposal.pk}").json()
    with authority_context(authority_a):
        moves_after = ProposalTransition.objects.filter(proposal=proposal).count()
    if state in legal:
        assert response.status_code in {200, 201}, response.json()
        assert after["status"] == legal[state]
        assert moves_after == moves_before + 1
    else:
        assert response.status_code == 409
        assert response.json()["context"]["allowed"] == PROPOSAL_TRANSITIONS.allowed_from(state)
        assert after["status"] == state
        assert moves_after == moves_before


@pytest.mark.parametrize("role", [Role.FACILITATOR, Role.VIEWER])
@pytest.mark.parametrize("action", list(ACTIONS))
def test_only_caseworkers_move_proposals(role, action, authority_a, make_member):
    officer = make_member(authority_a, Role.OFFICER)
    with authority_context(authority_a):
        proposal = make_proposal(authority_a, officer.user, status=S.IN_ASSESSMENT)
    member = make_member(authority_a, role)
    response = member.client(authority_a).post(
        f"/api/v1/proposals/{proposal.pk}/{action}", ACTIONS[action][1], format="json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "role_not_allowed"
