"""Take a proposal through the methodology by the real services, for seeds and tests.

The demo seed and the test factories need proposals that are decided, or
ready to be, the way a real authority gets there: a signed-off assessment
(started, answered and submitted by one officer, signed off by another) and a
consultation that opened, heard from people and closed with its results.
Nothing here writes a row itself; each step is a public service, so every
rule those services enforce applies here too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import Any

from django.utils import timezone

from backend.accounts.models import User
from backend.assessments.models import Assessment
from backend.assessments.services import (
    assessment_answers_save,
    assessment_sign_off,
    assessment_start,
    assessment_submit,
)
from backend.consultations.models import Consultation
from backend.consultations.services import (
    consultation_close,
    consultation_create,
    consultation_open,
    consultation_publish_results,
    participant_add,
    response_submit,
)
from backend.engagement.models import EngagementMethod
from backend.methodology.models import AnswerType, MethodologyVersion, Question
from backend.proposals.models import Proposal
from tenants.models import Authority

EVIDENCE = "Minutes of the information governance board."


def answers_for(version: MethodologyVersion, *, scale: int = 4) -> list[dict[str, Any]]:
    """An answer with evidence to every question of ``version``, by the question's type."""
    answers = []
    for question in Question.objects.filter(version=version):
        value: Any
        if question.answer_type == AnswerType.SCALE_5:
            value = scale
        elif question.answer_type == AnswerType.YES_NO:
            value = scale >= 3
        else:
            value = "Described in the data protection impact assessment."
        answers.append({"question": question.key, "value": value, "evidence": EVIDENCE})
    return answers


def assessment_walk(
    *,
    authority: Authority,
    proposal: Proposal,
    assessor: User,
    reviewer: User,
    scale: int = 4,
) -> Assessment:
    """Start, answer, submit (the assessor) and sign off (a second person) an assessment
    of a proposal in assessment, under the authority's adopted methodology version."""
    assessment = assessment_start(proposal=proposal, authority=authority, actor=assessor)
    assessment_answers_save(
        assessment=assessment,
        answers=answers_for(assessment.methodology_version, scale=scale),
        actor=assessor,
    )
    assessment_submit(assessment=assessment, actor=assessor)
    return assessment_sign_off(assessment=assessment, actor=reviewer)


def consultation_walk(
    *,
    proposal: Proposal,
    actor: User | None,
    method: str = "workshop",
    title: str = "Workshop on the proposal",
    invited: int = 0,
    answers: Iterable[Mapping[str, Any]] = (),
    publish_results: bool = False,
    **details: Any,
) -> Consultation:
    """Schedule a consultation, open it (which takes a proposal in assessment into
    consultation), invite ``invited`` people, record ``answers`` from the first of
    them, and close it, which computes its results; then publish them if asked."""
    now = timezone.now()
    consultation = consultation_create(
        proposal=proposal,
        method=EngagementMethod.objects.get(key=method),
        title=title,
        starts_at=now + timedelta(days=1),
        ends_at=now + timedelta(days=1, hours=3),
        created_by=actor,
        **details,
    )
    consultation = consultation_open(consultation=consultation)
    answers = list(answers)
    people = [
        participant_add(consultation=consultation, email=f"resident{number}@example.org")
        for number in range(max(invited, len(answers)))
    ]
    for person, answer in zip(people, answers, strict=False):
        response_submit(participant=person, answers=dict(answer))
    consultation = consultation_close(consultation=consultation)
    if publish_results:
        consultation = consultation_publish_results(consultation=consultation)
    return consultation
