"""Assessment verdicts flow into the public register and the CSV export."""

from __future__ import annotations

import csv
import io

from backend.assessments.services import assessment_sign_off
from backend.decisions.services import decision_publish, decision_record
from backend.proposals.services import proposal_skip_consultation
from tenants.context import authority_context
from tenants.roles import Role
from tests.factories import make_assessment, make_proposal


def _signed_off_and_published(authority, assessor, reviewer):
    proposal = make_proposal()
    assessment = make_assessment(
        authority=authority, assessor=assessor, proposal=proposal, submitted=True, value=5
    )
    assessment_sign_off(assessment=assessment, actor=reviewer)
    proposal = proposal_skip_consultation(proposal=proposal, actor=reviewer, reason="Urgent.")
    decision = decision_record(
        proposal=proposal, actor=reviewer, outcome="approved", rationale="Clear benefits."
    )
    decision_publish(authority=authority, decision=decision, actor=reviewer)
    return proposal


def test_register_publishes_the_signed_off_verdicts(authority_a, make_member, anonymous):
    assessor = make_member(authority_a, Role.OFFICER).user
    reviewer = make_member(authority_a, Role.ADMIN).user
    with authority_context(authority_a):
        proposal = _signed_off_and_published(authority_a, assessor, reviewer)
    entries = anonymous(authority_a).get("/api/v1/public/register").json()["results"]
    entry = next(e for e in entries if e["reference"] == proposal.reference)
    detail = anonymous(authority_a).get(f"/api/v1/public/register/{entry['id']}").json()
    verdicts = detail["verdicts"]
    assert verdicts["overall"] == "met"
    assert set(verdicts["tests"]) == {"purposeful", "proportionate", "responsible"}
    assert verdicts["methodology_version"] == "1.0"
    assert set(verdicts) == {"methodology_version", "signed_off_on", "overall", "tests", "features"}


def test_csv_export_carries_the_verdicts(authority_a, make_member):
    assessor = make_member(authority_a, Role.OFFICER).user
    reviewer = make_member(authority_a, Role.ADMIN)
    with authority_context(authority_a):
        proposal = _signed_off_and_published(authority_a, assessor, reviewer.user)
    response = reviewer.client(authority_a).get("/api/v1/proposals/export")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    row = next(r for r in rows if r["reference"] == proposal.reference)
    verdict_columns = [c for c in row if "purposeful" in c or "overall" in c]
    assert verdict_columns
    assert all(row[c] == "met" for c in verdict_columns)
