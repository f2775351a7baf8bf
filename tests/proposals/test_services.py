"""Proposal services: references, nested writes, the lifecycle table, and who moved it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError

from backend.core.errors import Conflict, InvalidInput, InvalidTransition
from backend.proposals.models import Proposal, ProposalStatus, ProposalTransition
from backend.proposals.services import (
    proposal_create,
    proposal_finish_consultation,
    proposal_mark_decided,
    proposal_skip_consultation,
    proposal_start_consultation,
    proposal_submit,
    proposal_update,
    proposal_withdraw,
    reference_allocate,
)
from tenants.roles import Role
from tests.proposals.factories import CHILDREN, make_proposal, proposal_fields

S = ProposalStatus


@pytest.fixture
def officer(authority_a, make_member):
    return make_member(authority_a, Role.OFFICER).user


def _move(name, proposal, actor):
    services = {
        "submit": lambda: proposal_submit(proposal=proposal, actor=actor),
        "start_consultation": lambda: proposal_start_consultation(proposal=proposal, actor=actor),
        "skip_consultation": lambda: proposal_skip_consultation(
            proposal=proposal, actor=actor, reason="Urgent safeguarding need"
        ),
        "finish_consultation": lambda: proposal_finish_consultation(proposal=proposal, actor=actor),
        "withdraw": lambda: proposal_withdraw(proposal=proposal, actor=actor),
        "decide": lambda: proposal_mark_decided(proposal=proposal, actor=actor),
    }
    return services[name]()


# (service, from state, the state it leads to or None when illegal)
TABLE = [
    ("submit", S.DRAFT, S.IN_ASSESSMENT),
    ("submit", S.IN_ASSESSMENT, None),
    ("submit", S.IN_CONSULTATION, None),
    ("submit", S.AWAITING_DECISION, None),
    ("submit", S.DECIDED, None),
    ("submit", S.WITHDRAWN, None),
    ("start_consultation", S.DRAFT, None),
    ("start_consultation", S.IN_ASSESSMENT, S.IN_CONSULTATION),
    ("start_consultation", S.IN_CONSULTATION, None),
    ("start_consultation", S.AWAITING_DECISION, None),
    ("start_consultation", S.DECIDED, None),
    ("start_consultation", S.WITHDRAWN, None),
    ("skip_consultation", S.DRAFT, None),
    ("skip_consultation", S.IN_ASSESSMENT, S.AWAITING_DECISION),
    ("skip_consultation", S.IN_CONSULTATION, None),
    ("skip_consultation", S.AWAITING_DECISION, None),
    ("skip_consultation", S.DECIDED, None),
    ("skip_consultation", S.WITHDRAWN, None),
    ("finish_consultation", S.DRAFT, None),
    ("finish_consultation", S.IN_ASSESSMENT, None),
    ("finish_consultation", S.IN_CONSULTATION, S.AWAITING_DECISION),
    ("finish_consultation", S.AWAITING_DECISION, None),
    ("finish_consultation", S.DECIDED, None),
    ("finish_consultation", S.WITHDRAWN, None),
    ("withdraw", S.DRAFT, S.WITHDRAWN),
    ("withdraw", S.IN_ASSESSMENT, S.WITHDRAWN),
    ("withdraw", S.IN_CONSULTATION, S.WITHDRAWN),
    ("withdraw", S.AWAITING_DECISION, S.WITHDRAWN),
    ("withdraw", S.DECIDED, None),
    ("withdraw", S.WITHDRAWN, None),
    ("decide", S.DRAFT, None),
    ("decide", S.IN_ASSESSMENT, None),
    ("decide", S.IN_CONSULTATION, None),
    ("decide", S.AWAITING_DECISION, S.DECIDED),
    ("decide", S.DECIDED, None),
    ("decide", S.WITHDRAWN, None),
]


@pytest.mark.parametrize(("service", "start", "expected"), TABLE)
def test_every_transition_is_allowed_or_refused_by_the_table(
    service, start, expected, in_authority_a, officer
):
    proposal = make_proposal(in_authority_a, officer, status=start)
    logged = ProposalTransition.objects.filter(proposal=proposal).count()
    if expected is None:
        with pytest.raises(InvalidTransition) as refused:
            _move(service, proposal, officer)
        proposal.refresh_from_db()
        assert proposal.status == start
        assert ProposalTransition.objects.filter(proposal=proposal).count() == logged
        assert refused.value.current == start
        from backend.proposals.transitions import PROPOSAL_TRANSITIONS

        assert refused.value.allowed == PROPOSAL_TRANSITIONS.allowed_from(start)
    else:
        moved = _move(service, proposal, officer)
        assert moved.status == expected
        last = ProposalTransition.objects.filter(proposal=proposal).last()
        assert (last.from_status, last.to_status, last.by_id) == (start, expected, officer.pk)


def test_transitions_stamp_submitted_decided_and_withdrawn(in_authority_a, officer):
    decided = make_proposal(in_authority_a, officer, status=S.DECIDED)
    assert decided.submitted_at is not None
    assert decided.decided_at >= decided.submitted_at
    withdrawn = make_proposal(in_authority_a, officer, status=S.WITHDRAWN)
    assert withdrawn.withdrawn_at is not None
    assert withdrawn.decided_at is None


def test_skipping_consultation_needs_a_reason(in_authority_a, officer):
    proposal = make_proposal(in_authority_a, officer, status=S.IN_ASSESSMENT)
    with pytest.raises(ValidationError) as refused:
        proposal_skip_consultation(proposal=proposal, actor=officer, reason="  ")
    assert "reason" in refused.value.message_dict
    proposal.refresh_from_db()
    assert proposal.status == S.IN_ASSESSMENT


def test_skipping_consultation_records_the_reason(in_authority_a, officer):
    proposal = make_proposal(in_authority_a, officer, status=S.IN_ASSESSMENT)
    moved = proposal_skip_consultation(proposal=proposal, actor=officer, reason="Statutory duty")
    assert moved.skip_consultation_reason == "Statutory duty"
    assert ProposalTransition.objects.filter(proposal=proposal).last().reason == "Statutory duty"


def test_references_count_up_within_the_year(in_authority_a, officer):
    first = make_proposal(in_authority_a, officer)
    second = make_proposal(in_authority_a, officer)
    year, number = first.reference.split("-")[1:]
    assert second.reference == f"DSP-{year}-{int(number) + 1:04d}"


def test_reference_year_follows_london_time(in_authority_a):
    # 23:30 UTC on 31 Dec is still 2026 in London (GMT); 23:30 UTC on 30 June 2027 is 1 July.
    assert reference_allocate(now=datetime(2026, 12, 31, 23, 30, tzinfo=UTC)).startswith(
        "DSP-2026-"
    )
    assert reference_allocate(now=datetime(2027, 12, 31, 23, 59, tzinfo=UTC)).startswith(
        "DSP-2027-"
    )
    assert reference_allocate(now=datetime(2028, 6, 30, 23, 30, tzinfo=UTC)).startswith(
        "DSP-2028-0001"
    )


def test_create_writes_the_children(in_authority_a, officer):
    proposal = make_proposal(in_authority_a, officer)
    assert [c.name for c in proposal.data_categories.all()] == ["Address", "Health condition"]
    assert proposal.partners.count() == 1
    assert proposal.risks.count() == 1
    assert proposal.owner_id == officer.pk


def test_a_bad_child_row_leaves_nothing_behind(in_authority_a, officer):
    before = Proposal.objects.count()
    bad = [{"name": "Acme", "organisation_type": "nhs", "role": "recipient", "colour": "red"}]
    with pytest.raises(TypeError):
        proposal_create(
            authority=in_authority_a,
            actor=officer,
            fields=proposal_fields(),
            data_categories=CHILDREN["data_categories"],
            partners=bad,
        )
    assert Proposal.objects.count() == before


def test_the_owner_must_be_a_member(in_authority_a, officer, make_member, authority_b):
    outsider = make_member(authority_b, Role.OFFICER).user
    with pytest.raises(InvalidInput) as refused:
        proposal_create(
            authority=in_authority_a, actor=officer, fields=proposal_fields(owner_id=outsider.pk)
        )
    assert refused.value.code == "owner_not_member"
    assert "owner" in refused.value.fields


@pytest.mark.parametrize("role", [Role.VIEWER, Role.FACILITATOR])
def test_a_member_who_cannot_act_on_proposals_cannot_own_one(
    role, in_authority_a, officer, make_member
):
    member = make_member(in_authority_a, role).user
    with pytest.raises(InvalidInput) as refused:
        proposal_create(
            authority=in_authority_a, actor=officer, fields=proposal_fields(owner_id=member.pk)
        )
    assert refused.value.code == "owner_cannot_act"
    assert not Proposal.objects.exists()
    proposal = make_proposal(in_authority_a, officer)
    with pytest.raises(InvalidInput) as refused:
        proposal_update(
            authority=in_authority_a,
            proposal=proposal,
            actor=officer,
            fields={"owner_id": member.pk},
        )
    assert refused.value.code == "owner_cannot_act"
    proposal.refresh_from_db()
    assert proposal.owner_id == officer.pk


@pytest.mark.parametrize("role", [Role.ADMIN, Role.OFFICER])
def test_an_admin_or_officer_can_be_made_owner(role, in_authority_a, officer, make_member):
    member = make_member(in_authority_a, role).user
    proposal = make_proposal(in_authority_a, officer)
    updated = proposal_update(
        authority=in_authority_a, proposal=proposal, actor=officer, fields={"owner_id": member.pk}
    )
    assert updated.owner_id == member.pk


def test_update_replaces_only_the_lists_it_is_given(in_authority_a, officer):
    proposal = make_proposal(in_authority_a, officer)
    proposal_update(
        authority=in_authority_a,
        proposal=proposal,
        actor=officer,
        fields={"title": "Renamed"},
        risks=[{"description": "Re-identification", "mitigation": "Aggregate"}],
    )
    proposal.refresh_from_db()
    assert proposal.title == "Renamed"
    assert [r.description for r in proposal.risks.all()] == ["Re-identification"]
    assert proposal.data_categories.count() == 2


@pytest.mark.parametrize("closed", [S.DECIDED, S.WITHDRAWN])
def test_closed_proposals_cannot_be_edited(closed, in_authority_a, officer):
    proposal = make_proposal(in_authority_a, officer, status=closed)
    with pytest.raises(Conflict):
        proposal_update(
            authority=in_authority_a, proposal=proposal, actor=officer, fields={"title": "X"}
        )
