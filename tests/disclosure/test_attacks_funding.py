"""Somebody with the coordinator's funding position (or its CSV, forwarded to a finance
team) tries to recover how many residents answered one authority's consultations.

Each attack first runs on the exact figures (``funding_position``, what the endpoint
published before disclosure control), to show that it works; then on what the API
publishes. The cost copies are written by the same service the consultation-close
event calls.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from backend.programme.selectors import funding_position
from backend.programme.services import consultation_cost_record
from tenants.models import Authority, AuthorityKind, AuthorityStatus
from tenants.roles import Role


@pytest.fixture
def coordinator(make_member):
    return make_member(None, Role.COORDINATOR).client(None)


@pytest.fixture
def authority_c():
    """A third participating authority: a plain row is enough, the costs live in public."""
    return Authority.objects.create(
        schema_name="gamma",
        name="Gamma Borough Council",
        kind=AuthorityKind.DISTRICT,
        status=AuthorityStatus.ACTIVE,
    )


def _costed(authority, *, participants: int, cost: str) -> None:
    consultation_cost_record(
        authority_id=authority.pk,
        consultation_id=1,
        proposal_id=1,
        closed_on=date(2026, 6, 1),
        cost=Decimal(cost),
        participants=participants,
    )


def _exact_lines():
    """The unprotected figures, as the endpoint served them before disclosure control."""
    position = funding_position()
    lines = {
        line.authority.schema_name: {
            "consultation_costs": line.consultation_costs,
            "participants": line.participants,
            "cost_per_participant": (
                (line.consultation_costs / line.participants).quantize(Decimal("0.01"))
                if line.participants
                else None
            ),
        }
        for line in position.lines
        if line.authority is not None
    }
    return {"participants": position.participants, "lines": lines}


def _published(client):
    body = client.get("/api/v1/funding/position").json()
    lines = {
        line["authority"]: {
            "consultation_costs": Decimal(line["consultation_costs"]),
            "participants": line["participants"],
            "cost_per_participant": (
                Decimal(line["cost_per_participant"]) if line["cost_per_participant"] else None
            ),
        }
        for line in body["lines"]
        if line["authority"]
    }
    return {"participants": body["participants"], "lines": lines}


# -- solve the count from the money: costs ÷ cost per participant ----------------------------


def _people_from_cost(line):
    if line["cost_per_participant"] is None:
        return None
    return round(line["consultation_costs"] / line["cost_per_participant"])


def test_cost_over_cost_per_participant_gives_a_small_count_back_unless_withheld(
    coordinator, authority_a, authority_b
):
    _costed(authority_a, participants=3, cost="1200.00")
    _costed(authority_b, participants=40, cost="2000.00")

    assert _people_from_cost(_exact_lines()["lines"]["alpha"]) == 3  # the attack works

    published = _published(coordinator)["lines"]["alpha"]
    assert published["participants"] is None
    assert _people_from_cost(published) is None


def test_cost_over_cost_per_participant_gives_only_the_rounded_count_of_a_large_one(
    coordinator, authority_a, authority_b
):
    _costed(authority_a, participants=23, cost="2300.00")
    _costed(authority_b, participants=40, cost="2000.00")

    assert _people_from_cost(_exact_lines()["lines"]["alpha"]) == 23

    published = _published(coordinator)["lines"]["alpha"]
    assert published["participants"] == 25
    assert _people_from_cost(published) == 25  # the rounding, not the exact 23


# -- differencing: the total minus every other line -------------------------------------------


def _people_by_subtraction(figures, target):
    others = [line["participants"] for ref, line in figures["lines"].items() if ref != target]
    if figures["participants"] is None or None in others:
        return None
    return figures["participants"] - sum(others)


def test_the_total_minus_the_other_lines_does_not_give_a_withheld_line_back(
    coordinator, authority_a, authority_b, authority_c
):
    _costed(authority_a, participants=3, cost="300.00")
    _costed(authority_b, participants=40, cost="900.00")
    _costed(authority_c, participants=30, cost="600.00")

    assert _people_by_subtraction(_exact_lines(), "alpha") == 3

    published = _published(coordinator)
    assert published["lines"]["alpha"]["participants"] is None
    assert _people_by_subtraction(published, "alpha") is None
    # And the two withheld lines together are no small count either.
    hidden = [ref for ref, line in published["lines"].items() if line["participants"] is None]
    exact = _exact_lines()["lines"]
    assert sum(exact[ref]["participants"] for ref in hidden) > 7


def test_a_lone_authority_with_few_participants_withholds_the_total(coordinator, authority_a):
    _costed(authority_a, participants=5, cost="500.00")

    exact = _exact_lines()
    assert exact["participants"] == 5  # the total is that authority's count

    body = coordinator.get("/api/v1/funding/position").json()
    assert body["participants"] is None
    assert body["cost_per_participant"] is None
    assert body["withheld"]["cost_per_participant"]["code"] == "derived_from_withheld"
