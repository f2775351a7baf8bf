"""The proposals API: create, edit, move, roles, filters, query counts and the CSV export."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backend.proposals.models import Proposal
from tenants.context import authority_context
from tenants.roles import Role
from tests.factories import full_answers, seed_version
from tests.proposals.factories import CHILDREN, hold_consultation, make_proposal, proposal_fields


def _payload(**overrides):
    return {**proposal_fields(), **CHILDREN, **overrides}


@pytest.fixture
def officer(authority_a, make_member):
    return make_member(authority_a, Role.OFFICER)


def test_an_officer_creates_a_proposal_with_its_children(authority_a, officer):
    response = officer.client(authority_a).post("/api/v1/proposals", _payload(), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["reference"].startswith("DSP-")
    assert body["status"] == "draft"
    assert body["allowed_transitions"] == ["in_assessment", "withdrawn"]
    assert [c["name"] for c in body["data_categories"]] == ["Address", "Health condition"]
    assert body["owner"]["id"] == officer.user.pk


def test_a_bad_nested_row_is_a_400_and_writes_nothing(authority_a, officer):
    payload = _payload(partners=[{"name": "Acme", "organisation_type": "bank", "role": "x"}])
    response = officer.client(authority_a).post("/api/v1/proposals", payload, format="json")
    assert response.status_code == 400
    assert "partners.0.organisation_type" in response.json()["fields"]
    with authority_context(authority_a):
        assert not Proposal.objects.exists()


def test_an_owner_from_outside_the_authority_is_a_400(
    authority_a, authority_b, officer, make_member
):
    outsider = make_member(authority_b, Role.ADMIN)
    response = officer.client(authority_a).post(
        "/api/v1/proposals", _payload(owner=outsider.user.pk), format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "owner_not_member"
    assert "owner" in response.json()["fields"]


def test_a_viewer_cannot_be_made_owner_on_create_or_edit(authority_a, officer, make_member):
    viewer = make_member(authority_a, Role.VIEWER)
    client = officer.client(authority_a)
    response = client.post("/api/v1/proposals", _payload(owner=viewer.user.pk), format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "owner_cannot_act"
    assert "owner" in response.json()["fields"]
    created = client.post("/api/v1/proposals", _payload(), format="json").json()
    response = client.patch(
        f"/api/v1/proposals/{created['id']}", {"owner": viewer.user.pk}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "owner_cannot_act"
    assert client.get(f"/api/v1/proposals/{created['id']}").json()["owner"]["id"] == (
        officer.user.pk
    )


@pytest.mark.parametrize(
    ("role", "expected"),
    [(Role.ADMIN, 201), (Role.OFFICER, 201), (Role.FACILITATOR, 403), (Role.VIEWER, 403)],
)
def test_only_caseworkers_create(role, expected, authority_a, make_member):
    member = make_member(authority_a, role)
    response = member.client(authority_a).post("/api/v1/proposals", _payload(), format="json")
    assert response.status_code == expected


def test_a_viewer_reads_but_cannot_move_a_proposal(authority_a, officer, make_member):
    with authority_context(authority_a):
        proposal = make_proposal(authority_a, officer.user)
    viewer = make_member(authority_a, Role.VIEWER).client(authority_a)
    assert viewer.get(f"/api/v1/proposals/{proposal.pk}").status_code == 200
    refused = viewer.post(f"/api/v1/proposals/{proposal.pk}/submit")
    assert refused.status_code == 403
    assert refused.json()["code"] == "role_not_allowed"


def test_a_coordinator_cannot_read_an_authoritys_proposals(authority_a, make_member):
    coordinator = make_member(None, Role.COORDINATOR)
    response = coordinator.client(authority_a).get("/api/v1/proposals")
    assert response.status_code == 403
    assert response.json()["code"] == "not_a_member"


def test_an_illegal_move_is_a_409_listing_the_allowed_ones(authority_a, officer):
    with authority_context(authority_a):
        proposal = make_proposal(authority_a, officer.user)
    response = officer.client(authority_a).post(
        f"/api/v1/proposals/{proposal.pk}/finish-consultation"
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "illegal_transition"
    assert body["context"]["allowed"] == ["in_assessment", "withdrawn"]


def test_skipping_consultation_without_a_reason_is_a_400(authority_a, officer):
    with authority_context(authority_a):
        proposal = make_proposal(authority_a, officer.user, status="in_assessment")
    client = officer.client(authority_a)
    response = client.post(f"/api/v1/proposals/{proposal.pk}/skip-consultation", {}, format="json")
    assert response.status_code == 400
    assert "reason" in response.json()["fields"]
    ok = client.post(
        f"/api/v1/proposals/{proposal.pk}/skip-consultation",
        {"reason": "Emergency housing duty"},
        format="json",
    )
    assert ok.json()["status"] == "awaiting_decision"


def test_the_workflow_through_the_api_is_logged(authority_a, officer, make_member):
    client = officer.client(authority_a)
    pk = client.post("/api/v1/proposals", _payload(), format="json").json()["id"]
    assert client.post(f"/api/v1/proposals/{pk}/submit").status_code == 200
    # The methodology: the officer assesses, a second caseworker signs off.
    assessment = client.post("/api/v1/assessments", {"proposal": pk}, format="json").json()
    with authority_context(authority_a):
        answers = full_answers(seed_version())
    url = f"/api/v1/assessments/{assessment['id']}"
    assert client.post(f"{url}/answers", {"answers": answers}, format="json").status_code == 200
    assert client.post(f"{url}/submit").status_code == 200
    reviewer = make_member(authority_a, Role.ADMIN).client(authority_a)
    assert reviewer.post(f"{url}/sign-off").status_code == 200
    assert client.post(f"/api/v1/proposals/{pk}/start-consultation").status_code == 200
    with authority_context(authority_a):
        hold_consultation(Proposal.objects.get(pk=pk), officer.user)
    assert client.post(f"/api/v1/proposals/{pk}/finish-consultation").status_code == 200
    decided = client.post(
        f"/api/v1/proposals/{pk}/decision",
        {"outcome": "approved", "rationale": "Clear benefit"},
        format="json",
    )
    assert decided.status_code == 201
    log = client.get(f"/api/v1/proposals/{pk}/transitions").json()
    assert [(m["from_status"], m["to_status"]) for m in log] == [
        ("draft", "in_assessment"),
        ("in_assessment", "in_consultation"),
        ("in_consultation", "awaiting_decision"),
        ("awaiting_decision", "decided"),
    ]
    assert {m["by"]["id"] for m in log} == {officer.user.pk}
    assert client.get(f"/api/v1/proposals/{pk}").json()["decided_at"]


def test_editing_replaces_a_list_and_closed_proposals_refuse_edits(authority_a, officer):
    with authority_context(authority_a):
        open_one = make_proposal(authority_a, officer.user)
        closed = make_proposal(authority_a, officer.user, status="withdrawn")
    client = officer.client(authority_a)
    edited = client.patch(
        f"/api/v1/proposals/{open_one.pk}", {"partners": [], "title": "New"}, format="json"
    )
    assert edited.status_code == 200
    assert edited.json()["partners"] == []
    assert edited.json()["title"] == "New"
    refused = client.patch(f"/api/v1/proposals/{closed.pk}", {"title": "New"}, format="json")
    assert refused.status_code == 409
    assert refused.json()["code"] == "proposal_closed"


def test_filters_narrow_the_list(authority_a, officer):
    with authority_context(authority_a):
        housing = make_proposal(authority_a, officer.user, service_areas=["housing"])
        make_proposal(authority_a, officer.user, service_areas=["welfare"], status="in_assessment")
    client = officer.client(authority_a)
    by_area = client.get("/api/v1/proposals?service_area=housing").json()["results"]
    assert [p["id"] for p in by_area] == [housing.pk]
    by_status = client.get("/api/v1/proposals?status=in_assessment").json()["results"]
    assert [p["status"] for p in by_status] == ["in_assessment"]
    by_text = client.get(f"/api/v1/proposals?search={housing.reference}").json()["results"]
    assert [p["id"] for p in by_text] == [housing.pk]


def test_a_time_filter_with_an_offset_postgresql_refuses_is_compared_in_utc(authority_a, officer):
    # Python takes offsets up to ±23:59, PostgreSQL only ±15:59; this used to be a 500.
    with authority_context(authority_a):
        proposal = make_proposal(authority_a, officer.user)
    client = officer.client(authority_a)
    since = client.get("/api/v1/proposals", {"created_from": "2000-01-01T00:00:00-22:39"})
    assert since.status_code == 200
    assert [p["id"] for p in since.json()["results"]] == [proposal.pk]
    until = client.get("/api/v1/proposals", {"submitted_to": "0209-08-24T13:35:33-22:39"})
    assert until.status_code == 200 and until.json()["results"] == []


def test_a_time_filter_before_year_one_in_utc_is_a_400(authority_a, officer):
    response = officer.client(authority_a).get(
        "/api/v1/proposals", {"created_from": "0001-01-01T00:00:00+05:00"}
    )
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["created_from"]


def _list_queries(client, count):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/api/v1/proposals?page_size={count}")
    assert len(response.json()["results"]) == count
    return len(queries)


def test_the_list_runs_a_constant_number_of_queries(authority_a, officer):
    # More proposals than either page holds, so both pages need the COUNT (api.pagination).
    with authority_context(authority_a):
        for _ in range(51):
            make_proposal(authority_a, officer.user)
    client = officer.client(authority_a)
    client.get("/api/v1/proposals?page_size=1")  # warm the host and role caches
    assert _list_queries(client, 5) == _list_queries(client, 50)


def _export(client):
    response = client.get("/api/v1/proposals/export")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def test_the_export_has_states_dates_and_verdict_columns(authority_a, officer):
    with authority_context(authority_a):
        decided = make_proposal(authority_a, officer.user, status="decided")
    rows = _export(officer.client(authority_a))
    header, row = rows[0], dict(zip(rows[0], rows[1], strict=True))
    assert header[-4:] == [
        "verdict_overall",
        "verdict_purposeful",
        "verdict_proportionate",
        "verdict_responsible",
    ]
    assert row["reference"] == decided.reference
    assert row["status"] == "decided"
    assert row["submitted_at"] and row["decided_at"]
    assert row["service_areas"] == "housing;health"
    # A decided proposal always has a signed-off assessment.
    assert row["verdict_overall"] == "met"


@pytest.mark.parametrize("title", ["=1+2", "+44 20", "-3", "@SUM(A1)"])
def test_the_export_defuses_formulas(title, authority_a, officer):
    with authority_context(authority_a):
        make_proposal(authority_a, officer.user, title=title)
    assert _export(officer.client(authority_a))[1][1] == "'" + title


def test_the_export_quotes_commas_quotes_and_newlines(authority_a, officer):
    title = 'Homes, "safe" ones\nand more'
    with authority_context(authority_a):
        make_proposal(authority_a, officer.user, title=title)
    response = officer.client(authority_a).get("/api/v1/proposals/export")
    raw = b"".join(response.streaming_content).decode()
    assert '"Homes, ""safe"" ones\nand more"' in raw
    assert list(csv.reader(io.StringIO(raw)))[1][1] == title
