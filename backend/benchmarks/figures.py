"""The catalogue of benchmark figures: what each means and how it may be compared.

Each figure names the counts it rests on (``count``: it *is* that count;
``bases``: it is derived from them), which is what disclosure control needs to
withhold it with everything derived from a small count; ``disclosure_rules``
turns the catalogue into the rules ``backend.disclosure.figures`` applies.
The counts are kept with each rollup (``Rollup.sample_sizes``).
"""

from __future__ import annotations

from dataclasses import dataclass

from backend.disclosure.figures import FigureRule
from backend.population.bands import RESPONDENT_FIELDS

# The dimensions respondents can be compared on (a baseline band and a form field).
DIMENSIONS = tuple(str(dimension) for dimension in RESPONDENT_FIELDS)
DIMENSION_WORDS = {
    "age": "age",
    "sex": "sex",
    "ethnicity": "ethnic group",
    "disability": "disability",
    "deprivation": "deprivation quintile",
}

# The counts kept with every rollup; people counts are protected across periods and
# segments too (secondary suppression), activity counts only withheld and rounded.
COUNT_KEYS = (
    "proposals_logged",
    "proposals_decided",
    "closed",
    "assessments",
    "consultations",
    "participants",
    "responses",
    "decided_after_consultation",
    "represented_consultations",
    *(f"represented_consultations_{dimension}" for dimension in DIMENSIONS),
    "reviews_due",
    "reviews_recorded",
)
PEOPLE_COUNTS = ("participants", "responses")

TEST_KEYS = ("purposeful", "proportionate", "responsible")
# A consultation whose representativeness index reaches this level counts as broadly
# representative: respondents would have to move between bands for at most a fifth of
# them to mirror the population (docs/representativeness.md).
REPRESENTATIVE_LEVEL = 0.8
BENEFIT_LEVELS = ("fully", "partly", "not_realised")
RECOMMENDATIONS = ("continue", "amend", "stop")


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    unit: str
    higher_is_better: bool | None
    bases: tuple[str, ...] = ()
    count: str | None = None
    per_100k: bool = False
    numerator: str | None = None
    denominator: str | None = None

    def rule(self) -> FigureRule:
        return FigureRule(
            key=self.key,
            count=self.count,
            bases=self.bases,
            numerator=self.numerator,
            denominator=self.denominator,
        )


def _figures() -> list[Figure]:
    figures = [
        Figure(
            "proposals_logged",
            "Proposals logged",
            "count",
            None,
            count="proposals_logged",
            per_100k=True,
        ),
        Figure(
            "proposals_decided",
            "Proposals decided",
            "count",
            None,
            count="proposals_decided",
            per_100k=True,
        ),
        Figure("outcome_approved", "Decided: approved", "share", None, ("closed",)),
        Figure(
            "outcome_approved_with_conditions",
            "Decided: approved with conditions",
            "share",
            None,
            ("closed",),
        ),
        Figure("outcome_rejected", "Decided: rejected", "share", None, ("closed",)),
        Figure("outcome_withdrawn", "Closed by withdrawal", "share", None, ("closed",)),
        Figure(
            "days_to_decision_median",
            "Days from submission to decision (median)",
            "days",
            False,
            ("proposals_decided",),
        ),
        Figure(
            "days_to_decision_p90",
            "Days from submission to decision (90th percentile)",
            "days",
            False,
            ("proposals_decided",),
        ),
        Figure(
            "assessments_completed",
            "Assessments completed",
            "count",
            None,
            count="assessments",
            per_100k=True,
        ),
        Figure(
            "consultations_held",
            "Consultations held",
            "count",
            True,
            count="consultations",
            per_100k=True,
        ),
        Figure(
            "people_invited",
            "People invited",
            "count",
            True,
            count="participants",
            per_100k=True,
        ),
        Figure(
            "people_responding",
            "People responding",
            "count",
            True,
            count="responses",
            per_100k=True,
        ),
        Figure(
            "response_rate",
            "Response rate",
            "share",
            True,
            ("responses", "participants"),
            numerator="responses",
            denominator="participants",
        ),
        Figure("mean_acceptability", "Mean acceptability (1-5)", "score", None, ("responses",)),
        Figure("net_acceptability", "Net acceptability", "share", None, ("responses",)),
        Figure(
            "decisions_changed_after_consultation",
            "Decisions changed after consultation",
            "share",
            None,
            ("decided_after_consultation",),
        ),
        Figure("cost_per_consultation", "Cost per consultation", "gbp", False, ("consultations",)),
        Figure(
            "cost_per_participant",
            "Cost per participant",
            "gbp",
            False,
            ("responses",),
            denominator="responses",
        ),
    ]
    figures.extend(_representativeness_figures())
    figures.extend(_review_figures())
    for key in TEST_KEYS:
        figures.append(
            Figure(
                f"verdict_met_{key}",
                f"Assessments finding '{key}' met",
                "share",
                None,
                ("assessments",),
            )
        )
        figures.append(
            Figure(
                f"public_agreement_{key}",
                f"Public agreement: {key} (0-1)",
                "score",
                None,
                ("responses",),
            )
        )
        figures.append(
            Figure(f"gap_{key}", f"Public minus officer view: {key}", "score", None, ("responses",))
        )
    return figures


def _representativeness_figures() -> list[Figure]:
    """How well held consultations reach the population (docs/representativeness.md).

    Each consultation's index is the one its results show, computed on bands merged
    until none holds a handful of respondents; the figures average those indices
    over the consultations that have one, and rest on how many do.
    """
    figures = [
        Figure(
            "consultations_compared",
            "Consultations compared with the population",
            "count",
            None,
            count="represented_consultations",
        ),
        Figure(
            "representativeness_index_mean",
            "Representativeness index, mean of consultations (0-1)",
            "score",
            True,
            ("represented_consultations",),
        ),
        Figure(
            "representative_consultations",
            f"Consultations broadly representative (index {REPRESENTATIVE_LEVEL} or more)",
            "share",
            True,
            ("represented_consultations",),
        ),
    ]
    for dimension in DIMENSIONS:
        figures.append(
            Figure(
                f"representativeness_{dimension}",
                f"Representativeness by {DIMENSION_WORDS[dimension]}, mean (0-1)",
                "score",
                True,
                (f"represented_consultations_{dimension}",),
            )
        )
    return figures


def _review_figures() -> list[Figure]:
    """Benefit reviews after approval (docs/benefit-reviews.md): done on time, and what
    they found. Timeliness is counted in the period a review fell due, findings in the
    period it was recorded."""
    figures = [
        Figure("benefit_reviews_due", "Benefit reviews due", "count", None, count="reviews_due"),
        Figure(
            "benefit_reviews_on_time",
            "Benefit reviews recorded on time (share of reviews due)",
            "share",
            True,
            ("reviews_due",),
        ),
        Figure(
            "benefit_reviews_recorded",
            "Benefit reviews recorded",
            "count",
            None,
            count="reviews_recorded",
        ),
        Figure(
            "benefit_reviews_published",
            "Recorded benefit reviews published on the register",
            "share",
            True,
            ("reviews_recorded",),
        ),
    ]
    labels = {"fully": "fully", "partly": "partly", "not_realised": "not"}
    for level in BENEFIT_LEVELS:
        figures.append(
            Figure(
                f"benefits_realised_{level}",
                f"Reviews finding benefits {labels[level]} realised",
                "share",
                True if level == "fully" else None,
                ("reviews_recorded",),
            )
        )
    for recommendation in RECOMMENDATIONS:
        figures.append(
            Figure(
                f"review_recommends_{recommendation}",
                f"Reviews recommending: {recommendation}",
                "share",
                None,
                ("reviews_recorded",),
            )
        )
    return figures


FIGURES: dict[str, Figure] = {figure.key: figure for figure in _figures()}


def register_feature_figures(feature_keys: list[str]) -> None:
    """Add the verdict-rate figure of each methodology feature (keys come from the methodology)."""
    for key in feature_keys:
        name = f"verdict_met_feature_{key}"
        FIGURES.setdefault(
            name,
            Figure(
                name, f"Assessments finding feature '{key}' met", "share", None, ("assessments",)
            ),
        )


def per_100k_key(name: str) -> str:
    return f"{name}_per_100k"


def disclosure_rules() -> dict[str, FigureRule]:
    """The disclosure rule of every figure a rollup may hold, per-100k variants included."""
    rules = {key: figure.rule() for key, figure in FIGURES.items()}
    for figure in FIGURES.values():
        if figure.per_100k and figure.count:
            key = per_100k_key(figure.key)
            rules[key] = FigureRule(
                key=key,
                bases=(figure.count,),
                numerator=figure.count,
                per_population=True,
                decimals=3,
            )
    return rules
