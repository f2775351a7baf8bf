"""Findings with no programme, or with one proposal, against figures worked out by hand.

Apart from tests/findings/test_matches_direct.py because those tests share one programme
for the whole module (tests/findings/conftest.py), which these must not see."""

from __future__ import annotations

import pytest

from tenants.context import authority_context
from tenants.roles import Role
from tests.findings.direct import held_consultations
from tests.findings.scenarios import answers, consulted


def _published(row):
    return {
        key: row[key]
        for key in ("respondents", "proposals", "authorities", "net_acceptability", "gap")
    }


@pytest.fixture
def observer(make_member):
    return make_member(None, Role.OBSERVER).client(None)


def test_with_no_consultation_held_every_cell_is_empty_not_withheld(exact_policy, observer):
    body = observer.get("/api/v1/findings", {"by": ["direction", "service_area"]}).json()
    for row in body["results"]:
        assert (row["respondents"], row["proposals"], row["authorities"]) == (0, 0, 0)
        assert row["net_acceptability"] is None
        assert row["gap"] == {"purposeful": None, "proportionate": None, "responsible": None}
        assert row["withheld"] == {}
    assert body["facts_computed_at"] is None


def test_a_single_category_holds_the_whole_programme(
    exact_policy, authority_a, make_member, observer
):
    """One proposal, outbound, four answers (5, 4, 4, 1) on tests the officers found met:
    the outbound cell is the total; net = (3 - 1) / 4 = 0.5; the purposeful gap with every
    answer at 4 (0.75 on 0..1) against "met" (1) is -0.25."""
    officer = make_member(authority_a, Role.OFFICER).user
    with authority_context(authority_a):
        consulted(authority_a, officer, responses=answers(5, 4, 4, 1), scale=5)
    held = held_consultations([authority_a])
    assert held[0].verdicts["purposeful"] == "met"
    rows = observer.get("/api/v1/findings", {"by": "direction"}).json()["results"]
    total, outbound, inbound, two_way = rows
    assert outbound["cell"] == {"direction": "outbound"}
    for row in (total, outbound):
        assert _published(row) == {
            "respondents": 4,
            "proposals": 1,
            "authorities": 1,
            "net_acceptability": 0.5,
            "gap": {"purposeful": -0.25, "proportionate": -0.25, "responsible": -0.25},
        }
    assert inbound["respondents"] == two_way["respondents"] == 0
    assert inbound["net_acceptability"] is None
