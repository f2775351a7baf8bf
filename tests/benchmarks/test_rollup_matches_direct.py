"""Rollup figures equal the same figures computed directly from an authority's own rows."""

from __future__ import annotations

import statistics

import pytest
from django.db.models import Avg

from backend.benchmarks.figures import FIGURES
from backend.benchmarks.models import Rollup
from backend.benchmarks.services import benchmark_rollup_refresh
from backend.consultations.models import Participant, ParticipantSource, Response
from backend.consultations.services import (
    consultation_close,
    consultation_open,
    response_submit_open_link,
)
from backend.decisions.models import Decision
from backend.decisions.services import decision_record
from backend.proposals.models import Proposal, ProposalStatus
from backend.proposals.services import proposal_finish_consultation
from tenants.context import authority_context
from tenants.roles import Role
from tests.consultations.factories import ANSWERS, make_consultation, make_participant, respond
from tests.proposals.factories import make_proposal, sign_off


def _no_decisions(authority, officer):
    make_proposal(authority, officer)
    make_proposal(authority, officer, status=ProposalStatus.IN_ASSESSMENT)


def _consulted(authority, officer, *, invited, responding, outcome, open_link=0):
    proposal = make_proposal(authority, officer, status=ProposalStatus.IN_ASSESSMENT)
    proposal = sign_off(authority, officer, proposal)
    consultation = make_consultation(proposal=proposal, open_link_enabled=bool(open_link))
    people = [make_participant(consultation) for _ in range(invited)]
    consultation_open(consultation=consultation)
    for index, person in enumerate(people[:responding]):
        respond(person, acceptability=1 + index % 5)
    for _ in range(open_link):
        response_submit_open_link(
            consultation=consultation, answers={**ANSWERS, "acceptability": 1}, demographics={}
        )
    consultation_close(consultation=consultation)
    proposal.refresh_from_db()
    proposal = proposal_finish_consultation(proposal=proposal, actor=officer)
    conditions = "Annual review." if outcome == "approved_with_conditions" else ""
    decision_record(
        proposal=proposal,
        actor=officer,
        outcome=outcome,
        rationale="Weighed up.",
        conditions=conditions,
    )


def _one_response(authority, officer):
    """One response from two people invited: every response- or participant-based figure
    falls under the threshold, so all of them are suppressed for anyone else."""
    _consulted(authority, officer, invited=2, responding=1, outcome="approved")


def _mixed(authority, officer):
    make_proposal(authority, officer, status=ProposalStatus.DECIDED)
    make_proposal(authority, officer, status=ProposalStatus.WITHDRAWN)
    _consulted(authority, officer, invited=8, responding=6, outcome="approved_with_conditions")
    _consulted(authority, officer, invited=3, responding=3, outcome="rejected")


def _open_link(authority, officer):
    """Self-selected respondents through an open link: respondents, never invited."""
    _consulted(authority, officer, invited=9, responding=6, outcome="approved", open_link=4)
    _consulted(authority, officer, invited=0, responding=0, outcome="rejected", open_link=8)


def _direct(authority) -> dict:
    """The figures from plain queries, independently of backend.benchmarks."""
    decisions = list(Decision.objects.select_related("proposal"))
    withdrawn = Proposal.objects.filter(status=ProposalStatus.WITHDRAWN).count()
    closed = len(decisions) + withdrawn
    days = [(d.decided_at - d.proposal.submitted_at).total_seconds() / 86_400 for d in decisions]
    invited = Participant.objects.exclude(source=ParticipantSource.OPEN_LINK).count()
    responses = Response.objects.count()
    invited_responses = Response.objects.exclude(
        participant__source=ParticipantSource.OPEN_LINK
    ).count()
    return {
        "proposals_logged": Proposal.objects.count(),
        "proposals_decided": len(decisions),
        "outcome_rejected": (
            round(sum(d.outcome == "rejected" for d in decisions) / closed, 4) if closed else None
        ),
        "outcome_withdrawn": round(withdrawn / closed, 4) if closed else None,
        "days_to_decision_median": round(statistics.median(days), 1) if days else None,
        "people_invited": invited,
        "people_responding": responses,
        "response_rate": round(invited_responses / invited, 4) if invited else None,
        "mean_acceptability": (
            round(Response.objects.aggregate(v=Avg("acceptability"))["v"], 4) if responses else None
        ),
    }


@pytest.mark.parametrize("scenario", [_no_decisions, _one_response, _mixed, _open_link])
def test_rollup_equals_direct_computation(scenario, authority_a, make_member):
    officer = make_member(authority_a, Role.OFFICER).user
    with authority_context(authority_a):
        scenario(authority_a, officer)
        expected = _direct(authority_a)
    benchmark_rollup_refresh(authority=authority_a)
    stored = Rollup.objects.get(authority=authority_a, period_key="all", segment="all").figures
    assert {key: stored[key] for key in expected} == expected


@pytest.mark.parametrize(
    ("scenario", "suppressed_for_others"),
    [(_no_decisions, False), (_one_response, True), (_mixed, False)],
)
def test_small_samples_are_suppressed_for_others_but_not_for_the_authority(
    scenario, suppressed_for_others, authority_a, make_member
):
    officer = make_member(authority_a, Role.OFFICER)
    observer = make_member(None, Role.OBSERVER)
    with authority_context(authority_a):
        scenario(authority_a, officer.user)
    benchmark_rollup_refresh(authority=authority_a)
    rows = observer.client(None).get("/api/v1/benchmarks/authorities").json()["results"]
    seen_by_observer = next(row for row in rows if row["slug"] == "alpha")
    own = officer.client(authority_a).get("/api/v1/benchmarks").json()
    own_figures = {row["figure"]: row for row in own["figures"]}
    has_responses = own_figures["people_responding"]["value"] > 0
    if suppressed_for_others:
        people = {"responses", "participants"}
        based = [key for key, figure in FIGURES.items() if people & {*figure.bases, figure.count}]
        present = [key for key in based if own_figures[key]["value"] is not None]
        assert present  # the authority itself sees them...
        for key in present:  # ...and everyone else sees every one of them withheld
            assert seen_by_observer["figures"][key] is None
            reason = seen_by_observer["suppressed"][key]["code"]
            assert reason in {"small_count", "derived_from_withheld"}
    elif has_responses:
        assert seen_by_observer["figures"]["mean_acceptability"] is not None
    else:
        assert "mean_acceptability" not in seen_by_observer["suppressed"]
