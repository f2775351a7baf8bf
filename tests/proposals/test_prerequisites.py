"""The methodology cannot be skipped: finishing consultation and deciding need their evidence."""

from __future__ import annotations

import pytest

from backend.core.errors import Conflict, PrerequisitesMissing
from backend.decisions.models import Decision
from backend.decisions.services import decision_publish, decision_record
from backend.methodology.models import MethodologyVersion
from backend.methodology.services import (
    methodology_adopt,
    methodology_version_copy,
    methodology_version_publish,
)
from backend.proposals.models import Proposal, ProposalStatus
from backend.proposals.services import (
    proposal_finish_consultation,
    proposal_skip_consultation,
    proposal_start_consultation,
)
from backend.register.models import RegisterEntry
from tenants.context import authority_context
from tenants.roles import Role
from tests.consultations.factories import make_consultation
from tests.factories import make_assessment
from tests.proposals.factories import (
    hold_consultation,
    make_decision,
    make_proposal,
    sign_off,
)

SIGNED_OFF = "signed_off_assessment"
HELD = "closed_consultation_with_results"
HELD_OR_SKIPPED = "closed_consultation_with_results_or_skip_reason"


@pytest.fixture
def officer(authority_a, make_member):
    return make_member(authority_a, Role.OFFICER)


def _decide(proposal: Proposal, actor) -> Decision:
    return decision_record(proposal=proposal, actor=actor, outcome="approved", rationale="Sound.")


def _in_consultation_with_nothing_held(authority, actor) -> Proposal:
    proposal = make_proposal(authority, actor, status="in_assessment")
    return proposal_start_consultation(proposal=proposal, actor=actor)


def _awaiting_decision_unchecked(proposal: Proposal) -> Proposal:
    """A proposal moved to awaiting_decision before these rules existed (legacy data)."""
    Proposal.objects.filter(pk=proposal.pk).update(status=ProposalStatus.AWAITING_DECISION)
    proposal.refresh_from_db()
    return proposal


# Finishing consultation.


def test_finishing_consultation_with_no_consultation_held_is_refused(in_authority_a, officer):
    proposal = _in_consultation_with_nothing_held(in_authority_a, officer.user)
    with pytest.raises(PrerequisitesMissing) as refused:
        proposal_finish_consultation(proposal=proposal, actor=officer.user)
    assert refused.value.code == "consultation_not_held"
    assert refused.value.missing == [HELD]
    proposal.refresh_from_db()
    assert proposal.status == "in_consultation"
    assert not proposal.transitions.filter(to_status="awaiting_decision").exists()


def test_an_open_consultation_is_not_enough_to_finish(in_authority_a, officer):
    from backend.consultations.services import consultation_open

    proposal = make_proposal(in_authority_a, officer.user, status="in_assessment")
    consultation_open(consultation=make_consultation(proposal=proposal))
    proposal.refresh_from_db()
    assert proposal.status == "in_consultation"
    with pytest.raises(PrerequisitesMissing) as refused:
        proposal_finish_consultation(proposal=proposal, actor=officer.user)
    assert refused.value.missing == [HELD]


def test_a_cancelled_consultation_is_not_enough_to_finish(in_authority_a, officer):
    from backend.consultations.services import consultation_cancel

    proposal = _in_consultation_with_nothing_held(in_authority_a, officer.user)
    consultation_cancel(consultation=make_consultation(proposal=proposal), reason="Snow")
    with pytest.raises(PrerequisitesMissing):
        proposal_finish_consultation(proposal=proposal, actor=officer.user)


def test_a_closed_consultation_with_results_lets_consultation_finish(in_authority_a, officer):
    proposal = _in_consultation_with_nothing_held(in_authority_a, officer.user)
    proposal = hold_consultation(proposal, officer.user)
    finished = proposal_finish_consultation(proposal=proposal, actor=officer.user)
    assert finished.status == "awaiting_decision"


def test_finishing_without_results_is_a_409_listing_what_is_missing(authority_a, officer):
    with authority_context(authority_a):
        proposal = _in_consultation_with_nothing_held(authority_a, officer.user)
    response = officer.client(authority_a).post(
        f"/api/v1/proposals/{proposal.pk}/finish-consultation"
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "consultation_not_held"
    assert body["context"]["missing"] == [HELD]


# Recording a decision.


def test_deciding_without_a_signed_off_assessment_is_refused(in_authority_a, officer):
    proposal = make_proposal(in_authority_a, officer.user, status="in_assessment")
    proposal = proposal_skip_consultation(proposal=proposal, actor=officer.user, reason="Statute")
    with pytest.raises(PrerequisitesMissing) as refused:
        _decide(proposal, officer.user)
    assert refused.value.code == "decision_prerequisites_missing"
    assert refused.value.missing == [SIGNED_OFF]
    assert not Decision.objects.filter(proposal=proposal).exists()
    proposal.refresh_from_db()
    assert proposal.status == "awaiting_decision"


def test_a_submitted_but_unsigned_assessment_is_not_enough(in_authority_a, officer):
    proposal = make_proposal(in_authority_a, officer.user, status="in_assessment")
    make_assessment(
        authority=in_authority_a, assessor=officer.user, proposal=proposal, submitted=True
    )
    proposal = proposal_skip_consultation(proposal=proposal, actor=officer.user, reason="Statute")
    with pytest.raises(PrerequisitesMissing) as refused:
        _decide(proposal, officer.user)
    assert refused.value.missing == [SIGNED_OFF]


def test_an_assessment_under_a_version_the_authority_left_is_not_enough(in_authority_a, officer):
    proposal = make_proposal(in_authority_a, officer.user, status="in_assessment")
    proposal = sign_off(in_authority_a, officer.user, proposal)
    old = MethodologyVersion.objects.get(label="1.0")
    newer = methodology_version_copy(source=old, label="1.1-prereq", actor=None)
    newer = methodology_version_publish(version=newer)
    methodology_adopt(authority=in_authority_a, version=newer, actor=officer.user)
    proposal = proposal_skip_consultation(proposal=proposal, actor=officer.user, reason="Statute")
    with pytest.raises(PrerequisitesMissing) as refused:
        _decide(proposal, officer.user)
    assert refused.value.missing == [SIGNED_OFF]
    assert refused.value.context["methodology_version"] == "1.1-prereq"


def test_deciding_legacy_data_lists_every_missing_prerequisite(in_authority_a, officer):
    proposal = _in_consultation_with_nothing_held(in_authority_a, officer.user)
    proposal = _awaiting_decision_unchecked(proposal)
    with pytest.raises(PrerequisitesMissing) as refused:
        _decide(proposal, officer.user)
    assert refused.value.missing == [SIGNED_OFF, HELD_OR_SKIPPED]


def test_a_signed_off_assessment_without_consultation_or_skip_is_refused(in_authority_a, officer):
    proposal = make_proposal(in_authority_a, officer.user, status="in_assessment")
    proposal = sign_off(in_authority_a, officer.user, proposal)
    proposal = proposal_start_consultation(proposal=proposal, actor=officer.user)
    proposal = _awaiting_decision_unchecked(proposal)
    with pytest.raises(PrerequisitesMissing) as refused:
        _decide(proposal, officer.user)
    assert refused.value.missing == [HELD_OR_SKIPPED]


def test_a_signed_off_assessment_and_a_recorded_skip_reason_allow_a_decision(
    in_authority_a, officer
):
    decision = make_decision(in_authority_a, officer.user, skip_reason="Court order")
    assert decision.proposal.skip_consultation_reason == "Court order"
    assert not decision.proposal.consultations.exists()


def test_a_signed_off_assessment_and_a_consultation_held_allow_a_decision(in_authority_a, officer):
    decision = make_decision(in_authority_a, officer.user)
    assert decision.proposal.consultations.filter(result__isnull=False).count() == 1


def test_deciding_without_prerequisites_is_a_409_listing_them(authority_a, officer):
    with authority_context(authority_a):
        proposal = make_proposal(authority_a, officer.user, status="in_assessment")
        proposal_skip_consultation(proposal=proposal, actor=officer.user, reason="Statute")
    response = officer.client(authority_a).post(
        f"/api/v1/proposals/{proposal.pk}/decision",
        {"outcome": "approved", "rationale": "Sound."},
        format="json",
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "decision_prerequisites_missing"
    assert body["context"] == {"missing": [SIGNED_OFF], "methodology_version": "1.0"}


def test_an_illegal_move_is_reported_before_missing_prerequisites(authority_a, officer):
    with authority_context(authority_a):
        proposal = make_proposal(authority_a, officer.user, status="in_assessment")
    response = officer.client(authority_a).post(
        f"/api/v1/proposals/{proposal.pk}/decision",
        {"outcome": "approved", "rationale": "Sound."},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "illegal_transition"


# The register.


def test_every_register_entry_carries_verdicts(authority_a, officer, anonymous):
    with authority_context(authority_a):
        make_decision(authority_a, officer.user, published=True)
        make_decision(authority_a, officer.user, published=True, skip_reason="Statute")
    entries = anonymous(None).get("/api/v1/public/register").json()["results"]
    assert len(entries) == 2
    for entry in entries:
        assert entry["verdicts"]["methodology_version"] == "1.0"
        assert set(entry["verdicts"]["tests"]) == {"purposeful", "proportionate", "responsible"}


def test_a_legacy_decision_without_verdicts_cannot_be_published(in_authority_a, officer):
    proposal = make_proposal(in_authority_a, officer.user, status="in_assessment")
    proposal = proposal_skip_consultation(proposal=proposal, actor=officer.user, reason="Statute")
    # Recorded before the rule: no assessment at all.
    legacy = Decision.objects.create(
        proposal=proposal,
        outcome="approved",
        rationale="Old.",
        decided_by=officer.user,
        decided_at=proposal.updated_at,
    )
    with pytest.raises(Conflict) as refused:
        decision_publish(authority=in_authority_a, decision=legacy, actor=officer.user)
    assert refused.value.code == "verdicts_missing"
    assert not RegisterEntry.objects.filter(authority=in_authority_a).exists()
    legacy.refresh_from_db()
    assert not legacy.published
