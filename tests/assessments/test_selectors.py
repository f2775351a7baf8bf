"""The register's and CSV's view of assessments: latest signed-off verdicts per proposal."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from backend.assessments.selectors import assessment_latest_verdicts
from backend.assessments.services import (
    assessment_answers_save,
    assessment_sign_off,
    assessment_start,
    assessment_submit,
)
from tenants.roles import Role
from tests.factories import full_answers, make_assessment, make_proposal, seed_version


def test_latest_signed_off_verdicts_per_proposal_in_one_query(in_authority_a, make_member):
    assessor = make_member(in_authority_a, Role.OFFICER).user
    reviewer = make_member(in_authority_a, Role.ADMIN).user
    first = make_assessment(authority=in_authority_a, assessor=assessor, submitted=True, value=2)
    assessment_sign_off(assessment=first, actor=reviewer)
    second = assessment_start(proposal=first.proposal, authority=in_authority_a, actor=assessor)
    assessment_answers_save(
        assessment=second, answers=full_answers(seed_version(), 5), actor=assessor
    )
    assessment_sign_off(
        assessment=assessment_submit(assessment=second, actor=assessor), actor=reviewer
    )
    # A third, still open, must not count.
    assessment_start(proposal=first.proposal, authority=in_authority_a, actor=assessor)
    only_submitted = make_assessment(authority=in_authority_a, assessor=assessor, submitted=True)
    never_assessed = make_proposal()

    ids = [first.proposal_id, only_submitted.proposal_id, never_assessed.pk]
    with CaptureQueriesContext(connection) as queries:
        latest = assessment_latest_verdicts(proposal_ids=ids)
    # django-tenants may first re-issue SET search_path; that is not a query of ours.
    assert len([q for q in queries.captured_queries if not q["sql"].startswith("SET ")]) == 1

    assert set(latest) == {first.proposal_id}
    row = latest[first.proposal_id]
    assert row["assessment"] == second.pk
    assert row["overall"] == "met"
    assert set(row["tests"]) == {"purposeful", "proportionate", "responsible"}
    assert len(row["features"]) == 5


def test_no_proposals_no_verdicts(in_authority_a):
    assert assessment_latest_verdicts(proposal_ids=[]) == {}
