"""Benchmarks gain representativeness: hand-worked figures from consultations made through
the services, equal to what each consultation's own results show, and withheld from others
while few consultations stand behind them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from backend.benchmarks.models import Rollup
from backend.benchmarks.services import benchmark_rollup_refresh
from backend.consultations.models import Consultation
from backend.consultations.services import consultation_close, consultation_open
from backend.population.selectors import consultation_representativeness
from backend.population.services import DimensionBaseline, population_dimension_set
from tenants.context import authority_context
from tenants.models import Authority
from tenants.roles import Role
from tests.conftest import module_rows
from tests.consultations.factories import make_consultation, make_participant, respond

AGE = DimensionBaseline(
    source="ONS Census 2021, TS007A",
    year=2021,
    bands={"18_24": 1000, "25_34": 1000, "35_44": 2000},
)
DEPRIVATION = DimensionBaseline(
    source="English indices of deprivation 2019",
    year=2019,
    bands={"quintile_1": 1000, "quintile_5": 1000},
)


def _held(people: list[tuple[str, str]]) -> Consultation:
    """A closed consultation whose respondents gave these (age band, deprivation quintile)."""
    consultation = make_consultation()
    participants = [
        make_participant(consultation, age_band=age, deprivation_quintile=quintile)
        for age, quintile in people
    ]
    consultation_open(consultation=consultation)
    for participant in participants:
        respond(participant, acceptability=4)
    return consultation_close(consultation=consultation)


@pytest.fixture(scope="module")
def _three_consultation_ids(django_db_setup: None, django_db_blocker: Any) -> Iterator[list[int]]:
    """Built once for the module (tests/conftest.py ``module_rows``)."""

    def build() -> list[int]:
        with authority_context(Authority.objects.get(schema_name="alpha")):
            population_dimension_set(dimension="age", baseline=AGE)
            population_dimension_set(dimension="deprivation", baseline=DEPRIVATION)
            a = _held([("18_24", "quintile_1")] * 10 + [("25_34", "quintile_1")] * 10)
            b = _held(
                [("18_24", "quintile_1")] * 10
                + [("25_34", "quintile_1")] * 10
                + [("35_44", "quintile_1")] * 10
                + [("35_44", "quintile_5")] * 10
            )
            c = _held([("prefer_not_to_say", "prefer_not_to_say")] * 10)
        return [a.pk, b.pk, c.pk]

    yield from module_rows(django_db_blocker, build)


@pytest.fixture
def three_consultations(
    _three_consultation_ids: list[int], authority_a
) -> tuple[Consultation, ...]:
    """Worked example (docs/representativeness.md, "In the benchmarks"):

    - A: 10 aged 18-24 and 10 aged 25-34, all in quintile 1. Age: shares ½, ½, 0 against
      ¼, ¼, ½, index 1 - ½(¼ + ¼ + ½) = 0.5. Deprivation: 1, 0 against ½, ½, index 0.5.
      Overall (0.5 + 0.5) / 2 = 0.5.
    - B: 10, 10 and 20 by age (the population exactly: 1.0); 30 in quintile 1 and 10 in
      quintile 5 (¾, ¼ against ½, ½: 0.75). Overall (1.0 + 0.75) / 2 = 0.875, shown in
      its results (and counted here) as 0.88.
    - C: ten people who all preferred not to say: no index at all.
    """
    with authority_context(authority_a):
        by_pk = Consultation.objects.in_bulk(_three_consultation_ids)
    return tuple(by_pk[pk] for pk in _three_consultation_ids)


def _all_time(authority) -> Rollup:
    benchmark_rollup_refresh(authority=authority)
    return Rollup.objects.get(authority=authority, period_key="all", segment="all")


def test_mean_index_share_and_dimensions_are_worked_by_hand(authority_a, three_consultations):
    figures = _all_time(authority_a).figures
    assert figures["consultations_compared"] == 2  # C has no index
    assert figures["representativeness_index_mean"] == (0.5 + 0.88) / 2
    # B (0.88) reaches the 0.8 level, A (0.5) does not.
    assert figures["representative_consultations"] == 0.5
    assert figures["representativeness_age"] == (0.5 + 1.0) / 2
    assert figures["representativeness_deprivation"] == (0.5 + 0.75) / 2
    # No baseline for sex, ethnicity or disability: nothing to compare.
    assert figures["representativeness_sex"] is None
    assert figures["representativeness_ethnicity"] is None


def test_each_consultation_counts_with_the_index_its_results_show(authority_a, three_consultations):
    with authority_context(authority_a):
        shown = [
            consultation_representativeness(consultation=consultation)["representativeness_index"]
            for consultation in three_consultations
        ]
    assert shown == [0.5, 0.88, None]  # results round the overall index to 2 places
    figures = _all_time(authority_a).figures
    # The benchmark averages the same indices.
    assert figures["representativeness_index_mean"] == round((shown[0] + shown[1]) / 2, 4)


def test_representativeness_rests_on_the_consultations_compared(
    authority_a, three_consultations, make_member
):
    """Two consultations are too few to stand behind a figure anyone else sees."""
    rollup = _all_time(authority_a)
    assert rollup.sample_sizes["represented_consultations"] == 2
    assert rollup.sample_sizes["represented_consultations_deprivation"] == 2
    assert rollup.sample_sizes["represented_consultations_sex"] == 0

    observer = make_member(None, Role.OBSERVER).client(None)
    rows = observer.get("/api/v1/benchmarks/authorities").json()["results"]
    row = next(row for row in rows if row["slug"] == "alpha")
    for key in ("representativeness_index_mean", "representative_consultations"):
        assert row["figures"][key] is None
        assert row["suppressed"][key]["code"] == "derived_from_withheld"
        assert row["suppressed"][key]["basis"] == "represented_consultations"
    assert row["figures"]["consultations_compared"] is None
    assert row["suppressed"]["consultations_compared"]["code"] == "small_count"
    assert row["suppressed"]["representativeness_deprivation"]["basis"] == (
        "represented_consultations_deprivation"
    )

    # The authority itself sees its exact figures, in its table and in its CSV.
    officer = make_member(authority_a, Role.OFFICER).client(authority_a)
    own = officer.get("/api/v1/benchmarks").json()
    own_figures = {item["figure"]: item for item in own["figures"]}
    assert own_figures["representativeness_index_mean"]["value"] == 0.69
    assert own_figures["representativeness_deprivation"]["value"] == 0.625


def test_representativeness_is_compared_across_authorities(
    authority_a, three_consultations, make_member
):
    _all_time(authority_a)
    coordinator = make_member(None, Role.COORDINATOR).client(None)
    body = coordinator.get("/api/v1/benchmarks/authorities/alpha").json()
    compared = {item["figure"]: item for item in body["figures"]}
    mean = compared["representativeness_index_mean"]
    assert mean["label"] == "Representativeness index, mean of consultations (0-1)"
    # Others see it withheld; with fewer than five contributors there is no distribution.
    assert mean["value"] is None and mean["suppressed"]["code"] == "derived_from_withheld"
    assert mean["median"] is None
    assert mean["distribution_suppressed"]["code"] == "too_few_contributors"
    csv = coordinator.get("/api/v1/benchmarks/authorities", {"format": "csv"})
    assert csv.status_code == 200
    header = csv.content.decode().splitlines()[0]
    assert "representativeness_index_mean" in header
    assert "benefit_reviews_on_time" in header
