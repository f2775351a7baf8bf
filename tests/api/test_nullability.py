"""Answers match their schema: a blank URL or demographic is null, never "" outside its format."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from tenants.context import authority_context
from tenants.roles import Role
from tests.consultations.factories import make_proposal


def test_blank_online_url_and_demographics_are_null(authority_a, make_member):
    with authority_context(authority_a):
        proposal = make_proposal()
    client = make_member(authority_a, Role.OFFICER).client(authority_a)
    start = timezone.now() + timedelta(days=3)
    created = client.post(
        "/api/v1/consultations",
        {
            "proposal": proposal.pk,
            "method": "focus_group",
            "title": "Focus group",
            "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=2)).isoformat(),
            "online_url": "",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert created.json()["online_url"] is None
    consultation = created.json()["id"]
    assert client.get(f"/api/v1/consultations/{consultation}").json()["online_url"] is None

    participant = client.post(
        "/api/v1/participants",
        {"consultation": consultation, "email": "resident@example.org", "gender": ""},
        format="json",
    )
    assert participant.status_code == 201, participant.json()
    body = client.get(f"/api/v1/participants/{participant.json()['id']}").json()
    assert body["age_band"] is None and body["gender"] is None
