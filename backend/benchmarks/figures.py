"""The catalogue of benchmark figures: what each means and how it may be compared.

A figure's ``basis`` names the sample size that small-number suppression checks
(responses or participants); figures with no basis are counts of the
authority's own activity and are never suppressed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Basis = Literal["responses", "participants"] | None

TEST_KEYS = ("purposeful", "proportionate", "responsible")


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    unit: str
    higher_is_better: bool | None
    basis: Basis = None
    per_100k: bool = False


def _figures() -> list[Figure]:
    figures = [
        Figure("proposals_logged", "Proposals logged", "count", None, per_100k=True),
        Figure("proposals_decided", "Proposals decided", "count", None, per_100k=True),
        Figure("outcome_approved", "Decided: approved", "share", None),
        Figure(
            "outcome_approved_with_conditions", "Decided: approved with conditions", "share", None
        ),
        Figure("outcome_rejected", "Decided: rejected", "share", None),
        Figure("outcome_withdrawn", "Closed by withdrawal", "share", None),
        Figure(
            "days_to_decision_median", "Days from submission to decision (median)", "days", False
        ),
        Figure(
            "days_to_decision_p90",
            "Days from submission to decision (90th percentile)",
            "days",
            False,
        ),
        Figure("assessments_completed", "Assessments completed", "count", None, per_100k=True),
        Figure("consultations_held", "Consultations held", "count", True, per_100k=True),
        Figure(
            "people_invited", "People invited", "count", True, basis="participants", per_100k=True
        ),
        Figure(
            "people_responding",
            "People responding",
            "count",
            True,
            basis="participants",
            per_100k=True,
        ),
        Figure("response_rate", "Response rate", "share", True, basis="participants"),
        Figure("mean_acceptability", "Mean acceptability (1-5)", "score", None, basis="responses"),
        Figure("net_acceptability", "Net acceptability", "share", None, basis="responses"),
        Figure(
            "decisions_changed_after_consultation",
            "Decisions changed after consultation",
            "share",
            None,
        ),
        Figure("cost_per_consultation", "Cost per consultation", "gbp", False),
        Figure("cost_per_participant", "Cost per participant", "gbp", False, basis="participants"),
    ]
    for key in TEST_KEYS:
        figures.append(
            Figure(f"verdict_met_{key}", f"Assessments finding '{key}' met", "share", None)
        )
        figures.append(
            Figure(
                f"public_agreement_{key}",
                f"Public agreement: {key} (0-1)",
                "score",
                None,
                basis="responses",
            )
        )
        figures.append(
            Figure(
                f"gap_{key}", f"Public minus officer view: {key}", "score", None, basis="responses"
            )
        )
    return figures


FIGURES: dict[str, Figure] = {figure.key: figure for figure in _figures()}


def register_feature_figures(feature_keys: list[str]) -> None:
    """Add the verdict-rate figure of each methodology feature (keys come from the methodology)."""
    for key in feature_keys:
        name = f"verdict_met_feature_{key}"
        FIGURES.setdefault(
            name, Figure(name, f"Assessments finding feature '{key}' met", "share", None)
        )
