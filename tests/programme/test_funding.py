"""The funding ledger and position: money in, consultation costs copied from real closures."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest

from backend.consultations.services import (
    consultation_close,
    consultation_open,
    consultation_update,
)
from backend.programme.models import ConsultationCost, FundingEntry
from tenants.context import authority_context
from tenants.roles import Role
from tests.consultations.factories import make_consultation, make_participant, respond


@pytest.fixture
def coordinator(make_member):
    return make_member(None, Role.COORDINATOR).client(None)


def _entry(client, **fields):
    response = client.post("/api/v1/funding/entries", fields, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def _closed_consultation(authority, *, responders: int, cost_staff: str):
    with authority_context(authority):
        consultation = make_consultation(cost_staff=Decimal(cost_staff))
        people = [make_participant(consultation) for _ in range(responders + 1)]
        consultation_open(consultation=consultation)
        for person in people[:responders]:
            respond(person)
        consultation_close(consultation=consultation)
        return consultation


def test_closing_a_consultation_copies_its_cost_and_a_later_cost_change_follows(authority_a):
    consultation = _closed_consultation(authority_a, responders=3, cost_staff="300.00")
    copy = ConsultationCost.objects.get(authority=authority_a, consultation_id=consultation.pk)
    assert (copy.cost, copy.participants) == (Decimal("300.00"), 3)

    with authority_context(authority_a):
        consultation_update(consultation=consultation, cost_venue=Decimal("150.00"))
    copy.refresh_from_db()
    assert copy.cost == Decimal("450.00")
    assert ConsultationCost.objects.filter(consultation_id=consultation.pk).count() == 1


def test_the_position_adds_up_the_ledger_and_the_costs(coordinator, authority_a, authority_b):
    _closed_consultation(authority_a, responders=4, cost_staff="400.00")
    _closed_consultation(authority_b, responders=1, cost_staff="100.00")
    _entry(coordinator, kind="pledge", amount="1000.00", on="2026-04-01", authority="alpha")
    _entry(coordinator, kind="receipt", amount="600.00", on="2026-05-01", authority="alpha")
    _entry(
        coordinator,
        kind="receipt",
        amount="2000.00",
        on="2026-05-02",
        funder_name="Nuffield-style Trust",
    )
    _entry(
        coordinator,
        kind="receipt",
        amount="-50.00",
        on="2026-05-03",
        authority="alpha",
        note="Bank charge on the May receipt",
    )

    position = coordinator.get("/api/v1/funding/position").json()
    assert position["pledged"] == "1000.00"
    assert position["received"] == "2550.00"
    assert position["outstanding"] == "450.00"
    assert position["consultation_costs"] == "500.00"
    assert position["balance"] == "2050.00"
    assert position["participants"] == 5
    assert position["proposals_consulted"] == 2
    assert position["cost_per_participant"] == "100.00"
    assert position["cost_per_proposal"] == "250.00"
    lines = {line["funder_name"]: line for line in position["lines"]}
    assert lines["Alpha District Council"]["received"] == "550.00"
    assert lines["Alpha District Council"]["consultation_costs"] == "400.00"
    assert lines["Beta County Council"]["pledged"] == "0.00"
    assert lines["Nuffield-style Trust"]["authority"] is None


def test_the_position_on_a_past_day_leaves_out_what_came_later(coordinator):
    _entry(coordinator, kind="receipt", amount="100.00", on="2026-01-10", funder_name="Fund A")
    _entry(coordinator, kind="receipt", amount="900.00", on="2026-03-10", funder_name="Fund A")
    then = coordinator.get("/api/v1/funding/position?on_or_before=2026-02-01").json()
    assert then["received"] == "100.00"
    assert then["cost_per_participant"] is None


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"kind": "receipt", "amount": "0", "on": "2026-01-01", "funder_name": "X"}, "amount"),
        ({"kind": "receipt", "amount": "-5", "on": "2026-01-01", "funder_name": "X"}, "note"),
        ({"kind": "receipt", "amount": "5", "on": "2026-01-01"}, "funder_name"),
        (
            {
                "kind": "receipt",
                "amount": "5",
                "on": "2026-01-01",
                "authority": "alpha",
                "funder_name": "X",
            },
            "funder_name",
        ),
        ({"kind": "gift", "amount": "5", "on": "2026-01-01", "funder_name": "X"}, "kind"),
        ({"kind": "pledge", "amount": "5", "on": "2026-01-01", "authority": "nope"}, "authority"),
        ({"kind": "pledge", "amount": "1e20", "on": "2026-01-01", "funder_name": "X"}, "amount"),
    ],
)
def test_bad_entries_are_refused_and_nothing_is_written(coordinator, fields, field):
    response = coordinator.post("/api/v1/funding/entries", fields, format="json")
    assert response.status_code == 400
    assert field in response.json()["fields"]
    assert not FundingEntry.objects.exists()


def test_the_ledger_and_the_position_download_as_csv(coordinator):
    _entry(
        coordinator,
        kind="pledge",
        amount="250.00",
        on="2026-02-01",
        funder_name='=HYPERLINK("http://x")',
    )
    entries = coordinator.get("/api/v1/funding/entries?format=csv")
    assert entries["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(entries.content.decode("utf-8-sig"))))
    assert rows[0]["amount"] == "250.00"
    assert rows[0]["funder_name"].startswith("'=")  # no formula for the spreadsheet to run
    lines = coordinator.get("/api/v1/funding/position", HTTP_ACCEPT="text/csv")
    rows = list(csv.DictReader(io.StringIO(lines.content.decode("utf-8-sig"))))
    assert [row["funder_name"] for row in rows] == ['\'=HYPERLINK("http://x")']


def test_the_ledger_is_append_only(coordinator):
    entry = _entry(coordinator, kind="pledge", amount="250.00", on="2026-02-01", funder_name="F")
    assert coordinator.delete(f"/api/v1/funding/entries/{entry['id']}").status_code == 405
    assert coordinator.patch(f"/api/v1/funding/entries/{entry['id']}", {}).status_code == 405


@pytest.mark.parametrize("role", [Role.OBSERVER])
def test_only_coordinators_see_the_money(make_member, role):
    client = make_member(None, role).client(None)
    assert client.get("/api/v1/funding/position").status_code == 403
    assert client.get("/api/v1/funding/entries").status_code == 403


def test_authorities_cannot_reach_the_ledger(authority_a, make_member):
    admin = make_member(authority_a, Role.ADMIN).client(authority_a)
    assert admin.get("/api/v1/funding/position").status_code == 404
