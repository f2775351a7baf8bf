"""The facts a benchmark is computed from, loaded from the current authority's schema."""

from __future__ import annotations

from collections.abc import Mapping
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
from backend.population.bands import RESPONDENT_FIELDS
from backend.population.representativeness import respondent_bands
from backend.population.selectors import population_baseline
from backend.proposals.models import Proposal
from backend.reviews.models import BenefitReview, ReviewStatus

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
    # Census band per dimension (None: declined, blank or no census band), for
    # representativeness against the authority's population baseline.
    bands: Mapping[str, str | None] = field(default_factory=dict)


@dataclass(frozen=True)
class ConsultationFact:
    service_areas: list[str]
    method: str
    held_at: datetime
    cost: Decimal
    invited: int
    responses: list[ResponseFact]
    officer_verdicts: dict[str, str | None]


@dataclass(frozen=True)
class ReviewFact:
    """One benefit review: when it fell due, whether it has, and what it found."""

    service_areas: list[str]
    due_at: datetime
    fallen_due: bool  # due, overdue or recorded: it counts among the reviews due
    recorded_at: datetime | None
    on_time: bool  # recorded and never marked overdue by the sweeper
    benefits_realised: str
    recommendation: str
    published: bool


@dataclass
class Facts:
    proposals: list[ProposalFact] = field(default_factory=list)
    decisions: list[DecisionFact] = field(default_factory=list)
    assessments: list[AssessmentFact] = field(default_factory=list)
    consultations: list[ConsultationFact] = field(default_factory=list)
    reviews: list[ReviewFact] = field(default_factory=list)
    # Dimension → band → population: the authority's baseline (empty without one).
    baseline: dict[str, dict[str, int]] = field(default_factory=dict)


def load_facts() -> Facts:
    """Everything the figures need, in eight queries whatever the authority's size."""
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
    demographic_fields = [field for field, _ in RESPONDENT_FIELDS.values()]
    for answer in Response.objects.filter(participant__consultation_id__in=list(responses)).values(
        "participant__consultation_id",
        "acceptability",
        "purposeful",
        "proportionate",
        "responsible",
        "participant__source",
        *(f"participant__{name}" for name in demographic_fields),
    ):
        responses[answer["participant__consultation_id"]].append(
            ResponseFact(
                invited=answer["participant__source"] != ParticipantSource.OPEN_LINK,
                bands=respondent_bands(
                    {name: answer[f"participant__{name}"] for name in demographic_fields}
                ),
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
    # The same baseline, in the same band order, as each consultation's results use.
    facts.baseline = {
        dimension: entry["bands"] for dimension, entry in population_baseline().items()
    }
    facts.reviews = _review_facts()
    return facts


def _review_facts() -> list[ReviewFact]:
    fallen_due = {ReviewStatus.DUE, ReviewStatus.OVERDUE, ReviewStatus.RECORDED}
    return [
        ReviewFact(
            service_areas=row["proposal__service_areas"],
            due_at=row["due_at"],
            fallen_due=row["status"] in fallen_due,
            recorded_at=row["recorded_at"] if row["status"] == ReviewStatus.RECORDED else None,
            on_time=row["status"] == ReviewStatus.RECORDED and row["overdue_since"] is None,
            benefits_realised=row["benefits_realised"],
            recommendation=row["recommendation"],
            published=row["published"],
        )
        for row in BenefitReview.objects.values(
            "proposal__service_areas",
            "due_at",
            "status",
            "recorded_at",
            "overdue_since",
            "benefits_realised",
            "recommendation",
            "published",
        )
    ]
