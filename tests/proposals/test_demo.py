"""The demo proposals: every lifecycle state, one published decision, safe to load twice."""

from __future__ import annotations

from backend.proposals.demo import DEMO_PROPOSALS, seed_demo_proposals
from backend.proposals.models import Proposal
from backend.register.models import RegisterEntry
from tenants.context import authority_context
from tenants.roles import Role


def test_demo_proposals_load_once_and_fill_the_register(authority_a, make_member):
    officer = make_member(authority_a, Role.OFFICER).user
    assert seed_demo_proposals(authority=authority_a, actor=officer) == len(DEMO_PROPOSALS)
    assert seed_demo_proposals(authority=authority_a, actor=officer) == 0
    with authority_context(authority_a):
        states = set(Proposal.objects.values_list("status", flat=True))
    assert states == {
        "draft",
        "in_assessment",
        "in_consultation",
        "awaiting_decision",
        "decided",
        "withdrawn",
    }
    assert RegisterEntry.objects.filter(authority=authority_a).count() == 1
