"""The funding ledger and position: money in, consultation costs copied from real closures."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest

from backend.consultations.services import (
    consultation_close,
    consultation_open,
    consultation_update,
)
from backend.programme.models import ConsultationCost, FundingEntry
from backend.programme.services import consultation_cost_record
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
    assert position["proposals_consulted"] == 2
    assert position["cost_per_proposal"] == "250.00"
    # 4 and 1 people responded: residents' counts that small never leave an authority.
    assert position["participants"] is None
    assert position["withheld"]["participants"]["code"] == "small_count"
    assert position["cost_per_participant"] is None
    assert position["withheld"]["cost_per_participant"]["code"] == "derived_from_withheld"
    lines = {line["funder_name"]: line for line in position["lines"]}
    assert lines["Alpha District Council"]["received"] == "550.00"
    assert lines["Alpha District Council"]["consultation_costs"] == "400.00"
    assert lines["Beta County Council"]["pledged"] == "0.00"
    assert lines["Nuffield-style Trust"]["authority"] is None
    assert lines["Alpha District Council"]["participants"] is None
    assert lines["Alpha District Council"]["cost_per_participant"] is None
    assert lines["Nuffield-style Trust"]["participants"] == 0
    assert lines["Nuffield-style Trust"]["withheld"] == {}


def _costed(authority, *, participants: int, cost: str, consultation_id: int = 1):
    """The programme's copy of a closed consultation (what the close event writes)."""
    consultation_cost_record(
        authority_id=authority.pk,
        consultation_id=consultation_id,
        proposal_id=consultation_id,
        closed_on=date(2026, 6, 1),
        cost=Decimal(cost),
        participants=participants,
    )


def test_large_counts_are_rounded_and_cost_per_participant_divides_by_the_rounded_count(
    coordinator, authority_a, authority_b
):
    _costed(authority_a, participants=23, cost="2300.00")
    _costed(authority_b, participants=41, cost="820.00")
    position = coordinator.get("/api/v1/funding/position").json()
    lines = {line["authority"]: line for line in position["lines"]}
    assert (lines["alpha"]["participants"], lines["alpha"]["cost_per_participant"]) == (
        25,
        "92.00",
    )
    assert (lines["beta"]["participants"], lines["beta"]["cost_per_participant"]) == (40, "20.50")
    assert lines["alpha"]["consultation_costs"] == "2300.00"  # money is not rounded
    assert (position["participants"], position["cost_per_participant"]) == (65, "48.00")
    assert position["withheld"] == {}


def test_a_small_line_takes_another_line_with_it_so_the_total_cannot_give_it_back(
    coordinator, authority_a, authority_b
):
    _costed(authority_a, participants=3, cost="600.00")
    _costed(authority_b, participants=40, cost="800.00")
    position = coordinator.get("/api/v1/funding/position").json()
    lines = {line["authority"]: line for line in position["lines"]}
    assert lines["alpha"]["withheld"]["participants"]["code"] == "small_count"
    assert lines["beta"]["participants"] is None
    assert lines["beta"]["withheld"]["participants"]["code"] == "secondary"
    assert lines["beta"]["withheld"]["cost_per_participant"]["code"] == "derived_from_withheld"
    assert position["participants"] == 45  # 43 rounded: neither line can be solved from it


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
        # A NUL in the slug was a 500 (PostgreSQL refuses to compare it); schemathesis.
        ({"kind": "pledge", "amount": "5", "on": "2026-01-01", "authority": "al\x00"}, "authority"),
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


def test_the_position_csv_withholds_what_the_json_withholds_and_says_why(
    coordinator, authority_a, authority_b
):
    _costed(authority_a, participants=2, cost="500.00")
    _costed(authority_b, participants=30, cost="900.00")
    response = coordinator.get("/api/v1/funding/position?format=csv&bom=0")
    reader = csv.DictReader(io.StringIO(response.content.decode("utf-8")))
    assert reader.fieldnames is not None
    assert "withheld.participants.code" in reader.fieldnames
    rows = {row["authority"]: row for row in reader}
    assert rows["alpha"]["participants"] == ""
    assert rows["alpha"]["cost_per_participant"] == ""
    assert rows["alpha"]["withheld.participants.code"] == "small_count"
    assert rows["alpha"]["withheld.cost_per_participant.code"] == "derived_from_withheld"
    assert rows["beta"]["withheld.participants.code"] == "secondary"


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
