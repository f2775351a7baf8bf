"""Compute one authority's benchmark figures from its own schema.

Loads the authority's facts in a handful of queries, then folds each fact into
every (period, segment) slice it belongs to in a single pass, so a full
recompute costs a few queries per authority whatever the number of slices.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from backend.benchmarks.facts import ConsultationFact, Facts, load_facts
from backend.benchmarks.figures import (
    DIMENSIONS,
    FIGURES,
    REPRESENTATIVE_LEVEL,
    TEST_KEYS,
    per_100k_key,
)
from backend.benchmarks.reach_and_reviews import (
    consultation_reach,
    representativeness_figures,
    review_figures,
)
from backend.benchmarks.stats import percentile
from backend.consultations.opinion import OpinionTotals, opinion_totals
from backend.disclosure.policy import Policy

LONDON = ZoneInfo("Europe/London")


@dataclass
class Slice:
    period_kind: str
    period_key: str
    period_start: date | None
    segment: str
    figures: dict[str, Any]
    sample_sizes: dict[str, Any]
    published: dict[str, Any] = field(default_factory=dict)


@dataclass
class Bucket:
    """Running totals for one (period, segment) slice.

    Responses are kept as sums and counts, not lists of values: a full recompute
    folds every response into a dozen slices, and the sums are exact (agreement
    and gaps are multiples of 0.25), so the figures equal those from the values.
    """

    logged: int = 0
    decided: int = 0
    withdrawn: int = 0
    outcomes: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    days_to_decision: list[float] = field(default_factory=list)
    decided_after_consultation: int = 0
    changed_after_consultation: int = 0
    assessments: int = 0
    met: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    consultations: int = 0
    cost: Decimal = Decimal(0)
    invited: int = 0
    responded: int = 0
    invited_responded: int = 0
    acceptability_sum: int = 0
    acceptable: int = 0
    unacceptable: int = 0
    agreement_sum: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    agreement_count: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    gap_sum: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    gap_count: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    # Consultations with a representativeness index, and their indices summed.
    represented: int = 0
    representative: int = 0
    index_sum: float = 0.0
    dimension_sum: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    dimension_count: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    reviews_due: int = 0
    reviews_on_time: int = 0
    reviews_recorded: int = 0
    reviews_published: int = 0
    benefits: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    recommendations: dict[str, int] = field(default_factory=lambda: defaultdict(int))


def _response_totals(consultation: ConsultationFact) -> OpinionTotals:
    # One definition of acceptability and the gap, shared with the programme findings.
    return opinion_totals(consultation.responses, consultation.officer_verdicts)


def period_keys(moment: datetime | None) -> list[tuple[str, str, date | None]]:
    """The slices a dated fact belongs to: all time, its quarter and its month (London time)."""
    keys: list[tuple[str, str, date | None]] = [("all", "all", None)]
    if moment is None:
        return keys
    local = moment.astimezone(LONDON).date()
    quarter = (local.month - 1) // 3 + 1
    keys.append(("quarter", f"{local.year}-Q{quarter}", date(local.year, 3 * quarter - 2, 1)))
    keys.append(("month", f"{local.year}-{local.month:02d}", date(local.year, local.month, 1)))
    return keys


def _segments(service_areas: Iterable[str], method: str | None = None) -> list[str]:
    segments = ["all", *(f"service_area:{area}" for area in service_areas)]
    if method:
        segments.append(f"method:{method}")
    return segments


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _ratio(total: float, count: int) -> float | None:
    """A mean from its sum and count, rounded as every figure is."""
    return round(total / count, 4) if count else None


def fold(
    facts: Facts, policy: Policy | None = None
) -> dict[tuple[str, str, date | None, str], Bucket]:
    policy = policy or Policy.from_settings()
    buckets: dict[tuple[str, str, date | None, str], Bucket] = defaultdict(Bucket)

    def into(moment: datetime | None, segments: list[str]) -> list[Bucket]:
        return [
            buckets[(kind, key, start, segment)]
            for kind, key, start in period_keys(moment)
            for segment in segments
        ]

    for proposal in facts.proposals:
        segments = _segments(proposal.service_areas)
        for bucket in into(proposal.created_at, segments):
            bucket.logged += 1
        if proposal.withdrawn_at is not None:
            for bucket in into(proposal.withdrawn_at, segments):
                bucket.withdrawn += 1
    for decision in facts.decisions:
        segments = _segments(decision.service_areas)
        changed = decision.outcome in {"approved_with_conditions", "rejected"}
        for bucket in into(decision.decided_at, segments):
            bucket.decided += 1
            bucket.outcomes[decision.outcome] += 1
            if decision.days_to_decision is not None:
                bucket.days_to_decision.append(decision.days_to_decision)
            if decision.consulted:
                bucket.decided_after_consultation += 1
                bucket.changed_after_consultation += changed
    for assessment in facts.assessments:
        segments = _segments(assessment.service_areas)
        for bucket in into(assessment.completed_at, segments):
            bucket.assessments += 1
            for key, verdict in assessment.verdicts.items():
                bucket.met[key] += verdict == "met"
    for consultation in facts.consultations:
        segments = _segments(consultation.service_areas, consultation.method)
        totals = _response_totals(consultation)
        represented = consultation_reach(consultation, facts.baseline, policy)
        for bucket in into(consultation.held_at, segments):
            if represented.index is not None:
                bucket.represented += 1
                bucket.representative += represented.index >= REPRESENTATIVE_LEVEL
                bucket.index_sum += represented.index
            for dimension, index in represented.dimensions.items():
                bucket.dimension_sum[dimension] += index
                bucket.dimension_count[dimension] += 1
            bucket.consultations += 1
            bucket.cost += consultation.cost
            bucket.invited += consultation.invited
            bucket.responded += totals.count
            bucket.invited_responded += totals.invited_count
            bucket.acceptability_sum += totals.acceptability_sum
            bucket.acceptable += totals.acceptable
            bucket.unacceptable += totals.unacceptable
            for test in totals.agreement_count:
                bucket.agreement_sum[test] += totals.agreement_sum[test]
                bucket.agreement_count[test] += totals.agreement_count[test]
            for test in totals.gap_count:
                bucket.gap_sum[test] += totals.gap_sum[test]
                bucket.gap_count[test] += totals.gap_count[test]
    for review in facts.reviews:
        segments = _segments(review.service_areas)
        if review.fallen_due:
            for bucket in into(review.due_at, segments):
                bucket.reviews_due += 1
                bucket.reviews_on_time += review.on_time
        if review.recorded_at is not None:
            for bucket in into(review.recorded_at, segments):
                bucket.reviews_recorded += 1
                bucket.reviews_published += review.published
                bucket.benefits[review.benefits_realised] += 1
                bucket.recommendations[review.recommendation] += 1
    return buckets


def figures_of(bucket: Bucket, population: int | None) -> dict[str, Any]:
    closed = bucket.decided + bucket.withdrawn
    days = sorted(bucket.days_to_decision)
    responses = bucket.responded
    figures: dict[str, Any] = {
        "proposals_logged": bucket.logged,
        "proposals_decided": bucket.decided,
        "outcome_approved": _share(bucket.outcomes["approved"], closed),
        "outcome_approved_with_conditions": _share(
            bucket.outcomes["approved_with_conditions"], closed
        ),
        "outcome_rejected": _share(bucket.outcomes["rejected"], closed),
        "outcome_withdrawn": _share(bucket.withdrawn, closed),
        "days_to_decision_median": _round(percentile(days, 0.5)),
        "days_to_decision_p90": _round(percentile(days, 0.9)),
        "assessments_completed": bucket.assessments,
        "consultations_held": bucket.consultations,
        "people_invited": bucket.invited,
        "people_responding": bucket.responded,
        # Of the people invited, the share who responded; open-link respondents count
        # in people_responding and the opinion figures but not here.
        "response_rate": _share(bucket.invited_responded, bucket.invited),
        "mean_acceptability": _ratio(bucket.acceptability_sum, responses),
        "net_acceptability": _ratio(bucket.acceptable - bucket.unacceptable, responses),
        "decisions_changed_after_consultation": _share(
            bucket.changed_after_consultation, bucket.decided_after_consultation
        ),
        "cost_per_consultation": (
            round(float(bucket.cost) / bucket.consultations, 2) if bucket.consultations else None
        ),
        "cost_per_participant": (
            round(float(bucket.cost) / bucket.responded, 2) if bucket.responded else None
        ),
    }
    for key in bucket.met.keys() | {f"test:{t}" for t in TEST_KEYS}:
        kind, _, name = key.partition(":")
        figure = f"verdict_met_{name}" if kind == "test" else f"verdict_met_feature_{name}"
        figures[figure] = _share(bucket.met[key], bucket.assessments)
    for test in TEST_KEYS:
        figures[f"public_agreement_{test}"] = _ratio(
            bucket.agreement_sum[test], bucket.agreement_count[test]
        )
        figures[f"gap_{test}"] = _ratio(bucket.gap_sum[test], bucket.gap_count[test])
    figures |= representativeness_figures(
        represented=bucket.represented,
        representative=bucket.representative,
        index_sum=bucket.index_sum,
        dimension_sum=bucket.dimension_sum,
        dimension_count=bucket.dimension_count,
    )
    figures |= review_figures(
        due=bucket.reviews_due,
        on_time=bucket.reviews_on_time,
        recorded=bucket.reviews_recorded,
        published=bucket.reviews_published,
        benefits=bucket.benefits,
        recommendations=bucket.recommendations,
    )
    if population:
        for name, definition in FIGURES.items():
            if definition.per_100k and figures.get(name) is not None:
                figures[per_100k_key(name)] = round(figures[name] * 100_000 / population, 3)
    return figures


def counts_of(bucket: Bucket) -> dict[str, Any]:
    """The counts behind the figures (``figures.COUNT_KEYS``), for disclosure control."""
    return {
        "proposals_logged": bucket.logged,
        "proposals_decided": bucket.decided,
        "closed": bucket.decided + bucket.withdrawn,
        "assessments": bucket.assessments,
        "consultations": bucket.consultations,
        "participants": bucket.invited,
        "responses": bucket.responded,
        "decided_after_consultation": bucket.decided_after_consultation,
        "represented_consultations": bucket.represented,
        **{
            f"represented_consultations_{dimension}": bucket.dimension_count[dimension]
            for dimension in DIMENSIONS
        },
        "reviews_due": bucket.reviews_due,
        "reviews_recorded": bucket.reviews_recorded,
    }


def _round(value: float | None) -> float | None:
    return None if value is None or math.isnan(value) else round(value, 1)


def compute_slices(population: int | None = None, policy: Policy | None = None) -> list[Slice]:
    """Every slice of the current authority's figures (run inside its schema)."""
    facts = load_facts()
    slices = []
    for (kind, key, start, segment), bucket in fold(facts, policy).items():
        slices.append(
            Slice(
                period_kind=kind,
                period_key=key,
                period_start=start,
                segment=segment,
                figures=figures_of(bucket, population),
                sample_sizes=counts_of(bucket),
            )
        )
    if not any(item.period_key == "all" and item.segment == "all" for item in slices):
        empty = Bucket()
        slices.append(
            Slice(
                "all",
                "all",
                None,
                "all",
                figures_of(empty, population),
                counts_of(empty),
            )
        )
    return slices
