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
from backend.proposals.models import (
    Direction,
    Frequency,
    LegalGateway,
    Proposal,
    ProposalStatus,
)
from tenants.models import Authority

_references = itertools.count(1)


def make_proposal(*, status: str = ProposalStatus.IN_ASSESSMENT, **fields: Any) -> Proposal:
    """A complete proposal row. The proposal services live on another branch; until they
    land, this writes the row directly with every field a real proposal needs."""
    number = next(_references)
    values: dict[str, Any] = {
        "reference": f"DSP-2026-{number:04d}",
        "title": f"Proposal {number}",
        "summary": "Share school attendance with early help to offer support sooner.",
        "purpose": "Offer families help before problems escalate.",
        "service_areas": ["education", "social_care"],
        "legal_gateway": LegalGateway.PUBLIC_TASK,
        "direction": Direction.OUTBOUND,
        "frequency": Frequency.REGULAR,
        "status": status,
    }
    values.update(fields)
    return Proposal.objects.create(**values)


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
