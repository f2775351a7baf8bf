"""The scoring rules, table-driven. Pure functions: no database."""

from __future__ import annotations

from fractions import Fraction

import pytest

from backend.methodology.scoring import (
    FEATURE,
    FREE_TEXT,
    MET,
    NOT_MET,
    PARTLY_MET,
    SCALE_5,
    TEST,
    YES_NO,
    CriterionSpec,
    QuestionSpec,
    Rule,
    normalise,
    overall_verdict,
    score,
    score_criterion,
)

RULE = Rule(met_threshold="0.75", partly_met_threshold="0.5")
LENIENT = Rule(
    met_threshold="0.75", partly_met_threshold="0.5", lowest_required_means_not_met=False
)
CRITERION = CriterionSpec(key="purposeful", kind=TEST, rule=RULE)


def q(
    key: str, answer_type: str = SCALE_5, *, required: bool = True, weight: str = "1"
) -> QuestionSpec:
    return QuestionSpec(
        key=key,
        answer_type=answer_type,
        informs=frozenset({"purposeful"}),
        required=required,
        weight=weight,
    )


@pytest.mark.parametrize(
    ("answer_type", "value", "expected"),
    [
        (SCALE_5, 1, Fraction(0)),
        (SCALE_5, 2, Fraction(1, 4)),
        (SCALE_5, 3, Fraction(1, 2)),
        (SCALE_5, 4, Fraction(3, 4)),
        (SCALE_5, 5, Fraction(1)),
        (YES_NO, True, Fraction(1)),
        (YES_NO, False, Fraction(0)),
        (FREE_TEXT, "Anything at all", None),
        (SCALE_5, None, None),
        (YES_NO, None, None),
    ],
)
def test_answers_normalise_to_the_unit_scale(answer_type, value, expected):
    assert normalise(answer_type, value) == expected


@pytest.mark.parametrize(
    ("answer_type", "value"),
    [(SCALE_5, 0), (SCALE_5, 6), (SCALE_5, True), (SCALE_5, 3.0), (SCALE_5, "3"), (YES_NO, 1)],
)
def test_values_of_the_wrong_type_are_refused(answer_type, value):
    with pytest.raises(ValueError):
        normalise(answer_type, value)


# (name, questions, answers, rule, verdict, score)
CASES = [
    ("all at the top", [q("a"), q("b")], {"a": 5, "b": 5}, RULE, MET, 1.0),
    ("all at the bottom", [q("a"), q("b")], {"a": 1, "b": 1}, RULE, NOT_MET, 0.0),
    ("exactly on the met threshold", [q("a"), q("b")], {"a": 4, "b": 4}, RULE, MET, 0.75),
    ("exactly on the partly met threshold", [q("a")], {"a": 3}, RULE, PARTLY_MET, 0.5),
    ("just under the met threshold", [q("a"), q("b")], {"a": 4, "b": 3}, RULE, PARTLY_MET, 0.625),
    (
        "just under the partly met threshold",
        [q("a"), q("b")],
        {"a": 3, "b": 2},
        RULE,
        NOT_MET,
        0.375,
    ),
    (
        "required lowest point overrides a high mean",
        [q("a"), q("b"), q("c"), q("d"), q("e")],
        {"a": 5, "b": 5, "c": 5, "d": 5, "e": 1},
        RULE,
        NOT_MET,
        0.8,
    ),
    (
        "optional lowest point does not override",
        [q("a"), q("b"), q("c"), q("d"), q("e", required=False)],
        {"a": 5, "b": 5, "c": 5, "d": 5, "e": 1},
        RULE,
        MET,
        0.8,
    ),
    (
        "the rule can be switched off",
        [q("a"), q("b"), q("c"), q("d"), q("e")],
        {"a": 5, "b": 5, "c": 5, "d": 5, "e": 1},
        LENIENT,
        MET,
        0.8,
    ),
    ("no scored answers", [q("a"), q("b")], {}, RULE, NOT_MET, None),
    ("only free text", [q("t", FREE_TEXT)], {"t": "A long explanation."}, RULE, NOT_MET, None),
    (
        "yes/no only, all yes",
        [q("y", YES_NO), q("z", YES_NO)],
        {"y": True, "z": True},
        RULE,
        MET,
        1.0,
    ),
    (
        "yes/no only, a required no",
        [q("y", YES_NO), q("z", YES_NO)],
        {"y": True, "z": False},
        RULE,
        NOT_MET,
        0.5,
    ),
    (
        "yes/no only, an optional no",
        [q("y", YES_NO), q("z", YES_NO, required=False)],
        {"y": True, "z": False},
        RULE,
        PARTLY_MET,
        0.5,
    ),
    (
        "weights pull the mean towards the heavy question",
        [q("a", weight="3"), q("b", weight="1")],
        {"a": 5, "b": 2},
        RULE,
        MET,
        0.8125,
    ),
    (
        "the same answers with the weights swapped",
        [q("a", weight="1"), q("b", weight="3")],
        {"a": 5, "b": 2},
        RULE,
        NOT_MET,
        0.4375,
    ),
    (
        "unanswered questions are left out of the mean",
        [q("a"), q("b", required=False)],
        {"a": 5},
        RULE,
        MET,
        1.0,
    ),
    (
        "free text does not dilute the mean",
        [q("a"), q("t", FREE_TEXT)],
        {"a": 4, "t": "x"},
        RULE,
        MET,
        0.75,
    ),
]


@pytest.mark.parametrize(
    ("questions", "answers", "rule", "verdict", "expected_score"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_criterion_verdicts(questions, answers, rule, verdict, expected_score):
    criterion = CriterionSpec(key="purposeful", kind=TEST, rule=rule)
    result = score_criterion(criterion, questions, answers)
    assert result.verdict == verdict
    assert result.score == expected_score


def test_questions_that_do_not_inform_a_criterion_are_ignored():
    other = QuestionSpec(key="x", answer_type=SCALE_5, informs=frozenset({"responsible"}))
    result = score_criterion(CRITERION, [q("a"), other], {"a": 5, "x": 1})
    assert (result.verdict, result.answered) == (MET, 1)


def test_the_lowest_required_answers_are_reported():
    result = score_criterion(CRITERION, [q("a"), q("b")], {"a": 1, "b": 5})
    assert result.lowest_required == ("a",)


@pytest.mark.parametrize(
    ("tests", "overall"),
    [
        ([MET, MET, MET], MET),
        ([MET, PARTLY_MET, MET], PARTLY_MET),
        ([PARTLY_MET, PARTLY_MET, PARTLY_MET], PARTLY_MET),
        ([MET, MET, NOT_MET], NOT_MET),
        ([PARTLY_MET, NOT_MET, MET], NOT_MET),
        ([], NOT_MET),
    ],
)
def test_overall_verdict_follows_the_three_tests(tests, overall):
    assert overall_verdict(tests) == overall


def test_features_do_not_decide_the_overall_verdict():
    criteria = [
        CriterionSpec(key="purposeful", kind=TEST, rule=RULE),
        CriterionSpec(key="better_services", kind=FEATURE, rule=RULE),
    ]
    questions = [
        QuestionSpec(key="a", answer_type=SCALE_5, informs=frozenset({"purposeful"})),
        QuestionSpec(key="b", answer_type=SCALE_5, informs=frozenset({"better_services"})),
    ]
    outcome = score(criteria, questions, {"a": 5, "b": 1})
    assert outcome.overall == MET
    assert outcome.features["better_services"].verdict == NOT_MET


def test_verdicts_json_has_tests_features_overall_and_scores():
    outcome = score([CRITERION], [q("a")], {"a": 4})
    assert outcome.as_verdicts() == {
        "tests": {"purposeful": MET},
        "features": {},
        "overall": MET,
        "scores": {
            "tests": {"purposeful": {"score": 0.75, "answered": 1, "lowest_required": []}},
            "features": {},
        },
    }
