"""Folding facts into figures: table-driven over the edge cases."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from backend.benchmarks.compute import figures_of, fold, period_keys
from backend.benchmarks.facts import (
    AssessmentFact,
    ConsultationFact,
    DecisionFact,
    Facts,
    ProposalFact,
    ResponseFact,
)

JAN = datetime(2026, 1, 15, 12, tzinfo=UTC)
APR = datetime(2026, 4, 2, 12, tzinfo=UTC)


def _all(facts: Facts, population: int | None = None) -> dict:
    buckets = fold(facts)
    return figures_of(buckets[("all", "all", None, "all")], population)


def test_periods_are_london_months_and_quarters():
    late_utc = datetime(2026, 3, 31, 23, 30, tzinfo=UTC)  # already 1 April in London (BST)
    keys = [key for _, key, _ in period_keys(late_utc)]
    assert keys == ["all", "2026-Q2", "2026-04"]


def test_no_decisions_gives_counts_and_null_rates():
    facts = Facts(proposals=[ProposalFact(["housing"], JAN, None)])
    figures = _all(facts)
    assert figures["proposals_logged"] == 1
    assert figures["proposals_decided"] == 0
    assert figures["outcome_approved"] is None
    assert figures["days_to_decision_median"] is None
    assert figures["response_rate"] is None


def test_outcome_mix_and_time_to_decision():
    decisions = [
        DecisionFact(["housing"], "approved", JAN, 10.0, False),
        DecisionFact(["housing"], "approved_with_conditions", JAN, 20.0, True),
        DecisionFact(["health"], "rejected", APR, 30.0, True),
        DecisionFact(["health"], "approved", APR, 40.0, True),
    ]
    proposals = [ProposalFact(["health"], JAN, APR)]  # one withdrawn
    figures = _all(Facts(proposals=proposals, decisions=decisions))
    assert figures["proposals_decided"] == 4
    assert figures["outcome_approved"] == pytest.approx(2 / 5)
    assert figures["outcome_withdrawn"] == pytest.approx(1 / 5)
    assert figures["days_to_decision_median"] == 25.0
    assert figures["days_to_decision_p90"] == 37.0
    # Of three decisions made after a consultation, two added conditions or rejected.
    assert figures["decisions_changed_after_consultation"] == pytest.approx(2 / 3, abs=1e-4)


def test_segments_and_periods_split_the_same_facts():
    decisions = [
        DecisionFact(["housing"], "approved", JAN, 10.0, False),
        DecisionFact(["health", "housing"], "rejected", APR, 30.0, False),
    ]
    buckets = fold(Facts(decisions=decisions))
    housing = figures_of(buckets[("all", "all", None, "service_area:housing")], None)
    health = figures_of(buckets[("all", "all", None, "service_area:health")], None)
    q1 = figures_of(buckets[("quarter", "2026-Q1", datetime(2026, 1, 1).date(), "all")], None)
    assert housing["proposals_decided"] == 2
    assert health["proposals_decided"] == 1
    assert q1["proposals_decided"] == 1


def _consultation(responses, invited=10, cost="1000", verdicts=None, method="workshop"):
    return ConsultationFact(
        service_areas=["welfare"],
        method=method,
        held_at=JAN,
        cost=Decimal(cost),
        invited=invited,
        responses=responses,
        officer_verdicts=verdicts or {},
    )


def test_one_response():
    facts = Facts(
        consultations=[
            _consultation(
                [ResponseFact(5, {"purposeful": 5, "proportionate": 3, "responsible": 1})],
                verdicts={"purposeful": "met", "proportionate": "partly_met", "responsible": "met"},
            )
        ]
    )
    figures = _all(facts)
    assert figures["people_responding"] == 1
    assert figures["response_rate"] == 0.1
    assert figures["mean_acceptability"] == 5
    assert figures["net_acceptability"] == 1
    assert figures["public_agreement_proportionate"] == 0.5
    assert figures["gap_purposeful"] == 0
    assert figures["gap_proportionate"] == 0
    assert figures["gap_responsible"] == -1
    assert figures["cost_per_participant"] == 1000
    assert figures["cost_per_consultation"] == 1000


def test_open_link_respondents_count_as_respondents_but_not_in_the_response_rate():
    invited = [ResponseFact(4, {}), ResponseFact(5, {})]
    self_selected = [ResponseFact(1, {}, invited=False) for _ in range(3)]
    figures = _all(Facts(consultations=[_consultation(invited + self_selected, invited=4)]))
    assert figures["people_invited"] == 4
    assert figures["people_responding"] == 5
    # Two of the four invited answered; the three self-selected are outside the rate.
    assert figures["response_rate"] == 0.5
    assert figures["net_acceptability"] == pytest.approx(round((2 - 3) / 5, 4))


def test_net_acceptability_is_acceptable_minus_unacceptable_share():
    responses = [ResponseFact(v, {}) for v in (1, 2, 3, 4, 5, 5)]
    figures = _all(Facts(consultations=[_consultation(responses)]))
    assert figures["net_acceptability"] == pytest.approx((3 - 2) / 6, abs=1e-4)
    assert figures["mean_acceptability"] == pytest.approx(20 / 6, abs=1e-4)


def test_no_officer_verdict_means_no_gap():
    figures = _all(Facts(consultations=[_consultation([ResponseFact(3, {"purposeful": 4})])]))
    assert figures["public_agreement_purposeful"] == 0.75
    assert figures["gap_purposeful"] is None


def test_zero_responses_gives_null_cost_per_participant():
    figures = _all(Facts(consultations=[_consultation([], invited=0)]))
    assert figures["consultations_held"] == 1
    assert figures["cost_per_participant"] is None
    assert figures["response_rate"] is None


def test_verdict_rates_per_test_and_feature():
    assessments = [
        AssessmentFact(["health"], JAN, {"test:purposeful": "met", "feature:f1": "met"}),
        AssessmentFact(["health"], JAN, {"test:purposeful": "not_met", "feature:f1": "met"}),
    ]
    figures = _all(Facts(assessments=assessments))
    assert figures["assessments_completed"] == 2
    assert figures["verdict_met_purposeful"] == 0.5
    assert figures["verdict_met_feature_f1"] == 1
    assert figures["verdict_met_responsible"] == 0


def test_per_100k_figures_need_a_population():
    facts = Facts(proposals=[ProposalFact([], JAN, None)] * 3)
    assert "proposals_logged_per_100k" not in _all(facts)
    assert _all(facts, population=300_000)["proposals_logged_per_100k"] == 1.0


def test_method_segment_holds_consultation_figures():
    facts = Facts(
        consultations=[
            _consultation([ResponseFact(4, {})], method="workshop"),
            _consultation([ResponseFact(2, {})], method="online_survey"),
        ]
    )
    buckets = fold(facts)
    workshop = figures_of(buckets[("all", "all", None, "method:workshop")], None)
    assert workshop["consultations_held"] == 1
    assert workshop["mean_acceptability"] == 4
