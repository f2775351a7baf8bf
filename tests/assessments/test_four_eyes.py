"""Four eyes for real: nobody who started, answered, edited or submitted an assessment
may sign it off or return it."""

from __future__ import annotations

import importlib

import pytest

from backend.assessments.models import AssessmentContributor, AssessmentStatus
from backend.assessments.services import (
    assessment_answers_save,
    assessment_return,
    assessment_sign_off,
    assessment_start,
    assessment_submit,
)
from backend.core.errors import Conflict
from tenants.context import authority_context
from tenants.roles import Role
from tests.factories import full_answers, make_proposal

REVIEWS = {
    "sign_off": lambda assessment, actor: assessment_sign_off(assessment=assessment, actor=actor),
    "return": lambda assessment, actor: assessment_return(
        assessment=assessment, actor=actor, comment="Look again at Q3."
    ),
}


@pytest.fixture
def assessor(make_member, authority_a):
    return make_member(authority_a, Role.OFFICER).user


@pytest.fixture
def admin(make_member, authority_a):
    """An admin who will help with the assessment in one way or another."""
    return make_member(authority_a, Role.ADMIN).user


@pytest.fixture
def outsider(make_member, authority_a):
    """An officer who takes no part in the assessment."""
    return make_member(authority_a, Role.OFFICER).user


def _one_answer(assessment, key_index=0, value=2):
    answer = full_answers(assessment.methodology_version, value)[key_index]
    return [answer]


def _assessment_with(contribution, *, authority, assessor, admin):
    """A submitted assessment to which ``admin`` contributed in the given way."""
    proposal = make_proposal()
    starter = admin if contribution == "started" else assessor
    assessment = assessment_start(proposal=proposal, authority=authority, actor=starter)
    answers = full_answers(assessment.methodology_version, 4)
    assessment_answers_save(assessment=assessment, answers=answers, actor=starter)
    if contribution == "answered":
        # The admin answers one question the assessor left for them.
        assessment_answers_save(assessment=assessment, answers=answers[:1], actor=admin)
        assessment_answers_save(assessment=assessment, answers=answers[:1], actor=assessor)
    elif contribution == "edited":
        # The admin only changes the evidence of an answer someone else gave.
        assessment_answers_save(
            assessment=assessment,
            answers=[{"question": answers[1]["question"], "evidence": "Better evidence."}],
            actor=admin,
        )
    submitter = admin if contribution == "submitted" else starter
    return assessment_submit(assessment=assessment, actor=submitter)


@pytest.mark.parametrize("review", sorted(REVIEWS))
@pytest.mark.parametrize(
    ("contribution", "recorded"),
    [
        ("started", ["answered", "started", "submitted"]),
        ("answered", ["answered"]),
        ("edited", ["answered"]),
        ("submitted", ["submitted"]),
    ],
)
def test_every_kind_of_contributor_is_refused_review(
    contribution, recorded, review, in_authority_a, assessor, admin
):
    assessment = _assessment_with(
        contribution, authority=in_authority_a, assessor=assessor, admin=admin
    )
    with pytest.raises(Conflict) as refused:
        REVIEWS[review](assessment, admin)
    assert refused.value.code == "reviewer_contributed"
    assert refused.value.context == {"contributions": recorded}
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.SUBMITTED
    assert assessment.reviewer_id is None and assessment.returned_by_id is None


@pytest.mark.parametrize("review", sorted(REVIEWS))
def test_someone_who_took_no_part_may_review(review, in_authority_a, assessor, admin, outsider):
    assessment = _assessment_with(
        "answered", authority=in_authority_a, assessor=assessor, admin=admin
    )
    reviewed = REVIEWS[review](assessment, outsider)
    assert reviewed.status in {AssessmentStatus.SIGNED_OFF, AssessmentStatus.DRAFT}


def test_a_reviewer_who_edits_after_returning_it_can_no_longer_sign_it_off(
    in_authority_a, assessor, outsider, admin
):
    assessment = _assessment_with(
        "answered", authority=in_authority_a, assessor=assessor, admin=admin
    )
    assessment = assessment_return(assessment=assessment, actor=outsider, comment="Fix Q1.")
    assessment_answers_save(
        assessment=assessment, answers=_one_answer(assessment, value=3), actor=outsider
    )
    assessment = assessment_submit(assessment=assessment, actor=assessor)
    with pytest.raises(Conflict) as refused:
        assessment_sign_off(assessment=assessment, actor=outsider)
    assert refused.value.context == {"contributions": ["answered"]}


def test_contributions_are_recorded_once_per_person_and_kind(in_authority_a, assessor):
    assessment = assessment_start(
        proposal=make_proposal(), authority=in_authority_a, actor=assessor
    )
    for value in (2, 3, 4):
        assessment_answers_save(
            assessment=assessment,
            answers=full_answers(assessment.methodology_version, value),
            actor=assessor,
        )
    rows = AssessmentContributor.objects.filter(assessment=assessment)
    assert sorted(rows.values_list("user_id", "contribution")) == [
        (assessor.pk, "answered"),
        (assessor.pk, "started"),
    ]


def test_a_contributor_is_refused_sign_off_through_the_api(authority_a, make_member, assessor):
    admin = make_member(authority_a, Role.ADMIN)
    with authority_context(authority_a):
        assessment = _assessment_with(
            "submitted", authority=authority_a, assessor=assessor, admin=admin.user
        )
    client = admin.client(authority_a)
    for path, body in (("sign-off", {}), ("return", {"comment": "Redo it."})):
        response = client.post(f"/api/v1/assessments/{assessment.pk}/{path}", body, format="json")
        assert response.status_code == 409
        assert response.json()["code"] == "reviewer_contributed"
        assert response.json()["context"] == {"contributions": ["submitted"]}
    detail = client.get(f"/api/v1/assessments/{assessment.pk}").json()
    assert sorted((c["user"], c["contribution"]) for c in detail["contributors"]) == [
        (assessor.pk, "answered"),
        (assessor.pk, "started"),
        (admin.user.pk, "submitted"),
    ]


def test_the_migration_backfills_contributors_from_the_audit_history(
    in_authority_a, assessor, admin
):
    """Assessments made before contributors were recorded get them from pghistory: the
    admin answered one question (then the assessor overwrote it), the admin submitted."""
    from django.db import connection

    migration = importlib.import_module(
        "backend.assessments.migrations.0003_assessment_contributors"
    ).Migration
    assessment = _assessment_with(
        "answered", authority=in_authority_a, assessor=assessor, admin=admin
    )
    recorded = set(
        AssessmentContributor.objects.filter(assessment=assessment).values_list(
            "user_id", "contribution"
        )
    )
    AssessmentContributor.objects.all().delete()
    with connection.cursor() as cursor:
        for operation in migration.operations:
            for statement in getattr(operation, "sql", []):
                cursor.execute(statement)
    backfilled = set(
        AssessmentContributor.objects.filter(assessment=assessment).values_list(
            "user_id", "contribution"
        )
    )
    assert backfilled == recorded
    assert (admin.pk, "answered") in backfilled
