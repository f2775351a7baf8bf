"""Results figures, from answers and the officers' verdicts."""

from __future__ import annotations

from decimal import Decimal

from backend.consultations.scoring import Answer, compute_results


def _answers(*acceptability: int, tests: tuple[int, int, int] = (5, 3, 1)) -> list[Answer]:
    return [Answer(a, *tests) for a in acceptability]


def test_net_acceptability_is_acceptable_minus_unacceptable_share():
    results = compute_results(
        invited=10, answers=_answers(5, 4, 4, 3, 1), actual_cost=Decimal("0"), officer_verdicts=None
    )
    assert results.net_acceptability == 0.4  # (3 - 1) / 5
    assert results.response_rate == 0.5
    assert results.figures["acceptability_distribution"] == {
        "very_unacceptable": 1,
        "unacceptable": 0,
        "neutral": 1,
        "acceptable": 2,
        "very_acceptable": 1,
    }


def test_gap_compares_public_agreement_with_the_officers_verdict_on_one_scale():
    results = compute_results(
        invited=2,
        answers=_answers(4, 4, tests=(5, 3, 1)),
        actual_cost=Decimal("0"),
        officer_verdicts={"purposeful": "met", "proportionate": "met", "responsible": None},
    )
    gap = results.figures["public_officer_gap"]
    assert gap["purposeful"]["gap"] == 0.0  # agreement 5 → 1.0, met → 1.0
    assert gap["proportionate"]["gap"] == -0.5  # agreement 3 → 0.5, met → 1.0
    assert gap["responsible"]["gap"] is None  # no verdict yet


def test_cost_per_participant_divides_actual_cost_by_responders_and_is_null_without_any():
    paid = compute_results(
        invited=5, answers=_answers(3, 3, 3), actual_cost=Decimal("100"), officer_verdicts=None
    )
    nobody = compute_results(
        invited=5, answers=[], actual_cost=Decimal("100"), officer_verdicts=None
    )
    assert paid.cost_per_participant == Decimal("33.33")
    assert nobody.cost_per_participant is None
    assert nobody.net_acceptability is None
    assert nobody.figures["agreement"]["purposeful"]["mean"] is None
