"""The statistics against hand-worked examples (docs/representativeness.md)."""

from __future__ import annotations

import pytest

from backend.disclosure.policy import Policy
from backend.population.representativeness import (
    BandAnswers,
    dimension_index,
    dimension_representativeness,
    representativeness_index,
    weighted_net_acceptability,
)

# Rounding to 1 keeps hand arithmetic exact; the threshold is the default's 7.
EXACT = Policy(threshold=7, rounding_base=1, min_contributors=5, decimals=4)

# Population half 18-24, half 25-34; 30 young respondents (20 acceptable, 10 not),
# 10 older (2 acceptable, 8 not).
POPULATION = {"18_24": 100, "25_34": 100}
ANSWERS = {"18_24": BandAnswers(30, 20, 10), "25_34": BandAnswers(10, 2, 8)}


def test_the_index_is_one_minus_the_total_variation_distance():
    # shares 0.75/0.25 against 0.5/0.5: distance ½(0.25 + 0.25) = 0.25
    assert dimension_index(POPULATION, {"18_24": 30, "25_34": 10}) == pytest.approx(0.75)
    assert dimension_index(POPULATION, {"18_24": 20, "25_34": 20}) == pytest.approx(1.0)
    assert dimension_index(POPULATION, {"18_24": 40, "25_34": 0}) == pytest.approx(0.5)


def test_net_acceptability_is_reweighted_to_the_population():
    # raw: (22 - 18) / 40 = 0.1; by band: +10/30 and -6/10, weighted ½ each: -0.1333
    net, coverage = weighted_net_acceptability(POPULATION, ANSWERS)
    assert net == pytest.approx(0.5 * (10 / 30) + 0.5 * (-6 / 10))
    assert coverage == 1.0


def test_a_band_nobody_answered_from_is_left_out_and_coverage_says_so():
    population = {"18_24": 100, "25_34": 100, "75_plus": 50}
    net, coverage = weighted_net_acceptability(population, ANSWERS)
    assert net == pytest.approx(0.5 * (10 / 30) + 0.5 * (-6 / 10))  # renormalised over 200
    assert coverage == pytest.approx(200 / 250)
    result = dimension_representativeness(
        population=population, answers=ANSWERS, without_band=0, policy=EXACT
    )
    old = next(band for band in result["bands"] if band["band"] == "75_plus")
    assert (old["respondents"], old["respondent_share"], old["representation"]) == (0, 0.0, 0.0)


def test_a_dimension_published_in_full():
    result = dimension_representativeness(
        population=POPULATION, answers=ANSWERS, without_band=9, policy=EXACT
    )
    assert result["respondents_with_band"] == 40
    assert result["without_band"] == 9
    young, older = result["bands"]
    assert (young["respondent_share"], young["representation"]) == (0.75, 1.5)
    assert (older["respondent_share"], older["representation"]) == (0.25, 0.5)
    assert result["index"] == 0.75
    assert result["weighted_net_acceptability"] == pytest.approx(-0.1333, abs=1e-4)
    assert result["withheld"] == {}


def test_one_band_only():
    result = dimension_representativeness(
        population={"white": 1000},
        answers={"white": BandAnswers(12, 6, 3)},
        without_band=0,
        policy=EXACT,
    )
    assert result["index"] == 1.0
    assert result["weighted_net_acceptability"] == 0.25


def test_everyone_declining_publishes_nothing_derived():
    result = dimension_representativeness(
        population=POPULATION, answers={}, without_band=25, policy=EXACT
    )
    assert result["respondents_with_band"] == 0
    assert result["without_band"] == 25
    assert result["index"] is None and result["weighted_net_acceptability"] is None
    assert result["withheld"]["index"]["code"] == "derived_from_withheld"


def test_small_bands_are_merged_and_every_figure_uses_the_merged_bands():
    population = {"18_24": 100, "25_34": 50, "35_44": 50}
    answers = {
        "18_24": BandAnswers(30, 20, 10),
        "25_34": BandAnswers(3, 0, 3),
        "35_44": BandAnswers(6, 1, 5),
    }
    result = dimension_representativeness(
        population=population, answers=answers, without_band=0, policy=EXACT
    )
    young, merged = result["bands"]
    assert young["band"] == "18_24" and young["merged_bands"] == []
    assert merged["band"] == "merged" and merged["merged_bands"] == ["25_34", "35_44"]
    # 3 + 6 = 9 people in the merged band, half the population: nothing describes 3 or 6.
    assert (merged["population"], merged["respondents"]) == (100, 9)
    assert merged["respondent_share"] == round(9 / 39, 4)
    assert result["index"] == round(1 - abs(30 / 39 - 0.5), 4)
    # Merged: 1 acceptable and 8 unacceptable of 9, so -7/9; young: +10/30; half and half.
    assert result["weighted_net_acceptability"] == round(0.5 * (10 / 30) + 0.5 * (-7 / 9), 4)
    assert not any(band["band"] in {"25_34", "35_44"} for band in result["bands"])


def test_one_small_band_takes_the_next_smallest_with_it():
    answers = {"18_24": BandAnswers(30, 20, 10), "25_34": BandAnswers(3, 0, 3)}
    population = {"18_24": 100, "25_34": 100, "35_44": 100}
    answers["35_44"] = BandAnswers(12, 6, 6)
    result = dimension_representativeness(
        population=population, answers=answers, without_band=0, policy=EXACT
    )
    parts = {band["band"]: band for band in result["bands"]}
    assert set(parts) == {"18_24", "merged"}
    assert parts["merged"]["merged_bands"] == ["25_34", "35_44"]
    assert parts["merged"]["respondents"] == 15


def test_the_overall_index_averages_the_published_dimensions():
    assert representativeness_index([{"index": 0.75}, {"index": 0.95}, {"index": None}]) == 0.85
    assert representativeness_index([{"index": None}]) is None
