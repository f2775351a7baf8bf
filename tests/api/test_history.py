"""The audit trail: who changed what and when, bulk updates included, admins only."""

from __future__ import annotations

import pghistory
import pytest

from backend.proposals.models import Proposal
from backend.proposals.services import proposal_update
from tenants.context import authority_context
from tenants.roles import Role
from tests.proposals.factories import make_proposal


@pytest.fixture
def officer(authority_a, make_member):
    return make_member(authority_a, Role.OFFICER)


@pytest.fixture
def admin(authority_a, make_member):
    return make_member(authority_a, Role.ADMIN)


def test_history_says_who_changed_what(authority_a, officer, admin):
    with authority_context(authority_a):
        proposal = make_proposal(authority_a, officer.user, title="Before")
        proposal_update(
            authority=authority_a, proposal=proposal, actor=admin.user, fields={"title": "After"}
        )
    response = admin.client(authority_a).get(
        f"/api/v1/history?model=proposal&object_id={proposal.pk}"
    )
    assert response.status_code == 200
    events = response.json()["results"]
    assert [e["event"] for e in events] == ["insert", "update"]
    assert events[0]["actor"] == {"id": officer.user.pk, "email": officer.user.email}
    assert events[1]["actor"] == {"id": admin.user.pk, "email": admin.user.email}
    assert events[1]["changes"]["title"] == ["Before", "After"]


def test_transitions_and_replaced_children_are_in_the_history(authority_a, officer, admin):
    with authority_context(authority_a):
        proposal = make_proposal(authority_a, officer.user, status="in_assessment")
        proposal_update(
            authority=authority_a, proposal=proposal, actor=officer.user, fields={}, risks=[]
        )
    client = admin.client(authority_a)
    status_changes = [
        e["changes"].get("status")
        for e in client.get(f"/api/v1/history?model=proposal&object_id={proposal.pk}").json()[
            "results"
        ]
        if e["changes"]
    ]
    assert ["draft", "in_assessment"] in status_changes
    risks = client.get("/api/v1/history?model=risk&event=delete").json()["results"]
    assert len(risks) == 1
    assert risks[0]["actor"]["id"] == officer.user.pk


def test_bulk_updates_are_recorded(authority_a, officer, admin):
    with authority_context(authority_a):
        proposals = [make_proposal(authority_a, officer.user) for _ in range(3)]
        with pghistory.context(user=admin.user.pk):
            Proposal.objects.filter(pk__in=[p.pk for p in proposals]).update(
                retention_period="7 years"
            )
    events = admin.client(authority_a).get("/api/v1/history?model=proposal&event=update").json()
    bulk = [e for e in events["results"] if e["changes"].get("retention_period")]
    assert len(bulk) == 3
    assert {e["actor"]["id"] for e in bulk} == {admin.user.pk}


@pytest.mark.parametrize("role", [Role.OFFICER, Role.FACILITATOR, Role.VIEWER])
def test_only_admins_read_history(role, authority_a, make_member):
    member = make_member(authority_a, role)
    response = member.client(authority_a).get("/api/v1/history?model=proposal")
    assert response.status_code == 403


def test_an_unknown_model_is_a_400(authority_a, admin):
    response = admin.client(authority_a).get("/api/v1/history?model=user")
    assert response.status_code == 400
    assert "model" in response.json()["fields"]


def _history_queries(client, count):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/api/v1/history?model=proposal&page_size={count}")
    assert len(response.json()["results"]) == count
    return len(queries)


def test_the_history_list_runs_a_constant_number_of_queries(authority_a, officer, admin):
    with authority_context(authority_a):
        for _ in range(51):  # more than either page: both count (api.pagination)
            make_proposal(authority_a, officer.user)
    client = admin.client(authority_a)
    client.get("/api/v1/history?model=proposal&page_size=1")
    assert _history_queries(client, 5) == _history_queries(client, 50)
