"""The comparison API reads rollups: names, pseudonyms, suppression, charts and CSV."""

from __future__ import annotations

import pytest

from backend.benchmarks.models import Pseudonym
from backend.benchmarks.privacy import pseudonym_for
from tenants.models import Authority, AuthorityStatus
from tenants.roles import Role
from tests.benchmarks.rollups import rollup_create


def _rollup(authority, *, responses=10, participants=20, **figures):
    pseudonym_for(authority)
    base = {"proposals_logged": 10, "mean_acceptability": 3.5, "response_rate": 0.5}
    figures = {**base, **figures}
    return rollup_create(
        authority,
        figures=figures,
        counts={
            "responses": responses,
            "participants": participants,
            "proposals_logged": figures["proposals_logged"],
        },
    )


@pytest.fixture
def programme(authority_a, authority_b):
    """alpha (named) and beta (unnamed) plus three more unnamed authorities with figures."""
    _rollup(authority_a, proposals_logged=9)
    _rollup(authority_b, proposals_logged=8, responses=3, participants=4)
    for index, logged in enumerate([12, 16, 20]):
        other = Authority.objects.create(
            schema_name=f"other{index}",
            name=f"Other Council {index}",
            kind="district",
            status=AuthorityStatus.ACTIVE,
        )
        _rollup(other, proposals_logged=logged)
    return authority_a, authority_b


def _table(client, **params):
    response = client.get("/api/v1/benchmarks/authorities", params)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_coordinator_sees_every_name(make_member, programme):
    rows = _table(make_member(None, Role.COORDINATOR).client(None))
    names = {row["name"] for row in rows}
    assert {"Alpha District Council", "Beta County Council", "Other Council 0"} <= names


def test_observer_never_sees_unconsented_names(make_member, programme):
    client = make_member(None, Role.OBSERVER).client(None)
    body = client.get("/api/v1/benchmarks/authorities").content.decode()
    assert "Beta County Council" not in body and "beta" not in body
    assert "Other Council" not in body
    assert "Alpha District Council" in body  # alpha consented
    rows = _table(client)
    pseudonymous = [row for row in rows if row["slug"] is None]
    assert len(pseudonymous) == 4
    assert all(row["name"].startswith("Authority ") for row in pseudonymous)
    assert all(row["ref"].startswith("anon-") for row in pseudonymous)


def test_pseudonyms_are_stable_and_not_derived_from_the_authority(make_member, programme):
    client = make_member(None, Role.OBSERVER).client(None)
    first = {row["ref"] for row in _table(client)}
    second = {row["ref"] for row in _table(client)}
    assert first == second
    beta_number = Pseudonym.objects.get(authority__schema_name="beta").number
    assert pseudonym_for(Authority.objects.get(schema_name="beta")) == f"Authority {beta_number}"


def test_observer_cannot_address_an_unnamed_authority_by_slug(make_member, programme):
    client = make_member(None, Role.OBSERVER).client(None)
    assert client.get("/api/v1/benchmarks/authorities/beta").status_code == 404
    beta_ref = f"anon-{Pseudonym.objects.get(authority__schema_name='beta').number}"
    response = client.get(f"/api/v1/benchmarks/authorities/{beta_ref}")
    assert response.status_code == 200
    assert response.json()["authority"]["name"].startswith("Authority ")


def test_consent_change_names_the_authority(make_member, programme, authority_b):
    client = make_member(None, Role.OBSERVER).client(None)
    Authority.objects.filter(pk=authority_b.pk).update(consents_to_be_named=True)
    assert "Beta County Council" in {row["name"] for row in _table(client)}


def test_small_numbers_are_suppressed_with_a_reason(make_member, programme):
    rows = _table(make_member(None, Role.COORDINATOR).client(None))
    beta = next(row for row in rows if row["slug"] == "beta")
    assert beta["figures"]["mean_acceptability"] is None
    assert beta["suppressed"]["mean_acceptability"]["code"] == "derived_from_withheld"
    assert beta["suppressed"]["mean_acceptability"]["basis"] == "responses"
    assert beta["figures"]["response_rate"] is None  # 4 participants
    assert beta["figures"]["proposals_logged"] == 10  # 8, rounded to the nearest 5


def test_an_authority_sees_its_own_small_numbers(make_member, programme, authority_b):
    client = make_member(authority_b, Role.VIEWER).client(authority_b)
    body = client.get("/api/v1/benchmarks").json()
    figures = {row["figure"]: row for row in body["figures"]}
    assert figures["mean_acceptability"]["value"] == 3.5
    assert figures["mean_acceptability"]["suppressed"] is None


def test_an_authority_sees_only_itself_named(make_member, programme, authority_b):
    client = make_member(authority_b, Role.VIEWER).client(authority_b)
    response = client.get("/api/v1/benchmarks")
    body = response.content.decode()
    assert response.json()["authority"]["name"] == "Beta County Council"
    assert "Alpha District Council" not in body and "Other Council" not in body


def test_compare_gives_median_quartiles_and_best(make_member, programme):
    client = make_member(None, Role.COORDINATOR).client(None)
    body = client.get("/api/v1/benchmarks/authorities/alpha").json()
    logged = next(row for row in body["figures"] if row["figure"] == "proposals_logged")
    # Published (rounded) values 10, 10, 10, 15, 20; nearest-rank statistics.
    assert logged["value"] == 10  # 9, rounded: a coordinator is not alpha itself
    assert logged["authorities"] == 5
    assert logged["median"] == 10
    assert logged["lower_quartile"] == 10
    assert logged["upper_quartile"] == 15
    assert logged["distribution_suppressed"] is None
    assert logged["chart"].startswith("/api/v1/benchmarks/charts/distribution.svg?")


def test_distribution_chart_is_svg(make_member, programme):
    client = make_member(None, Role.COORDINATOR).client(None)
    response = client.get(
        "/api/v1/benchmarks/charts/distribution.svg",
        {"figure": "proposals_logged", "highlight": "alpha"},
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    svg = response.content.decode()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    # Bars drawn (one patch per authority with a value, besides the background ones).
    assert svg.count('<g id="patch_') >= 5
    assert "fill: #1d70b8" in svg


def test_a_csv_request_that_fails_answers_in_the_json_error_shape(anonymous, programme):
    response = anonymous(None).get("/api/v1/benchmarks/authorities", {"format": "csv"})
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "not_authenticated"


def test_csv_export_of_the_table(make_member, programme):
    client = make_member(None, Role.OBSERVER).client(None)
    response = client.get("/api/v1/benchmarks/authorities", {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("ref,name,slug,kind,nation,population_band,figures.")
    assert len(lines) == 6
    assert "Beta County Council" not in response.content.decode()


def test_bad_filters_are_400(make_member, programme):
    client = make_member(None, Role.COORDINATOR).client(None)
    assert client.get("/api/v1/benchmarks/authorities", {"period": "2026-13"}).status_code == 400
    both = client.get("/api/v1/benchmarks/authorities", {"service_area": "x", "method": "y"})
    assert both.status_code == 400
    assert (
        client.get("/api/v1/benchmarks/charts/distribution.svg", {"figure": "nope"}).status_code
        == 400
    )


def test_authority_members_cannot_use_the_programme_comparison(make_member, programme, authority_a):
    client = make_member(authority_a, Role.ADMIN).client(None)
    assert client.get("/api/v1/benchmarks/authorities").status_code == 403
