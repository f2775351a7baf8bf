"""The webhook API on both hosts: who manages endpoints, what is refused, the secret shown once."""

from __future__ import annotations

import pytest

from backend.webhooks.models import WebhookDelivery, WebhookEndpoint
from tenants.roles import Role

PUBLIC_URL = "https://8.8.8.8/hooks/in"


@pytest.fixture
def admin_a(authority_a, make_member):
    return make_member(authority_a, Role.ADMIN)


def test_an_admin_subscribes_and_sees_the_secret_once(authority_a, admin_a):
    client = admin_a.client(authority_a)
    created = client.post(
        "/api/v1/webhooks",
        {"url": PUBLIC_URL, "events": ["decision.published", "proposal.moved"]},
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["secret"].startswith("whsec_")
    assert body["events"] == ["decision.published", "proposal.moved"]
    assert WebhookEndpoint.objects.get(pk=body["id"]).authority_id == authority_a.pk

    listed = client.get("/api/v1/webhooks").json()
    assert [row["id"] for row in listed["results"]] == [body["id"]]
    assert "secret" not in listed["results"][0]

    rotated = client.post(f"/api/v1/webhooks/{body['id']}/rotate-secret").json()
    assert rotated["secret"].startswith("whsec_") and rotated["secret"] != body["secret"]


@pytest.mark.parametrize("role", [Role.OFFICER, Role.VIEWER])
def test_only_admins_manage_an_authoritys_webhooks(authority_a, make_member, role):
    client = make_member(authority_a, role).client(authority_a)
    assert client.get("/api/v1/webhooks").status_code == 403
    refused = client.post(
        "/api/v1/webhooks", {"url": PUBLIC_URL, "events": ["proposal.moved"]}, format="json"
    )
    assert refused.status_code == 403
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize(
    ("payload", "field", "code_fragment"),
    [
        ({"url": "https://127.0.0.1/in", "events": ["proposal.moved"]}, "url", "address"),
        ({"url": "http://8.8.8.8/in", "events": ["proposal.moved"]}, "url", "https"),
        ({"url": PUBLIC_URL, "events": ["proposal.exploded"]}, "events", "proposal.exploded"),
        ({"url": PUBLIC_URL, "events": []}, "events", ""),
        ({"url": "not a url", "events": ["proposal.moved"]}, "url", ""),
    ],
)
def test_bad_subscriptions_are_400s_in_the_error_shape(
    authority_a, admin_a, payload, field, code_fragment
):
    response = admin_a.client(authority_a).post("/api/v1/webhooks", payload, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert field in body["fields"]
    assert code_fragment in " ".join(body["fields"][field])
    assert not WebhookEndpoint.objects.exists()


def test_the_programme_subscribes_to_public_events_only(make_member):
    client = make_member(None, Role.COORDINATOR).client(None)
    ok = client.post(
        "/api/v1/webhooks", {"url": PUBLIC_URL, "events": ["decision.published"]}, format="json"
    )
    assert ok.status_code == 201
    assert WebhookEndpoint.objects.get(pk=ok.json()["id"]).authority_id is None
    refused = client.post(
        "/api/v1/webhooks", {"url": PUBLIC_URL, "events": ["proposal.moved"]}, format="json"
    )
    assert refused.status_code == 400


def test_observers_cannot_manage_programme_webhooks(make_member):
    client = make_member(None, Role.OBSERVER).client(None)
    assert client.get("/api/v1/webhooks").status_code == 403


def test_the_programme_and_an_authority_never_see_each_others_endpoints(
    authority_a, admin_a, make_member
):
    coordinator = make_member(None, Role.COORDINATOR).client(None)
    programme_id = coordinator.post(
        "/api/v1/webhooks", {"url": PUBLIC_URL, "events": ["decision.published"]}, format="json"
    ).json()["id"]
    authority_client = admin_a.client(authority_a)
    assert authority_client.get("/api/v1/webhooks").json()["results"] == []
    assert authority_client.get(f"/api/v1/webhooks/{programme_id}").status_code == 404
    assert authority_client.delete(f"/api/v1/webhooks/{programme_id}").status_code == 404
    assert WebhookEndpoint.objects.filter(pk=programme_id).exists()


def test_deliveries_are_listed_and_a_pending_one_cannot_be_replayed(authority_a, admin_a):
    client = admin_a.client(authority_a)
    endpoint_id = client.post(
        "/api/v1/webhooks", {"url": PUBLIC_URL, "events": ["proposal.moved"]}, format="json"
    ).json()["id"]
    delivery = WebhookDelivery.objects.create(
        endpoint_id=endpoint_id, message_id="evt_x", event_type="proposal.moved", payload={}
    )
    listed = client.get(f"/api/v1/webhooks/{endpoint_id}/deliveries").json()
    assert [row["message_id"] for row in listed["results"]] == ["evt_x"]
    replay = client.post(f"/api/v1/webhooks/{endpoint_id}/deliveries/{delivery.pk}/replay")
    assert replay.status_code == 409
    assert replay.json()["code"] == "delivery_pending"
    assert (
        client.post(f"/api/v1/webhooks/{endpoint_id}/deliveries/999999/replay").status_code == 404
    )
