"""A frontend picks a person from the members list and sends that person's user_id."""

from __future__ import annotations

from tenants.roles import Role
from tests.proposals.factories import CHILDREN, proposal_fields


def test_members_list_gives_the_user_id_that_owner_takes(authority_a, make_member):
    admin = make_member(authority_a, Role.ADMIN)
    colleague = make_member(authority_a, Role.OFFICER)
    client = admin.client(authority_a)
    members = client.get("/api/v1/members?page_size=200").json()["results"]
    picked = next(m for m in members if m["email"] == colleague.user.email)
    assert picked["user_id"] == colleague.user.pk
    assert picked["full_name"] == colleague.user.full_name

    payload = {**proposal_fields(), **CHILDREN, "owner": picked["user_id"]}
    created = client.post("/api/v1/proposals", payload, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["owner"]["id"] == colleague.user.pk
    owned = client.get(f"/api/v1/proposals?owner={picked['user_id']}").json()
    assert [p["id"] for p in owned["results"]] == [created.json()["id"]]
