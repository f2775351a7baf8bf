"""Writes on assessments: start, save answers, submit, sign off, return.

Every write runs inside ``pghistory.context(user=...)`` so the audit trail
records who made each change (the history triggers read that context).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pghistory
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from backend.accounts.models import User
from backend.assessments.models import (
    OPEN_STATUSES,
    Answer,
    Assessment,
    AssessmentContributor,
    AssessmentStatus,
    Contribution,
)
from backend.assessments.transitions import ASSESSMENT_TRANSITIONS
from backend.core.errors import Conflict
from backend.core.events import EventName, announce
from backend.methodology import scoring
from backend.methodology.models import AnswerType, Criterion, Question
from backend.methodology.services import methodology_version_for
from backend.proposals.models import Proposal, ProposalStatus
from tenants.context import require_authority_schema
from tenants.models import Authority

MAX_TEXT_ANSWER = 5000


def _locked(assessment: Assessment) -> Assessment:
    return Assessment.objects.select_for_update().get(pk=assessment.pk)


def _record_contribution(*, assessment: Assessment, actor: User, contribution: str) -> None:
    """Remember that ``actor`` contributed; a repeat of the same kind is a no-op."""
    AssessmentContributor.objects.bulk_create(
        [
            AssessmentContributor(
                assessment=assessment,
                user=actor,
                contribution=contribution,
                first_at=timezone.now(),
            )
        ],
        ignore_conflicts=True,
    )


@transaction.atomic
def assessment_start(*, proposal: Proposal, authority: Authority, actor: User) -> Assessment:
    """A new draft assessment using the authority's pinned methodology version."""
    require_authority_schema()
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    reasons = []
    if proposal.status != ProposalStatus.IN_ASSESSMENT:
        reasons.append(f"proposal {proposal.reference} is '{proposal.status}', not 'in_assessment'")
    open_assessment = (
        Assessment.objects.filter(proposal=proposal, status__in=OPEN_STATUSES)
        .values_list("pk", flat=True)
        .first()
    )
    if open_assessment is not None:
        reasons.append(f"assessment {open_assessment} on this proposal is still open")
    if reasons:
        code = "assessment_already_open" if open_assessment else "proposal_not_in_assessment"
        raise Conflict(f"An assessment cannot start: {'; '.join(reasons)}.", code=code)
    version = methodology_version_for(authority=authority)
    with pghistory.context(user=actor.pk):
        assessment = Assessment.objects.create(
            proposal=proposal, methodology_version=version, assessor=actor
        )
    _record_contribution(assessment=assessment, actor=actor, contribution=Contribution.STARTED)
    return assessment


def _value_error(question: Question, value: Any) -> str | None:
    if value is None:
        return None
    if question.answer_type == AnswerType.SCALE_5:
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
            return "Expected a whole number from 1 to 5."
    elif question.answer_type == AnswerType.YES_NO:
        if not isinstance(value, bool):
            return "Expected true or false."
    elif not isinstance(value, str):
        return "Expected text."
    elif len(value) > MAX_TEXT_ANSWER:
        return f"At most {MAX_TEXT_ANSWER} characters."
    return None


def _require_draft(assessment: Assessment, action: str) -> None:
    if assessment.status != AssessmentStatus.DRAFT:
        raise Conflict(
            f"Assessment {assessment.pk} is {assessment.status}; answers can be {action} only "
            "while it is a draft.",
            code="assessment_not_draft",
        )


@transaction.atomic
def assessment_answers_save(
    *, assessment: Assessment, answers: Iterable[Mapping[str, Any]], actor: User
) -> Assessment:
    """Insert or update answers by question key. All or nothing: one bad answer writes none.

    Each answer is ``{"question", "value", "evidence"?, "link"?}``; a field left out
    keeps its saved value, ``value: null`` clears the answer.
    """
    assessment = _locked(assessment)
    _require_draft(assessment, "saved")
    questions = {
        q.key: q for q in Question.objects.filter(version=assessment.methodology_version_id)
    }
    items = list(answers)
    errors: dict[str, list[str]] = {}
    seen: set[str] = set()
    for item in items:
        key = item["question"]
        question = questions.get(key)
        if question is None:
            errors[f"answers.{key}"] = [
                f"No question '{key}' in methodology version this assessment uses."
            ]
            continue
        if key in seen:
            errors[f"answers.{key}"] = ["This question is answered twice in one request."]
        seen.add(key)
        if "value" in item:
            problem = _value_error(question, item["value"])
            if problem:
                errors[f"answers.{key}.value"] = [problem]
    if errors:
        raise ValidationError(errors)

    existing = {a.question_key: a for a in Answer.objects.filter(assessment=assessment)}
    with pghistory.context(user=actor.pk):
        for item in items:
            answer = existing.get(item["question"]) or Answer(
                assessment=assessment, question_key=item["question"]
            )
            for name in ("value", "evidence", "link"):
                if name in item:
                    setattr(answer, name, item[name])
            answer.answered_by = actor
            answer.save()
        assessment.save(update_fields=["updated_at"])
    if items:
        _record_contribution(assessment=assessment, actor=actor, contribution=Contribution.ANSWERED)
    return assessment


def _is_answered(question: Question, value: Any) -> bool:
    if value is None:
        return False
    return not (question.answer_type == AnswerType.FREE_TEXT and not str(value).strip())


def _missing(questions: list[Question], answers: dict[str, Answer]) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for question in questions:
        answer = answers.get(question.key)
        answered = answer is not None and _is_answered(question, answer.value)
        if question.required and not answered:
            fields[f"answers.{question.key}"] = ["A required question has no answer."]
        if (
            question.evidence_required
            and (question.required or answered)
            and not (answer and answer.evidence.strip())
        ):
            fields[f"evidence.{question.key}"] = ["This question needs evidence."]
    return fields


def assessment_verdicts_compute(
    *, questions: list[Question], criteria: list[Criterion], answers: Mapping[str, Any]
) -> dict[str, Any]:
    """Score answers with the version's rules (see ``backend.methodology.scoring``)."""
    outcome = scoring.score(
        [
            scoring.CriterionSpec(
                key=c.key,
                kind=c.kind,
                rule=scoring.Rule(
                    met_threshold=c.met_threshold,
                    partly_met_threshold=c.partly_met_threshold,
                    lowest_required_means_not_met=c.lowest_required_means_not_met,
                ),
            )
            for c in criteria
        ],
        [
            scoring.QuestionSpec(
                key=q.key,
                answer_type=q.answer_type,
                informs=frozenset([*q.tests, *q.features]),
                required=q.required,
                weight=q.weight,
            )
            for q in questions
        ],
        answers,
    )
    return outcome.as_verdicts()


@transaction.atomic
def assessment_submit(*, assessment: Assessment, actor: User) -> Assessment:
    """Check completeness, then compute and store the verdicts (the only place that does)."""
    assessment = _locked(assessment)
    ASSESSMENT_TRANSITIONS.check(assessment.status, AssessmentStatus.SUBMITTED)
    questions = list(Question.objects.filter(version=assessment.methodology_version_id))
    answers = {a.question_key: a for a in Answer.objects.filter(assessment=assessment)}
    missing = _missing(questions, answers)
    if missing:
        raise ValidationError(missing)
    criteria = list(Criterion.objects.filter(version=assessment.methodology_version_id))
    assessment.verdicts = assessment_verdicts_compute(
        questions=questions,
        criteria=criteria,
        answers={key: answer.value for key, answer in answers.items()},
    )
    assessment.status = AssessmentStatus.SUBMITTED
    assessment.submitted_at = timezone.now()
    with pghistory.context(user=actor.pk):
        assessment.save()
    _record_contribution(assessment=assessment, actor=actor, contribution=Contribution.SUBMITTED)
    return assessment


def _require_second_person(assessment: Assessment, actor: User, action: str) -> None:
    """Four eyes: nobody who started, answered, edited or submitted it may review it."""
    contributions = sorted(
        AssessmentContributor.objects.filter(assessment=assessment, user=actor).values_list(
            "contribution", flat=True
        )
    )
    if assessment.assessor_id == actor.pk and Contribution.STARTED not in contributions:
        # Assessments started before contributors were recorded.
        contributions.insert(0, Contribution.STARTED)
    if contributions:
        raise Conflict(
            f"You contributed to this assessment ({', '.join(contributions)}), so you cannot "
            f"{action} it; another admin or officer who took no part in it must.",
            code="reviewer_contributed",
            context={"contributions": contributions},
        )


@transaction.atomic
def assessment_sign_off(*, assessment: Assessment, actor: User) -> Assessment:
    """Complete the assessment. The reviewer must not be the assessor; the API admits only
    officers and admins."""
    assessment = _locked(assessment)
    ASSESSMENT_TRANSITIONS.check(assessment.status, AssessmentStatus.SIGNED_OFF)
    _require_second_person(assessment, actor, "sign off")
    assessment.status = AssessmentStatus.SIGNED_OFF
    assessment.reviewer = actor
    assessment.signed_off_at = timezone.now()
    with pghistory.context(user=actor.pk):
        assessment.save()
    announce(
        EventName.ASSESSMENT_SIGNED_OFF,
        assessment_id=assessment.pk,
        proposal_id=assessment.proposal_id,
        methodology_version_id=assessment.methodology_version_id,
    )
    return assessment


@transaction.atomic
def assessment_return(*, assessment: Assessment, actor: User, comment: str) -> Assessment:
    """Send a submitted assessment back to draft with the reviewer's comment. The verdicts
    are cleared: they are recomputed at the next submit."""
    assessment = _locked(assessment)
    ASSESSMENT_TRANSITIONS.check(assessment.status, AssessmentStatus.DRAFT)
    _require_second_person(assessment, actor, "return")
    if not comment.strip():
        raise ValidationError({"comment": ["Say why the assessment is returned."]})
    assessment.status = AssessmentStatus.DRAFT
    assessment.returned_at = timezone.now()
    assessment.returned_by = actor
    assessment.return_comment = comment
    assessment.submitted_at = None
    assessment.verdicts = {}
    with pghistory.context(user=actor.pk):
        assessment.save()
    return assessment
