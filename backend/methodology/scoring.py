"""How answers roll up into verdicts. Pure functions over plain data: no database.

Rules (stored per criterion with the methodology version):

- Answers are normalised to 0..1: a five-point scale maps 1..5 to 0, 0.25, 0.5,
  0.75, 1; yes is 1 and no is 0; free text is never scored.
- A criterion's score is the weighted mean of the normalised answers of the
  questions that inform it and were answered.
- Verdict: "met" when the score is at or above ``met_threshold``, "partly_met"
  when at or above ``partly_met_threshold``, else "not_met".
- When ``lowest_required_means_not_met`` is set, a *required* question that
  informs the criterion and was answered at its lowest point (scale 1, or no)
  makes the verdict "not_met" whatever the mean: one fundamental failing is
  not averaged away by strengths elsewhere.
- A criterion with no scored answers is "not_met" with a score of None: the
  absence of evidence must never read as a pass.
- Overall: "met" when all tests are met, "not_met" when any test is not met,
  else "partly_met". Features are reported but do not decide the overall verdict.

Arithmetic uses exact fractions so a score exactly on a threshold meets it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

MET = "met"
PARTLY_MET = "partly_met"
NOT_MET = "not_met"
VERDICTS = (MET, PARTLY_MET, NOT_MET)

SCALE_5 = "scale_5"
YES_NO = "yes_no"
FREE_TEXT = "free_text"

TEST = "test"
FEATURE = "feature"


@dataclass(frozen=True)
class Rule:
    met_threshold: Decimal | float | str
    partly_met_threshold: Decimal | float | str
    lowest_required_means_not_met: bool = True


@dataclass(frozen=True)
class CriterionSpec:
    key: str
    kind: str  # TEST or FEATURE
    rule: Rule


@dataclass(frozen=True)
class QuestionSpec:
    key: str
    answer_type: str
    informs: frozenset[str]
    required: bool = True
    weight: Decimal | float | str = 1


@dataclass(frozen=True)
class CriterionResult:
    verdict: str
    score: float | None
    answered: int
    lowest_required: tuple[str, ...] = ()


@dataclass(frozen=True)
class Outcome:
    tests: dict[str, CriterionResult] = field(default_factory=dict)
    features: dict[str, CriterionResult] = field(default_factory=dict)
    overall: str = NOT_MET

    def as_verdicts(self) -> dict[str, Any]:
        """The JSON stored on an assessment."""

        def scores(results: dict[str, CriterionResult]) -> dict[str, Any]:
            return {
                key: {
                    "score": result.score,
                    "answered": result.answered,
                    "lowest_required": list(result.lowest_required),
                }
                for key, result in results.items()
            }

        return {
            "tests": {key: result.verdict for key, result in self.tests.items()},
            "features": {key: result.verdict for key, result in self.features.items()},
            "overall": self.overall,
            "scores": {"tests": scores(self.tests), "features": scores(self.features)},
        }


def _fraction(number: Decimal | float | str | int) -> Fraction:
    return Fraction(Decimal(str(number)))


def normalise(answer_type: str, value: Any) -> Fraction | None:
    """The answer on the 0..1 scale, or None when it is not scored or not given."""
    if value is None:
        return None
    if answer_type == SCALE_5:
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
            raise ValueError(f"A five-point answer must be an integer 1..5, not {value!r}.")
        return Fraction(value - 1, 4)
    if answer_type == YES_NO:
        if not isinstance(value, bool):
            raise ValueError(f"A yes/no answer must be true or false, not {value!r}.")
        return Fraction(1) if value else Fraction(0)
    return None


def verdict_for(score: Fraction | None, rule: Rule, *, lowest_required: bool) -> str:
    if score is None or (rule.lowest_required_means_not_met and lowest_required):
        return NOT_MET
    if score >= _fraction(rule.met_threshold):
        return MET
    if score >= _fraction(rule.partly_met_threshold):
        return PARTLY_MET
    return NOT_MET


def score_criterion(
    criterion: CriterionSpec, questions: Iterable[QuestionSpec], answers: Mapping[str, Any]
) -> CriterionResult:
    total = Fraction(0)
    weights = Fraction(0)
    answered = 0
    lowest: list[str] = []
    for question in questions:
        if criterion.key not in question.informs:
            continue
        value = normalise(question.answer_type, answers.get(question.key))
        if value is None:
            continue
        weight = _fraction(question.weight)
        total += weight * value
        weights += weight
        answered += 1
        if question.required and value == 0:
            lowest.append(question.key)
    score = total / weights if weights else None
    return CriterionResult(
        verdict=verdict_for(score, criterion.rule, lowest_required=bool(lowest)),
        score=None if score is None else round(float(score), 4),
        answered=answered,
        lowest_required=tuple(lowest),
    )


def overall_verdict(test_verdicts: Iterable[str]) -> str:
    verdicts = list(test_verdicts)
    if not verdicts or NOT_MET in verdicts:
        return NOT_MET
    if all(verdict == MET for verdict in verdicts):
        return MET
    return PARTLY_MET


def score(
    criteria: Iterable[CriterionSpec],
    questions: Iterable[QuestionSpec],
    answers: Mapping[str, Any],
) -> Outcome:
    """Verdicts for every test and feature, and overall, from answers keyed by question key."""
    question_list = list(questions)
    tests: dict[str, CriterionResult] = {}
    features: dict[str, CriterionResult] = {}
    for criterion in criteria:
        result = score_criterion(criterion, question_list, answers)
        (tests if criterion.kind == TEST else features)[criterion.key] = result
    return Outcome(
        tests=tests,
        features=features,
        overall=overall_verdict(result.verdict for result in tests.values()),
    )
