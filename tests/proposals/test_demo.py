"""The demo proposals: every lifecycle state, one published decision, safe to load twice."""

from __future__ import annotations

from backend.proposals.demo import DEMO_PROPOSALS, seed_demo_proposals
from backend.proposals.models import Proposal
from backend.register.models import RegisterEntry
from tenants.context import authority_context
from tenants.roles import Role


def test_demo_proposals_load_once_and_fill_the_register(authority_a, make_member):
    officer = make_member(authority_a, Role.OFFICER).user
    admin = make_member(authority_a, Role.ADMIN).user
    seed = {"authority": authority_a, "actor": officer, "reviewer": admin}
    assert seed_demo_proposals(**seed) == len(DEMO_PROPOSALS)
    assert seed_demo_proposals(**seed) == 0
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
    entry = RegisterEntry.objects.get(authority=authority_a)
    # The published demo decision went through the whole methodology.
    assert entry.verdicts is not None and entry.verdicts["overall"]
    (held,) = entry.consultation_summary["consultations"]
    # 12 invited, 8 answered: the register shows them through disclosure control, so the
    # 4 who did not answer cannot be found as invited minus responded.
    assert (held["invited"], held["responded"], held["open_link_respondents"]) == (None, 10, 0)
    assert held["withheld"]["invited"]["code"] == "secondary"
