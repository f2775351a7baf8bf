"""Every figure the API publishes equals a direct computation over the authorities' own rows."""

from __future__ import annotations

import itertools

import pytest

from backend.findings.dimensions import DIMENSIONS
from tenants.roles import Role
from tests.findings.direct import figures, held_consultations

DECIMALS = 6


def _rounded(value):
    return None if value is None else round(value, DECIMALS)


def _expected(held, cell):
    exact = figures(held, cell)
    return {
        "respondents": exact["respondents"],
        "proposals": exact["proposals"],
        "authorities": exact["authorities"],
        "net_acceptability": _rounded(exact["net_acceptability"]),
        "gap": {test: _rounded(value) for test, value in exact["gap"].items()},
    }


def _published(row):
    return {
        key: row[key]
        for key in ("respondents", "proposals", "authorities", "net_acceptability", "gap")
    }


QUERIES = [[key] for key in DIMENSIONS] + [
    list(pair) for pair in itertools.combinations(DIMENSIONS, 2)
]


@pytest.fixture
def observer(make_member):
    return make_member(None, Role.OBSERVER).client(None)


def test_every_cell_of_every_query_equals_the_direct_computation(exact_policy, programme, observer):
    held = held_consultations(programme)
    assert len(held) == 6
    for by in QUERIES:
        response = observer.get("/api/v1/findings", {"by": by})
        assert response.status_code == 200, response.content
        rows = response.json()["results"]
        total, cells = rows[0], rows[1:]
        assert total["scope"] == "total" and total["cell"] == {}
        assert _published(total) == _expected(held, {}), by
        for row in cells:
            assert set(row["cell"]) == set(by)
            assert row["withheld"] == {}
            assert _published(row) == _expected(held, row["cell"]), (by, row["cell"])
        # Every value of the dimensions is a row, in the catalogue's order.
        sizes = [len(DIMENSIONS[key].values) for key in by]
        assert len(cells) == (sizes[0] if len(by) == 1 else sizes[0] * sizes[1])


def test_the_programme_total_by_hand(exact_policy, programme, observer):
    """Worked by hand from the fixture's answers (5 4 3 2 1 1 | 1 2 2 4 | 4 5 5 | 3 4 4 5 2 |
    1 1 4 | none): 21 answers, 10 acceptable (4 or 5), 9 unacceptable (1 or 2)."""
    total = observer.get("/api/v1/findings", {"by": "direction"}).json()["results"][0]
    assert total["respondents"] == 21
    assert total["proposals"] == 6  # the consultation nobody answered still counts
    assert total["authorities"] == 2
    assert total["net_acceptability"] == round(1 / 21, DECIMALS)


def test_a_multi_valued_value_counts_every_proposal_that_has_it(exact_policy, programme, observer):
    """Health is one of alpha's first proposal's two areas and beta's first proposal's only
    one: both count in full under health (6 + 5 answers), and the cells of the dimension
    add up to more than the total because the first also counts under housing."""
    rows = observer.get("/api/v1/findings", {"by": "service_area"}).json()["results"]
    by_value = {row["cell"]["service_area"]: row for row in rows[1:]}
    assert by_value["health"]["respondents"] == 11
    assert by_value["health"]["proposals"] == 2
    assert by_value["housing"]["respondents"] == 9
    assert by_value["education"]["respondents"] == 0
    assert by_value["education"]["net_acceptability"] is None
    assert by_value["social_care"]["proposals"] == 0
    assert sum(row["respondents"] for row in by_value.values()) > rows[0]["respondents"]
