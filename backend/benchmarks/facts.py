"""The facts a benchmark is computed from, loaded from the current authority's schema."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q

from backend.assessments.models import Assessment, AssessmentStatus
from backend.assessments.selectors import assessment_latest_verdicts
from backend.consultations.models import (
    Consultation,
    ConsultationStatus,
    ParticipantSource,
    Response,
)
from backend.decisions.models import Decision
from backend.proposals.models import Proposal

HELD = [ConsultationStatus.CLOSED, ConsultationStatus.RESULTS_PUBLISHED]
SECONDS_PER_DAY = 86_400


@dataclass(frozen=True)
class ProposalFact:
    service_areas: list[str]
    created_at: datetime
    withdrawn_at: datetime | None


@dataclass(frozen=True)
class DecisionFact:
    service_areas: list[str]
    outcome: str
    decided_at: datetime
    days_to_decision: float | None
    consulted: bool


@dataclass(frozen=True)
class AssessmentFact:
    service_areas: list[str]
    completed_at: datetime
    verdicts: dict[str, str]  # "test:<key>" / "feature:<key>" → met, partly_met, not_met


@dataclass(frozen=True)
class ResponseFact:
    acceptability: int
    agreement: dict[str, int]
    # False for an open-link (self-selected) respondent, who is outside the response rate.
    invited: bool = True


@dataclass(frozen=True)
class ConsultationFact:
    service_areas: list[str]
    method: str
    held_at: datetime
    cost: Decimal
    invited: int
    responses: list[ResponseFact]
    officer_verdicts: dict[str, str | None]


@dataclass
class Facts:
    proposals: list[ProposalFact] = field(default_factory=list)
    decisions: list[DecisionFact] = field(default_factory=list)
    assessments: list[AssessmentFact] = field(default_factory=list)
    consultations: list[ConsultationFact] = field(default_factory=list)


def load_facts() -> Facts:
    """Everything the figures need, in six queries whatever the authority's size."""
    facts = Facts()
    for proposal in Proposal.objects.values("service_areas", "created_at", "withdrawn_at"):
        facts.proposals.append(ProposalFact(**proposal))

    consultations: list[dict[str, Any]] = [
        dict(row)
        for row in Consultation.objects.filter(status__in=HELD)
        .annotate(
            # The people the authority invited (erased ones too): not open-link respondents.
            invited=Count(
                "participants", filter=~Q(participants__source=ParticipantSource.OPEN_LINK)
            ),
            cost=F("cost_staff") + F("cost_venue") + F("cost_incentives") + F("cost_other"),
        )
        .values(
            "pk",
            "proposal_id",
            "proposal__service_areas",
            "method__key",
            "closed_at",
            "ends_at",
            "invited",
            "cost",
        )
    ]
    consulted = {held["proposal_id"] for held in consultations}

    for row in Decision.objects.values(
        "outcome", "decided_at", "proposal_id", "proposal__service_areas", "proposal__submitted_at"
    ):
        submitted = row["proposal__submitted_at"]
        days = (
            (row["decided_at"] - submitted).total_seconds() / SECONDS_PER_DAY if submitted else None
        )
        facts.decisions.append(
            DecisionFact(
                service_areas=row["proposal__service_areas"],
                outcome=row["outcome"],
                decided_at=row["decided_at"],
                days_to_decision=days,
                consulted=row["proposal_id"] in consulted,
            )
        )

    for assessment in Assessment.objects.filter(
        status=AssessmentStatus.SIGNED_OFF, signed_off_at__isnull=False
    ).values("proposal__service_areas", "signed_off_at", "verdicts"):
        tests = assessment["verdicts"].get("tests", {})
        features = assessment["verdicts"].get("features", {})
        verdicts = {f"test:{k}": v for k, v in tests.items()}
        verdicts |= {f"feature:{k}": v for k, v in features.items()}
        facts.assessments.append(
            AssessmentFact(
                service_areas=assessment["proposal__service_areas"],
                completed_at=assessment["signed_off_at"],  # type: ignore[arg-type]
                verdicts=verdicts,
            )
        )

    responses: dict[int, list[ResponseFact]] = {held["pk"]: [] for held in consultations}
    for answer in Response.objects.filter(participant__consultation_id__in=list(responses)).values(
        "participant__consultation_id",
        "acceptability",
        "purposeful",
        "proportionate",
        "responsible",
        "participant__source",
    ):
        responses[answer["participant__consultation_id"]].append(
            ResponseFact(
                invited=answer["participant__source"] != ParticipantSource.OPEN_LINK,
                acceptability=answer["acceptability"],
                agreement={
                    "purposeful": answer["purposeful"],
                    "proportionate": answer["proportionate"],
                    "responsible": answer["responsible"],
                },
            )
        )
    officer = assessment_latest_verdicts(proposal_ids=consulted)
    for held in consultations:
        facts.consultations.append(
            ConsultationFact(
                service_areas=held["proposal__service_areas"],
                method=held["method__key"],
                held_at=held["closed_at"] or held["ends_at"],
                cost=held["cost"],
                invited=held["invited"],
                responses=responses[held["pk"]],
                officer_verdicts=officer.get(held["proposal_id"], {}).get("tests", {}),
            )
        )
    return facts
