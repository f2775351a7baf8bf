"""The facts a benchmark is computed from, loaded from the current authority's schema."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from backend.proposals.models import Proposal


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
    facts = Facts()
    for row in Proposal.objects.values("service_areas", "created_at", "withdrawn_at"):
        facts.proposals.append(ProposalFact(**row))
    return facts
