"""Unit tests of every disclosure rule (pure functions, no database)."""

from __future__ import annotations

import pytest

from backend.disclosure.bands import OTHER, Profile, band_profiles
from backend.disclosure.categories import publish_categories
from backend.disclosure.consultation import consultation_results_published
from backend.disclosure.counts import (
    Published,
    is_small,
    publish_count,
    publish_derived,
    publish_rescaled,
    round_count,
)
from backend.disclosure.distribution import nearest_rank, summarise
from backend.disclosure.figures import (
    OWN,
    Audience,
    FigureRule,
    from_document,
    publish_figures,
    published_document,
)
from backend.disclosure.policy import Policy
from backend.disclosure.reasons import ReasonCode
from backend.disclosure.secondary import Equation, protect

POLICY = Policy()  # the documented defaults: 7, 5, 5, 2
OTHERS = Audience(own=False, pseudonymous=False)


def test_defaults_are_opensafely_threshold_and_rounding():
    assert (POLICY.threshold, POLICY.rounding_base, POLICY.min_contributors) == (7, 5, 5)


@pytest.mark.parametrize(("count", "small"), [(0, False), (1, True), (7, True), (8, False)])
def test_counts_of_one_to_seven_are_small(count, small):
    assert is_small(count, POLICY) is small


@pytest.mark.parametrize(("count", "rounded"), [(8, 10), (12, 10), (13, 15), (42, 40), (0, 0)])
def test_published_counts_are_rounded_to_the_nearest_five(count, rounded):
    assert round_count(count, POLICY) == rounded


def test_a_count_at_the_threshold_is_withheld_with_a_reason():
    published = publish_count(7, POLICY, basis="responses")
    assert published.value is None
    assert published.reason is not None
    assert published.reason.code == ReasonCode.SMALL_COUNT
    assert published.reason.as_dict()["basis"] == "responses"
    assert publish_count(8, POLICY, basis="responses").value == 10


def test_a_secondary_cell_is_withheld_even_when_large():
    published = publish_count(40, POLICY, basis="responses", secondary=True)
    assert published.value is None and published.reason.code == ReasonCode.SECONDARY


def test_an_unknown_count_fails_closed():
    assert publish_count(None, POLICY, basis="responses").reason.code == ReasonCode.BASIS_UNKNOWN


def test_everything_derived_from_a_withheld_count_is_withheld():
    bases = {"responses": publish_count(3, POLICY, basis="responses")}
    derived = publish_derived(0.75, bases=bases, policy=POLICY)
    assert derived.value is None
    assert derived.reason.code == ReasonCode.DERIVED_FROM_WITHHELD
    assert derived.reason.basis == "responses"


def test_derived_figures_are_rounded_to_the_published_decimals():
    bases = {"responses": Published(40)}
    assert publish_derived(0.123456, bases=bases, policy=POLICY).value == 0.12


def test_a_rate_is_recomputed_from_the_rounded_counts():
    # 13 of 39: the exact 0.3333 would give both exact counts back.
    exact = {"responses": 13, "participants": 39}
    bases = {key: publish_count(value, POLICY, basis=key) for key, value in exact.items()}
    rate = publish_rescaled(
        13 / 39,
        exact=exact,
        bases=bases,
        numerator="responses",
        denominator="participants",
        policy=POLICY,
    )
    assert rate.value == round(15 / 40, 2)


def test_combined_categories_keep_a_figure_that_fine_ones_would_lose():
    counts = {
        "very_unacceptable": 2,
        "unacceptable": 7,
        "neutral": 10,
        "acceptable": 5,
        "very_acceptable": 16,
    }
    groups = {
        "unacceptable": ("very_unacceptable", "unacceptable"),
        "neutral": ("neutral",),
        "acceptable": ("acceptable", "very_acceptable"),
    }
    total = publish_count(40, POLICY, basis="responded")
    table = publish_categories(counts, total=total, policy=POLICY, groups=groups, basis="r")
    assert table.combined
    assert table.withheld == {}
    assert table.shares == {"unacceptable": 0.25, "neutral": 0.25, "acceptable": 0.5}


def test_one_withheld_category_takes_another_with_it():
    counts = {"agree": 3, "neutral": 20, "not_agree": 17}
    total = publish_count(40, POLICY, basis="responded")
    table = publish_categories(counts, total=total, policy=POLICY, basis="responded")
    assert table.withheld["agree"].code == ReasonCode.SMALL_COUNT
    assert table.withheld["not_agree"].code == ReasonCode.SECONDARY  # the smaller other
    assert table.shares["neutral"] == 0.5


def test_protect_withholds_until_no_equation_can_be_solved():
    values = {"year": 40, "q1": 10, "q2": 12, "q3": 15, "q4": 3}
    hidden = protect(values, [Equation("year", ("q1", "q2", "q3", "q4"))], POLICY)
    assert hidden == {"q4", "q1"}


def test_protect_follows_a_withheld_cell_into_the_next_equation():
    # q1 is withheld to protect q4; q1's months are all published, so one must go too.
    values = {"year": 40, "q1": 10, "q2": 12, "q3": 15, "q4": 3, "jan": 4, "feb": 3, "mar": 3}
    equations = [
        Equation("year", ("q1", "q2", "q3", "q4")),
        Equation("q1", ("jan", "feb", "mar")),
    ]
    hidden = protect(values, equations, POLICY)
    assert "q4" in hidden
    withheld_in_q1 = hidden & {"q1", "jan", "feb", "mar"}
    assert len(withheld_in_q1) != 1


def test_protect_withholds_more_parts_when_the_hidden_ones_sum_to_a_small_count():
    values = {"all": 50, "a": 2, "b": 3, "c": 45}
    hidden = protect(values, [Equation("all", ("a", "b", "c"))], POLICY)
    assert hidden == {"a", "b", "c"}


def test_distribution_needs_the_minimum_number_of_contributors():
    summary = summarise([1.0, 2.0, 3.0, 4.0], higher_is_better=True, policy=POLICY)
    assert summary.median is None and summary.best is None
    assert summary.reason.code == ReasonCode.TOO_FEW_CONTRIBUTORS
    assert summarise([1.0, 2.0, 3.0, 4.0, 5.0], higher_is_better=True, policy=POLICY).median == 3.0


def test_quartiles_are_values_never_averages_of_two():
    values = [1.0, 2.0, 4.0, 8.0, 16.0, 32.0]
    summary = summarise(values, higher_is_better=None, policy=POLICY)
    assert {summary.lower_quartile, summary.median, summary.upper_quartile} <= set(values)
    assert nearest_rank(values, 0.5) == 4.0


def _profiles(kinds):
    return {
        index: Profile(kind, "england", 100_000 + index * 1_000) for index, kind in enumerate(kinds)
    }


def test_a_rare_kind_is_pooled_rather_than_published():
    profiles = _profiles(["district"] * 8 + ["county"] * 7 + ["unitary"])
    bands = band_profiles(profiles, crowd=list(profiles), policy=POLICY)
    assert bands[15].kind != "unitary"
    assert all(band.kind in {"district", "county", OTHER, None} for band in bands.values())
    crowd_kinds = [bands[key].kind for key in profiles]
    assert all(crowd_kinds.count(kind) >= POLICY.threshold for kind in set(crowd_kinds))


def test_bands_are_dropped_when_the_crowd_is_smaller_than_the_threshold():
    profiles = _profiles(["county", "district", "district"])
    bands = band_profiles(profiles, crowd=list(profiles), policy=POLICY)
    assert {(b.kind, b.nation, b.population) for b in bands.values()} == {(None, None, None)}


def test_every_combination_of_published_bands_holds_the_threshold():
    profiles = {
        index: Profile(
            "district" if index < 10 else "county",
            "england" if index % 2 else "wales",
            60_000 + 20_000 * index,
        )
        for index in range(20)
    }
    bands = band_profiles(profiles, crowd=list(profiles), policy=POLICY)
    combos = [bands[key] for key in profiles]
    for combo in set(combos):
        assert combos.count(combo) >= POLICY.threshold


def test_population_bands_are_merged_until_each_holds_the_threshold():
    profiles = {i: Profile("district", "england", 30_000 + 25_000 * i) for i in range(14)}
    bands = band_profiles(profiles, crowd=list(profiles), policy=POLICY)
    labels = [bands[i].population for i in profiles]
    assert None not in labels
    assert all(labels.count(label) >= POLICY.threshold for label in set(labels))


def test_per_population_figures_are_withheld_for_a_pseudonymous_authority():
    rules = {
        "x_per_100k": FigureRule(
            "x_per_100k", bases=("x",), numerator="x", per_population=True, decimals=3
        )
    }
    counts = {"x": 40}
    figures = {"x_per_100k": 42.105}
    shown, reasons = publish_figures(
        figures,
        rules=rules,
        counts=counts,
        secondary=[],
        audience=Audience(own=False, pseudonymous=True),
        policy=POLICY,
    )
    assert shown["x_per_100k"] is None
    assert reasons["x_per_100k"].code == ReasonCode.QUASI_IDENTIFIER
    named, _ = publish_figures(
        figures, rules=rules, counts=counts, secondary=[], audience=OTHERS, policy=POLICY
    )
    assert named["x_per_100k"] == 42.105


def test_the_authority_itself_sees_exact_figures():
    rules = {"n": FigureRule("n", count="n")}
    shown, reasons = publish_figures(
        {"n": 3}, rules=rules, counts={"n": 3}, secondary=[], audience=OWN, policy=POLICY
    )
    assert shown == {"n": 3} and reasons == {}


def test_a_figure_without_a_rule_is_not_published():
    shown, _ = publish_figures(
        {"secret": 1.0}, rules={}, counts={}, secondary=[], audience=OTHERS, policy=POLICY
    )
    assert "secret" not in shown


def test_a_lone_respondent_gives_nothing_away():
    published = consultation_results_published(
        invited=1,
        responded=1,
        acceptability={
            "very_unacceptable": 1,
            "unacceptable": 0,
            "neutral": 0,
            "acceptable": 0,
            "very_acceptable": 0,
        },
        agreement={"purposeful": {"1": 1, "2": 0, "3": 0, "4": 0, "5": 0}},
        policy=POLICY,
    )
    assert published["responded"] is None and published["invited"] is None
    assert published["net_acceptability"] is None
    assert set(published["acceptability_shares"].values()) == {None}
    assert published["agreement"] == {"purposeful": None}
    assert published["withheld"]["responded"]["code"] == "small_count"


def test_non_respondents_are_a_category_too():
    published = consultation_results_published(
        invited=42, responded=40, acceptability={"neutral": 40}, agreement={}, policy=POLICY
    )
    assert published["invited"] is None
    assert published["withheld"]["invited"]["code"] == "secondary"
    assert published["response_rate"] is None


def test_a_stored_document_withholds_population_rates_of_an_unnamed_authority():
    rules = {
        "n": FigureRule("n", count="n"),
        "n_per_100k": FigureRule("n_per_100k", bases=("n",), numerator="n", per_population=True),
    }
    document = published_document(
        {"n": 42, "n_per_100k": 42.0}, rules=rules, counts={"n": 42}, secondary=[], policy=POLICY
    )
    named, _ = from_document(document, rules=rules, audience=OTHERS)
    assert named == {"n": 40, "n_per_100k": 40.0}  # recomputed from the rounded count
    unnamed, reasons = from_document(
        document, rules=rules, audience=Audience(own=False, pseudonymous=True)
    )
    assert unnamed == {"n": 40, "n_per_100k": None}
    assert reasons["n_per_100k"].code == ReasonCode.QUASI_IDENTIFIER


def test_a_missing_document_publishes_nothing():
    rules = {"n": FigureRule("n", count="n")}
    shown, reasons = from_document({}, rules=rules, audience=OTHERS)
    assert shown == {"n": None}
    assert reasons["n"].code == ReasonCode.BASIS_UNKNOWN
