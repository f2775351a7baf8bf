"""The time-series endpoints label the series with the authority's all-time entry."""

from __future__ import annotations

from datetime import date

from backend.benchmarks.privacy import pseudonym_for
from tenants.roles import Role
from tests.benchmarks.rollups import rollup_create


def _rollup(authority, period_kind, period_key, start, mean):
    pseudonym_for(authority)
    rollup_create(
        authority,
        period_kind=period_kind,
        period_key=period_key,
        period_start=start,
        figures={"mean_acceptability": mean},
        counts={"responses": 40, "participants": 80},
    )


def _with_figures(authority):
    _rollup(authority, "all", "all", None, 3.0)
    _rollup(authority, "quarter", "2026-Q1", date(2026, 1, 1), 3.0)


def test_coordinator_reads_an_authority_time_series(make_member, authority_a, authority_b):
    _with_figures(authority_a)
    _rollup(authority_b, "quarter", "2026-Q1", date(2026, 1, 1), 5.0)
    client = make_member(None, Role.COORDINATOR).client(None)
    response = client.get(
        "/api/v1/benchmarks/authorities/alpha/timeseries", {"figure": "mean_acceptability"}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["authority"]["name"] == "Alpha District Council"
    (point,) = body["points"]
    assert point["period"] == "2026-Q1"
    assert point["value"] == 3.0
    assert point["authorities"] == 2
    # Two authorities: a median would be their average, which gives away the other.
    assert point["median"] is None
    assert point["distribution_suppressed"]["code"] == "too_few_contributors"


def test_time_series_of_an_authority_without_all_time_figures_is_not_found(
    make_member, authority_a
):
    pseudonym_for(authority_a)
    _rollup(authority_a, "quarter", "2026-Q1", date(2026, 1, 1), 3.0)
    client = make_member(None, Role.COORDINATOR).client(None)
    response = client.get(
        "/api/v1/benchmarks/authorities/alpha/timeseries", {"figure": "mean_acceptability"}
    )
    assert response.status_code == 404


def test_authority_reads_its_own_time_series(make_member, authority_a):
    _with_figures(authority_a)
    client = make_member(authority_a, Role.VIEWER).client(authority_a)
    response = client.get("/api/v1/benchmarks/timeseries", {"figure": "mean_acceptability"})
    assert response.status_code == 200, response.content
    assert response.json()["authority"]["slug"] == "alpha"
    assert response.json()["points"][0]["value"] == 3.0


def test_authority_without_figures_gets_not_found_for_its_time_series(make_member, authority_a):
    client = make_member(authority_a, Role.VIEWER).client(authority_a)
    response = client.get("/api/v1/benchmarks/timeseries", {"figure": "mean_acceptability"})
    assert response.status_code == 404
