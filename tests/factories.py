"""Small factories for tests. Call them inside the right schema (``authority_context``)."""

from __future__ import annotations

import itertools
from typing import Any

from backend.accounts.models import User
from backend.assessments.models import Assessment
from backend.assessments.services import (
    assessment_answers_save,
    assessment_start,
    assessment_submit,
)
from backend.methodology.models import MethodologyVersion, Question
from backend.proposals.models import Proposal, ProposalStatus
from tenants.models import Authority

_references = itertools.count(1)


def make_proposal(*, status: str = ProposalStatus.IN_ASSESSMENT, **fields: Any) -> Proposal:
    """A proposal of the current authority in ``status``, made through the proposal services
    by a fresh officer of that authority. Call inside ``authority_context``."""
    from django.db import connection

    from tenants.roles import Role
    from tenants.services import membership_grant
    from tests.proposals.factories import make_proposal as make_proposal_as

    authority: Authority = connection.tenant  # type: ignore[attr-defined]
    officer = User.objects.create_user(email=f"proposer{next(_references)}@example.test")
    membership_grant(user=officer, role=Role.OFFICER, authority=authority)
    return make_proposal_as(authority, officer, status=status, **fields)


def seed_version() -> MethodologyVersion:
    return MethodologyVersion.objects.get(label="1.0")


def full_answers(
    version: MethodologyVersion, value: int = 4, **overrides: Any
) -> list[dict[str, Any]]:
    """An answer with evidence for every question of a five-point version."""
    return [
        {
            "question": question.key,
            "value": overrides.get(question.key, value),
            "evidence": "Minutes of the information governance board, March.",
            "link": "https://example.test/evidence",
        }
        for question in Question.objects.filter(version=version)
    ]


def make_assessment(
    *,
    authority: Authority,
    assessor: User,
    proposal: Proposal | None = None,
    answered: bool = False,
    submitted: bool = False,
    value: int = 4,
) -> Assessment:
    assessment = assessment_start(
        proposal=proposal or make_proposal(), authority=authority, actor=assessor
    )
    if answered or submitted:
        assessment_answers_save(
            assessment=assessment,
            answers=full_answers(assessment.methodology_version, value),
            actor=assessor,
        )
    if submitted:
        assessment = assessment_submit(assessment=assessment, actor=assessor)
    return assessment
