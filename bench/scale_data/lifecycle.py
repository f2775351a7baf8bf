"""The life of one synthetic proposal, planned in memory up to "now".

A proposal is logged, submitted, assessed against methodology 1.0, consulted
on (or not, with a recorded reason) and decided, each step a random but
plausible time after the last; whatever falls after "now" (or after a
withdrawal) has not happened yet, so the programme holds work in every state.
Verdicts come from ``backend.methodology.scoring`` over the generated answers
and consultation results from ``backend.consultations.scoring`` over the
generated responses, exactly as the services compute them.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import models

from backend.assessments.models import Assessment, AssessmentStatus
from backend.assessments.services import assessment_verdicts_compute
from backend.consultations.models import (
    ConsultationStatus,
)
from backend.decisions.models import Decision, DecisionOutcome
from backend.engagement.models import EngagementMethod
from backend.methodology.models import (
    AnswerType,
    Criterion,
    MethodologyVersion,
    Question,
)
from backend.proposals.models import (
    DataCategory,
    Direction,
    Frequency,
    LegalGateway,
    Partner,
    PartnerRole,
    PartnerType,
    Proposal,
    ProposalStatus,
    ProposalTransition,
    Risk,
    ServiceArea,
)
from bench.scale_data.consulting import (
    DEFAULT_SHAPE,
    METHOD_SHAPE,
    ConsultationPlan,
    consultation_plan,
    scale_answer,
)

HISTORY_DAYS = 730
# Django rebuilds ``Choices.values`` on every access; read once.
CHOICES = {
    kind: kind.values for kind in (LegalGateway, Direction, Frequency, PartnerType, PartnerRole)
}
METHODOLOGY_LABEL = "1.0"
P = ProposalStatus
C = ConsultationStatus

TOPICS = [
    ("Hospital discharge and housing hazards", ["housing", "health"]),
    ("Free school meals auto-enrolment", ["education", "welfare"]),
    ("Early help referrals from police", ["criminal_justice", "social_care"]),
    ("Council tax arrears and debt advice", ["welfare"]),
    ("Falls prevention for older residents", ["health", "social_care"]),
    ("Homelessness prevention alerts", ["housing"]),
    ("Domestic abuse risk sharing", ["criminal_justice", "housing"]),
    ("School attendance and family support", ["education", "social_care"]),
    ("Fuel poverty outreach", ["welfare", "housing"]),
    ("Care leavers' housing pathway", ["social_care", "housing"]),
    ("Hoarding and fire risk visits", ["housing", "other"]),
    ("Mental health crisis coordination", ["health", "criminal_justice"]),
]


_CATALOGUE: dict[str, Any] = {}


def catalogue() -> dict[str, Any]:
    """Methodology 1.0 (version, questions, criteria) and the engagement methods."""
    if not _CATALOGUE:
        version = MethodologyVersion.objects.get(label=METHODOLOGY_LABEL)
        _CATALOGUE["version"] = version
        _CATALOGUE["questions"] = list(Question.objects.filter(version=version))
        _CATALOGUE["criteria"] = list(Criterion.objects.filter(version=version))
        _CATALOGUE["methods"] = list(EngagementMethod.objects.order_by("key"))
    return _CATALOGUE


class Plan:
    """The rows of one authority, built in memory before one bulk write."""

    def __init__(self) -> None:
        self.proposals: list[Proposal] = []
        self.children: list[tuple[int, models.Model]] = []  # (proposal index, row)
        self.transitions: list[tuple[int, ProposalTransition]] = []
        self.assessments: list[tuple[int, Assessment, dict[str, Any]]] = []
        self.consultations: list[ConsultationPlan] = []
        self.decisions: list[tuple[int, Decision]] = []
        # Each proposal's latent quality (0..1), by index: authorities sample by it.
        self.qualities: list[float] = []


def _between(rng: random.Random, start: datetime, days_low: float, days_high: float) -> datetime:
    return start + timedelta(days=rng.uniform(days_low, days_high))


def _clamp(value: float) -> float:
    return min(1.0, max(0.0, value))


def _answers(rng: random.Random, quality: float, questions: list[Question]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for question in questions:
        if question.answer_type == AnswerType.SCALE_5:
            values[question.key] = scale_answer(rng, quality, 0.8)
        elif question.answer_type == AnswerType.YES_NO:
            values[question.key] = rng.random() < 0.25 + 0.7 * quality
        else:
            values[question.key] = rng.choice(
                [
                    "Discussed with the data protection officer; see the DPIA.",
                    "Agreed with partners at the information governance board.",
                    "Residents' panel raised this; the response is in the minutes.",
                ]
            )
    return values


def plan_proposal(
    plan: Plan,
    rng: random.Random,
    *,
    now: datetime,
    admin_id: int,
    officer_id: int,
) -> None:
    """One proposal's whole life up to ``now``: rows for every stage it reached."""
    cat = catalogue()
    index = len(plan.proposals)
    quality = rng.betavariate(4, 2)
    plan.qualities.append(quality)
    appeal = _clamp(quality + rng.gauss(0, 0.18))
    topic, areas = rng.choice(TOPICS)
    if rng.random() < 0.25:
        areas = [*areas, rng.choice([a for a in ServiceArea.values if a not in areas])]
    created = now - timedelta(days=rng.uniform(3, HISTORY_DAYS))

    submitted = _between(rng, created, 1, 21)
    assessment_started = submitted + timedelta(hours=rng.uniform(1, 48))
    assessment_submitted = _between(rng, assessment_started, 3, 25)
    signed_off = _between(rng, assessment_submitted, 1, 10)
    consulted = rng.random() < 0.65
    consultations: list[dict[str, Any]] = []
    if consulted:
        first_start = _between(rng, signed_off, 5, 30)
        for number in range(2 if rng.random() < 0.2 else 1):
            method = rng.choice(cat["methods"])
            (people, rates, hours) = METHOD_SHAPE.get(method.key, DEFAULT_SHAPE)
            starts = first_start + timedelta(days=14 * number)
            ends = starts + timedelta(hours=rng.uniform(*hours))
            closed_to_published = rng.uniform(2, 14) if rng.random() < 0.75 else None
            consultations.append(
                {
                    "method": method,
                    "created": _between(rng, signed_off, 0.5, 4),
                    "starts": starts,
                    "ends": ends,
                    "published": ends + timedelta(days=closed_to_published)
                    if closed_to_published
                    else None,
                    "invited": rng.randint(*people),
                    "rate": rng.uniform(*rates),
                }
            )
        finished = max(c["ends"] for c in consultations) + timedelta(days=rng.uniform(1, 7))
        ready = finished
    else:
        ready = _between(rng, signed_off, 1, 10)
    decided = _between(rng, ready, 3, 45)
    withdrawn = (
        _between(rng, created, 0.5, (decided - created).days + 1) if rng.random() < 0.07 else None
    )
    cutoff = min(now, withdrawn) if withdrawn else now

    # The lifecycle as the services would log it: (time, from, to, actor, reason).
    moves: list[tuple[datetime, str, str, int | None, str]] = [
        (submitted, P.DRAFT, P.IN_ASSESSMENT, admin_id, "")
    ]
    if consultations:
        moves.append((consultations[0]["starts"], P.IN_ASSESSMENT, P.IN_CONSULTATION, None, ""))
        moves.append((finished, P.IN_CONSULTATION, P.AWAITING_DECISION, officer_id, ""))
    else:
        reason = rng.choice(
            [
                "Extends a scheme the public was consulted on last year.",
                "Statutory duty with no discretion over the sharing.",
                "Urgent safeguarding need; consultation to follow at review.",
            ]
        )
        moves.append((ready, P.IN_ASSESSMENT, P.AWAITING_DECISION, officer_id, reason))
    moves.append((decided, P.AWAITING_DECISION, P.DECIDED, officer_id, ""))
    status: str = P.DRAFT
    skip_reason = ""
    for at, source, target, actor, reason in moves:
        if at > cutoff:
            break
        plan.transitions.append(
            (
                index,
                ProposalTransition(
                    from_status=source, to_status=target, at=at, by_id=actor, reason=reason
                ),
            )
        )
        status = target
        if source == P.IN_ASSESSMENT and target == P.AWAITING_DECISION:
            skip_reason = reason
    if withdrawn and withdrawn <= now:
        plan.transitions.append(
            (
                index,
                ProposalTransition(
                    from_status=status,
                    to_status=P.WITHDRAWN,
                    at=withdrawn,
                    by_id=admin_id,
                    reason="No longer pursued: the partner withdrew.",
                ),
            )
        )
        status = P.WITHDRAWN
    last_move = max([created, *(t.at for i, t in plan.transitions if i == index)])

    plan.proposals.append(
        Proposal(
            title=topic,
            summary=f"{topic}: who shares what, with whom and why.",
            purpose="Earlier, better-joined-up support for the residents concerned.",
            service_areas=areas,
            data_subjects_description="Residents known to the services concerned.",
            data_subjects_estimated_count=rng.randint(50, 20_000),
            legal_gateway=rng.choice(CHOICES[LegalGateway]),
            direction=rng.choice(CHOICES[Direction]),
            frequency=rng.choice(CHOICES[Frequency]),
            retention_period="Two years after the case closes.",
            estimated_cost=Decimal(rng.randint(1, 80) * 500),
            owner_id=admin_id,
            created_by_id=admin_id,
            status=status,
            skip_consultation_reason=skip_reason,
            submitted_at=submitted if submitted <= cutoff else None,
            decided_at=decided if status == P.DECIDED else None,
            withdrawn_at=withdrawn if status == P.WITHDRAWN else None,
            created_at=created,
            updated_at=last_move,
        )
    )
    for number in range(rng.randint(1, 3)):
        plan.children.append(
            (
                index,
                DataCategory(
                    name=rng.choice(["Address", "Date of birth", "Health condition", "Income"]),
                    special_category=number == 0 and "health" in areas,
                    criminal_offence="criminal_justice" in areas and number == 0,
                ),
            )
        )
    plan.children.append(
        (
            index,
            Partner(
                name=f"Partner {rng.randint(1, 40)}",
                organisation_type=rng.choice(CHOICES[PartnerType]),
                role=rng.choice(CHOICES[PartnerRole]),
            ),
        )
    )
    if rng.random() < 0.6:
        plan.children.append(
            (index, Risk(description="Re-identification", mitigation="Pseudonymise at source."))
        )

    # The assessment, in the state it had reached by the cutoff.
    officer_verdicts: dict[str, str] | None = None
    if assessment_started <= cutoff:
        answers = _answers(rng, quality, cat["questions"])
        assessment = Assessment(
            methodology_version=cat["version"],
            assessor_id=admin_id,
            status=AssessmentStatus.DRAFT,
            created_at=assessment_started,
            updated_at=assessment_started,
        )
        if assessment_submitted <= cutoff:
            assessment.verdicts = assessment_verdicts_compute(
                questions=cat["questions"], criteria=cat["criteria"], answers=answers
            )
            assessment.status = AssessmentStatus.SUBMITTED
            assessment.submitted_at = assessment_submitted
            assessment.updated_at = assessment_submitted
        if signed_off <= cutoff:
            assessment.status = AssessmentStatus.SIGNED_OFF
            assessment.reviewer_id = officer_id
            assessment.signed_off_at = signed_off
            assessment.updated_at = signed_off
            officer_verdicts = assessment.verdicts["tests"]
        plan.assessments.append((index, assessment, answers))

    for spec in consultations:
        if spec["created"] > cutoff:
            continue
        plan.consultations.append(
            consultation_plan(rng, index, spec, now, cutoff, appeal, officer_verdicts)
        )

    if status == P.DECIDED:
        heard = [r for c in plan.consultations if c.proposal_index == index for r in c.responses]
        public = sum(r["acceptability"] for r in heard) / len(heard) / 5 if heard else quality
        merit = 0.6 * quality + 0.4 * public + rng.gauss(0, 0.1)
        if merit >= 0.68:
            outcome, conditions = DecisionOutcome.APPROVED, ""
        elif merit >= 0.45:
            outcome = DecisionOutcome.APPROVED_WITH_CONDITIONS
            conditions = "Annual review; a privacy notice to every household concerned."
        else:
            outcome, conditions = DecisionOutcome.REJECTED, ""
        plan.decisions.append(
            (
                index,
                Decision(
                    outcome=outcome,
                    rationale="Weighed the assessment and what the public said.",
                    conditions=conditions,
                    public_influence="Residents asked for a clear privacy notice." if heard else "",
                    decided_by_id=officer_id,
                    decided_at=decided,
                ),
            )
        )
