"""The benchmark figures on reaching the population and on benefit reviews.

Kept apart from ``compute`` (which folds facts into slices): how one held
consultation's representativeness is measured, and how the folded totals
become figures (definitions in docs/representativeness.md and
docs/benefit-reviews.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from backend.benchmarks.facts import ConsultationFact
from backend.benchmarks.figures import BENEFIT_LEVELS, DIMENSIONS, RECOMMENDATIONS
from backend.disclosure.policy import Policy
from backend.population.representativeness import (
    Respondent,
    representativeness_index,
    respondents_representativeness,
)


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _ratio(total: float, count: int) -> float | None:
    return round(total / count, 4) if count else None


@dataclass(frozen=True)
class ConsultationReach:
    """One consultation's published indices: overall, and per dimension that has one."""

    index: float | None = None
    dimensions: dict[str, float] = field(default_factory=dict)


def consultation_reach(
    consultation: ConsultationFact, baseline: dict[str, dict[str, int]], policy: Policy
) -> ConsultationReach:
    """The indices the consultation's own results show (bands merged, small groups withheld)."""
    if not baseline or not consultation.responses:
        return ConsultationReach()
    dimensions = respondents_representativeness(
        baseline=baseline,
        respondents=[
            Respondent(bands=response.bands, acceptability=response.acceptability)
            for response in consultation.responses
        ],
        policy=policy,
    )
    return ConsultationReach(
        index=representativeness_index(dimensions),
        dimensions={d["dimension"]: d["index"] for d in dimensions if d["index"] is not None},
    )


def representativeness_figures(
    *,
    represented: int,
    representative: int,
    index_sum: float,
    dimension_sum: Mapping[str, float],
    dimension_count: Mapping[str, int],
) -> dict[str, Any]:
    """Mean indices over the consultations that have one, and the share broadly representative."""
    figures: dict[str, Any] = {
        "consultations_compared": represented,
        "representativeness_index_mean": _ratio(index_sum, represented),
        "representative_consultations": _share(representative, represented),
    }
    for dimension in DIMENSIONS:
        figures[f"representativeness_{dimension}"] = _ratio(
            dimension_sum.get(dimension, 0.0), dimension_count.get(dimension, 0)
        )
    return figures


def review_figures(
    *,
    due: int,
    on_time: int,
    recorded: int,
    published: int,
    benefits: Mapping[str, int],
    recommendations: Mapping[str, int],
) -> dict[str, Any]:
    """Reviews done on time (of those due), and what recorded reviews found and recommend."""
    figures: dict[str, Any] = {
        "benefit_reviews_due": due,
        "benefit_reviews_on_time": _share(on_time, due),
        "benefit_reviews_recorded": recorded,
        "benefit_reviews_published": _share(published, recorded),
    }
    for level in BENEFIT_LEVELS:
        figures[f"benefits_realised_{level}"] = _share(benefits.get(level, 0), recorded)
    for recommendation in RECOMMENDATIONS:
        figures[f"review_recommends_{recommendation}"] = _share(
            recommendations.get(recommendation, 0), recorded
        )
    return figures
