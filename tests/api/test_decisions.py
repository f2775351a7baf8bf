"""The decisions API: recording through the proposal, listing, publishing, roles."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tenants.context import authority_context
from tenants.roles import Role
from tests.proposals.factories import make_decision, make_proposal


@pytest.fixture
def officer(authority_a, make_member):
    return make_member(authority_a, Role.OFFICER)


def test_a_conditional_approval_without_conditions_is_a_400(authority_a, officer):
    with authority_context(authority_a):
        proposal = make_proposal(authority_a, officer.user, status="awaiting_decision")
    response = officer.client(authority_a).post(
        f"/api/v1/proposals/{proposal.pk}/decision",
        {"outcome": "approved_with_conditions", "rationale": "Fine"},
        format="json",
    )
    assert response.status_code == 400
    assert "conditions" in response.json()["fields"]


def test_deciding_a_draft_is_a_409(authority_a, officer):
    with authority_context(authority_a):
        proposal = make_proposal(authority_a, officer.user)
    response = officer.client(authority_a).post(
        f"/api/v1/proposals/{proposal.pk}/decision",
        {"outcome": "rejected", "rationale": "No"},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["context"]["allowed"] == ["in_assessment", "withdrawn"]


def test_officers_publish_and_viewers_cannot(authority_a, officer, make_member):
    with authority_context(authority_a):
        decision = make_decision(authority_a, officer.user)
    viewer = make_member(authority_a, Role.VIEWER).client(authority_a)
    assert viewer.post(f"/api/v1/decisions/{decision.pk}/publish").status_code == 403
    published = officer.client(authority_a).post(f"/api/v1/decisions/{decision.pk}/publish")
    assert published.status_code == 200
    assert published.json()["published"] is True
    listed = viewer.get("/api/v1/decisions?published=true").json()["results"]
    assert [d["id"] for d in listed] == [decision.pk]


def _list_queries(client, count):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/api/v1/decisions?page_size={count}")
    assert len(response.json()["results"]) == count
    return len(queries)


def test_the_decision_list_runs_a_constant_number_of_queries(authority_a, officer):
    with authority_context(authority_a):
        for _ in range(21):  # more than either page: both count (api.pagination)
            make_decision(authority_a, officer.user)
    client = officer.client(authority_a)
    client.get("/api/v1/decisions?page_size=1")
    assert _list_queries(client, 5) == _list_queries(client, 20)
