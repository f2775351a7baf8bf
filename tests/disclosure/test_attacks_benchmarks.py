"""A journalist with an observer's account (or an authority looking at the others) attacks
the benchmark outputs. Each attack first runs on the unprotected figures, computed here
from the raw rollups and rows, to show that it works; then on what the API publishes.

The attacked authority's figures are made by the real services and the real rollup
refresh. Bystander authorities (needed only to form a crowd of pseudonyms) are plain
rows with hand-made rollups: onboarding seven real schemas per test would cost minutes.
"""

from __future__ import annotations

import itertools
import statistics

import pytest
from django.utils import timezone

from backend.benchmarks.compute import period_keys
from backend.benchmarks.models import Pseudonym, Rollup
from backend.benchmarks.privacy import pseudonym_for
from backend.benchmarks.services import benchmark_rollup_refresh
from backend.consultations.models import Participant
from tenants.context import authority_context
from tenants.models import Authority, AuthorityKind, AuthorityStatus
from tenants.roles import Role
from tests.benchmarks.rollups import rollup_create
from tests.disclosure.scenarios import held_consultation
from tests.proposals.factories import make_proposal

THRESHOLD = 7


def _observer_table(client, **params):
    response = client.get("/api/v1/benchmarks/authorities", params)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def _pseudonym_ref(authority):
    return f"anon-{Pseudonym.objects.get(authority=authority).number}"


def _bystanders(count, *, kind=AuthorityKind.DISTRICT):
    """Unnamed authorities in the comparison, each with an all-time rollup."""
    made = []
    for index in range(count):
        other = Authority.objects.create(
            schema_name=f"bystander{index}",
            name=f"Bystander Council {index}",
            kind=kind,
            status=AuthorityStatus.ACTIVE,
            population=80_000 + 9_000 * index,
        )
        pseudonym_for(other)
        rollup_create(
            other,
            figures={"proposals_logged": 20 + index},
            counts={"proposals_logged": 20 + index},
        )
        made.append(other)
    return made


def _small_consultation(authority, make_member, *, invited, method="workshop"):
    officer = make_member(authority, Role.OFFICER).user
    with authority_context(authority):
        proposal = make_proposal(authority, officer, status="in_assessment")
        held_consultation(
            proposal, invited=invited, answers=[{"acceptability": 2}] * 2, method=method
        )
    return proposal


# -- recover a suppressed count from rates and populations --------------------------------


def _invited_from_rate(per_100k, population):
    if per_100k is None or population is None:
        return None
    return round(per_100k * population / 100_000)


def test_a_withheld_count_cannot_be_recovered_from_its_rate_and_the_population(
    authority_a, authority_b, make_member
):
    _small_consultation(authority_b, make_member, invited=3)
    benchmark_rollup_refresh(authority=authority_b)
    with authority_context(authority_b):
        truth = Participant.objects.count()
    assert truth == 3

    # Unprotected: the per-100k rate as computed, and the population from the authority list.
    raw = Rollup.objects.get(authority=authority_b, period_key="all", segment="all").figures
    population = Authority.objects.get(pk=authority_b.pk).population
    assert _invited_from_rate(raw["people_invited_per_100k"], population) == truth

    observer = make_member(None, Role.OBSERVER).client(None)
    row = next(r for r in _observer_table(observer) if r["ref"] == _pseudonym_ref(authority_b))
    listed = observer.get("/api/v1/authorities").json()["results"]
    beta_listed = next(item for item in listed if item["slug"] == "beta")
    assert "population" not in beta_listed
    assert _invited_from_rate(row["figures"]["people_invited_per_100k"], None) is None
    assert row["figures"]["people_invited"] is None
    assert row["figures"]["people_invited_per_100k"] is None
    assert row["suppressed"]["people_invited"]["code"] == "small_count"
    # Even knowing the population from elsewhere, there is no rate to multiply.
    assert _invited_from_rate(row["figures"]["people_invited_per_100k"], population) is None
    assert row["figures"]["response_rate"] is None
    assert row["suppressed"]["response_rate"]["code"] == "derived_from_withheld"


def test_a_named_authoritys_rate_is_withheld_with_its_small_count(authority_a, make_member):
    _small_consultation(authority_a, make_member, invited=3)
    benchmark_rollup_refresh(authority=authority_a)
    raw = Rollup.objects.get(authority=authority_a, period_key="all", segment="all").figures
    assert _invited_from_rate(raw["people_invited_per_100k"], authority_a.population) == 3

    observer = make_member(None, Role.OBSERVER).client(None)
    row = next(r for r in _observer_table(observer) if r["slug"] == "alpha")
    assert row["figures"]["people_invited_per_100k"] is None
    reason = row["suppressed"]["people_invited_per_100k"]
    assert reason == {
        "code": "derived_from_withheld",
        "basis": "participants",
        "detail": reason["detail"],
    }


# -- link a pseudonym through kind, nation, population ------------------------------------


def _candidates(names_with_attributes, target):
    return [name for name, attributes in names_with_attributes if attributes == target]


def test_a_pseudonym_cannot_be_linked_to_a_name_through_kind_nation_or_population(
    authority_a, authority_b, make_member
):
    _bystanders(7)  # seven unnamed districts; beta is the only unnamed county
    benchmark_rollup_refresh(authority=authority_b)
    beta_ref = _pseudonym_ref(authority_b)

    # Unprotected: the row's exact kind, nation and population against the authority list.
    unnamed = Authority.objects.filter(consents_to_be_named=False)
    exact = [(a.name, (a.kind, a.nation, a.population)) for a in unnamed]
    beta = Authority.objects.get(pk=authority_b.pk)
    assert _candidates(exact, (beta.kind, beta.nation, beta.population)) == [beta.name]

    observer = make_member(None, Role.OBSERVER).client(None)
    row = next(r for r in _observer_table(observer) if r["ref"] == beta_ref)
    listed = observer.get("/api/v1/authorities", {"page_size": 100}).json()["results"]
    banded = [
        (item["name"], (item["kind"], item["nation"], item["population_band"]))
        for item in listed
        if not item["consents_to_be_named"] and item["status"] in ("active", "paused")
    ]
    target = (row["kind"], row["nation"], row["population_band"])
    assert len(_candidates(banded, target)) >= THRESHOLD
    # The exact attributes cannot be asked for another way either.
    assert observer.get("/api/v1/authorities", {"kind": "county"}).status_code == 400
    assert observer.get("/api/v1/authorities", {"ordering": "population"}).status_code == 400
    assert all(item.get("gss_code") is None for item in listed)


def test_filtering_the_table_by_kind_cannot_single_out_a_pseudonym(
    authority_a, authority_b, make_member
):
    _bystanders(7)
    benchmark_rollup_refresh(authority=authority_b)
    beta_ref = _pseudonym_ref(authority_b)
    # Unprotected: filtering on the exact kind leaves one unnamed county.
    counties = Authority.objects.filter(consents_to_be_named=False, kind=AuthorityKind.COUNTY)
    assert list(counties.values_list("pk", flat=True)) == [authority_b.pk]

    observer = make_member(None, Role.OBSERVER).client(None)
    rows = _observer_table(observer, kind="county")
    assert beta_ref not in {row["ref"] for row in rows}


# -- link a pseudonym through the shape of its time series --------------------------------


def test_a_pseudonym_cannot_be_linked_through_the_shape_of_its_series(
    authority_a, authority_b, make_member
):
    """The journalist knows from the press that Beta consulted this month, and no other
    unnamed authority did: a pseudonym whose series peaks this month is Beta."""
    _bystanders(7)
    _small_consultation(authority_b, make_member, invited=12)
    benchmark_rollup_refresh(authority=authority_b)
    beta_ref = _pseudonym_ref(authority_b)
    month = period_keys(timezone.now())[2][1]

    # Unprotected: every pseudonym's monthly rollup, joined on the pseudonym.
    raw = Rollup.objects.filter(period_key=month, segment="all", figures__people_invited__gt=0)
    consulted = {f"anon-{Pseudonym.objects.get(authority=r.authority).number}" for r in raw}
    assert consulted == {beta_ref}

    observer = make_member(None, Role.OBSERVER).client(None)
    monthly = _observer_table(observer, period=month)
    assert monthly and all(row["ref"] is None for row in monthly if row["slug"] is None)
    assert all(row["name"] == "Unnamed authority" for row in monthly if row["slug"] is None)
    series = observer.get(
        f"/api/v1/benchmarks/authorities/{beta_ref}/timeseries",
        {"figure": "people_invited", "period_kind": "month"},
    ).json()
    assert series["points"]
    assert all(point["value"] is None for point in series["points"])
    assert {point["suppressed"]["code"] for point in series["points"]} == {"quasi_identifier"}
    compared = observer.get(f"/api/v1/benchmarks/authorities/{beta_ref}", {"period": month})
    if compared.status_code == 200:
        assert all(row["value"] is None for row in compared.json()["figures"])


# -- difference two tables a caller can ask for -------------------------------------------


def _recovered(value, periods, methods):
    """Solve every equation the tables form (all = its methods, all time = its quarters,
    a quarter = its months) that has exactly one unknown cell."""
    found = []
    for period in periods:
        total = value(period, None)
        parts = [value(period, method) for method in methods]
        unknown = [m for m, part in zip(methods, parts, strict=True) if part is None]
        if total is not None and len(unknown) == 1:
            found.append(total - sum(p for p in parts if p is not None))
    for method in methods:
        chain = [value(period, method) for period in periods]  # all, quarter, month
        for whole, part in itertools.pairwise(chain):
            if (whole is None) != (part is None):
                found.append(whole if part is None else part)
    return found


@pytest.mark.parametrize("small", [3, 6])
def test_a_withheld_segment_cannot_be_recovered_by_differencing_tables(
    small, authority_a, make_member
):
    _small_consultation(authority_a, make_member, invited=20, method="workshop")
    _small_consultation(authority_a, make_member, invited=small, method="online_survey")
    benchmark_rollup_refresh(authority=authority_a)
    _, quarter, month = (key for _, key, _ in period_keys(timezone.now()))
    periods = ["all", quarter, month]
    methods = ["workshop", "online_survey"]

    def unprotected(period, method):
        """What the old rule published: the exact count, withheld below 5 participants."""
        segment = f"method:{method}" if method else "all"
        row = Rollup.objects.get(authority=authority_a, period_key=period, segment=segment)
        count = row.figures["people_invited"]
        return None if 0 < count < 5 else count

    if small < 5:
        assert small in _recovered(unprotected, periods, methods)
    observer = make_member(None, Role.OBSERVER).client(None)

    def published(period, method):
        params = {"period": period, **({"method": method} if method else {})}
        rows = _observer_table(observer, **params)
        return next(r for r in rows if r["slug"] == "alpha")["figures"]["people_invited"]

    assert published("all", None) == 25  # 23 people, rounded to the nearest 5
    recovered = _recovered(published, periods, methods)
    assert not [value for value in recovered if 0 < value <= THRESHOLD + 2]
    assert published("all", "online_survey") is None
    assert published("all", "workshop") is None  # withheld to protect the survey


# -- solve for another authority from quartiles with few contributors ---------------------


def test_another_authority_cannot_be_solved_from_the_median_of_two(
    authority_a, authority_b, make_member
):
    officer_a = make_member(authority_a, Role.OFFICER).user
    officer_b = make_member(authority_b, Role.OFFICER).user
    with authority_context(authority_a):
        for _ in range(10):
            make_proposal(authority_a, officer_a)
    with authority_context(authority_b):
        for _ in range(14):
            make_proposal(authority_b, officer_b)
    benchmark_rollup_refresh(authority=authority_a)
    benchmark_rollup_refresh(authority=authority_b)

    def solve(own, median):
        return None if median is None else 2 * median - own

    # Unprotected: the interpolated median of the two exact counts gives Beta's back.
    raw = {
        row.authority_id: row.figures["proposals_logged"]
        for row in Rollup.objects.filter(period_key="all", segment="all")
    }
    assert solve(raw[authority_a.pk], statistics.median(raw.values())) == raw[authority_b.pk]

    own = make_member(authority_a, Role.VIEWER).client(authority_a)
    body = own.get("/api/v1/benchmarks").json()
    logged = next(row for row in body["figures"] if row["figure"] == "proposals_logged")
    assert logged["value"] == 10  # its own figure, exact
    assert logged["median"] is None and logged["lower_quartile"] is None
    assert logged["best"] is None
    assert logged["distribution_suppressed"]["code"] == "too_few_contributors"
    assert solve(logged["value"], logged["median"]) is None


def test_quartiles_with_enough_contributors_are_published_values_not_averages(
    authority_a, authority_b, make_member
):
    _bystanders(5)
    officer = make_member(authority_a, Role.OFFICER).user
    with authority_context(authority_a):
        for _ in range(10):
            make_proposal(authority_a, officer)
    benchmark_rollup_refresh(authority=authority_a)
    own = make_member(authority_a, Role.VIEWER).client(authority_a)
    body = own.get("/api/v1/benchmarks").json()
    logged = next(row for row in body["figures"] if row["figure"] == "proposals_logged")
    observer = make_member(None, Role.OBSERVER).client(None)
    published = {
        row["figures"]["proposals_logged"]
        for row in _observer_table(observer)
        if row["figures"].get("proposals_logged") is not None
    }
    assert logged["authorities"] >= 5
    # Each statistic is one of the values everyone can already see in the table, so it
    # adds nothing an authority could solve with.
    for key in ("median", "lower_quartile", "upper_quartile"):
        assert logged[key] in published
