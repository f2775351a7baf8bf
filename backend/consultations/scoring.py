"""Results of a consultation: pure functions over the responses and the officers' verdicts.

Scales are put on 0..1 so the public's view of a test can be compared with the
officers' verdict: agreement 1..5 maps to (score - 1) / 4; verdicts map
met → 1, partly_met → 0.5, not_met → 0. The gap is public minus officers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

TESTS = ("purposeful", "proportionate", "responsible")
VERDICT_SCALE = {"met": 1.0, "partly_met": 0.5, "not_met": 0.0}
ACCEPTABILITY_LABELS = {
    1: "very_unacceptable",
    2: "unacceptable",
    3: "neutral",
    4: "acceptable",
    5: "very_acceptable",
}


@dataclass(frozen=True)
class Answer:
    acceptability: int
    purposeful: int
    proportionate: int
    responsible: int
    # False for an open-link (self-selected) respondent: counted in the opinion figures,
    # never in the response rate, whose denominator is the people the authority invited.
    invited: bool = True


@dataclass(frozen=True)
class Results:
    invited: int
    responded: int
    open_link_respondents: int
    response_rate: float | None
    net_acceptability: float | None
    actual_cost: Decimal
    cost_per_participant: Decimal | None
    figures: dict[str, Any]


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def cost_per_participant(actual_cost: Decimal, responded: int) -> Decimal | None:
    """Actual cost divided by those who responded, in pence precision; None with nobody."""
    if not responded:
        return None
    return (actual_cost / responded).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def compute_results(
    *,
    invited: int,
    answers: Iterable[Answer],
    actual_cost: Decimal,
    officer_verdicts: Mapping[str, str | None] | None,
) -> Results:
    answers = list(answers)
    responded = len(answers)
    open_link_respondents = sum(1 for answer in answers if not answer.invited)
    invited_responded = responded - open_link_respondents
    distribution = {label: 0 for label in ACCEPTABILITY_LABELS.values()}
    for answer in answers:
        distribution[ACCEPTABILITY_LABELS[answer.acceptability]] += 1
    shares = {
        label: (_rounded(count / responded) if responded else None)
        for label, count in distribution.items()
    }
    net = None
    if responded:
        acceptable = sum(1 for a in answers if a.acceptability >= 4)
        unacceptable = sum(1 for a in answers if a.acceptability <= 2)
        net = (acceptable - unacceptable) / responded

    verdicts = officer_verdicts or {}
    agreement: dict[str, Any] = {}
    gap: dict[str, Any] = {}
    for test in TESTS:
        scores = [getattr(a, test) for a in answers]
        mean = sum(scores) / responded if responded else None
        public_scaled = None if mean is None else (mean - 1) / 4
        agreement[test] = {
            "distribution": {str(point): scores.count(point) for point in range(1, 6)},
            "mean": _rounded(mean),
            "agree_share": _rounded(sum(1 for s in scores if s >= 4) / responded)
            if responded
            else None,
            "scaled": _rounded(public_scaled),
        }
        verdict = verdicts.get(test)
        officer_scaled = VERDICT_SCALE.get(verdict) if verdict else None
        gap[test] = {
            "officer_verdict": verdict,
            "officer_scaled": officer_scaled,
            "public_scaled": _rounded(public_scaled),
            "gap": _rounded(public_scaled - officer_scaled)
            if public_scaled is not None and officer_scaled is not None
            else None,
        }

    return Results(
        invited=invited,
        responded=responded,
        open_link_respondents=open_link_respondents,
        response_rate=_rounded(invited_responded / invited) if invited else None,
        net_acceptability=_rounded(net),
        actual_cost=actual_cost,
        cost_per_participant=cost_per_participant(actual_cost, responded),
        figures={
            "acceptability_distribution": distribution,
            "acceptability_shares": shares,
            "agreement": agreement,
            "public_officer_gap": gap,
        },
    )
