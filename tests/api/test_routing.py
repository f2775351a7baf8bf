from __future__ import annotations

import pytest
from django.test import Client

from tenants.roles import Role


def test_unknown_host_gets_json_404_naming_it(db):
    response = Client(HTTP_HOST="nowhere.localhost").get("/api/v1/me")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["code"] == "unknown_host"
    assert "nowhere.localhost" in body["detail"]


def test_foreign_domain_never_falls_back_to_public(db):
    response = Client(HTTP_HOST="evil.example.com").get("/api/v1/authorities")
    assert response.status_code == 404
    assert response.json()["code"] == "unknown_host"


def test_bare_domain_serves_the_programme_api(make_member):
    coordinator = make_member(None, Role.COORDINATOR)
    response = coordinator.client(None).get("/api/v1/authorities")
    assert response.status_code == 200
    assert {a["slug"] for a in response.json()["results"]} >= {"alpha", "beta"}


def test_authority_host_serves_its_authority(make_member, authority_a):
    member = make_member(authority_a, Role.VIEWER)
    response = member.client(authority_a).get("/api/v1/authority")
    assert response.status_code == 200
    assert response.json()["slug"] == "alpha"


def test_programme_endpoints_are_not_served_on_authority_hosts(make_member, authority_a):
    coordinator = make_member(None, Role.COORDINATOR)
    response = coordinator.client(authority_a).get("/api/v1/authorities")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_unknown_path_gets_json_404(anonymous, authority_a):
    response = anonymous(authority_a).get("/no/such/thing")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize("host", ["localhost", "alpha.localhost", "unknown.localhost", "10.0.0.1"])
def test_health_endpoints_answer_on_every_host(db, host):
    client = Client(HTTP_HOST=host)
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"database": "ok", "redis": "ok"}


def test_readyz_reports_a_dead_redis_as_503(db, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = Client(HTTP_HOST="localhost").get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["code"] == "not_ready"
    assert body["context"]["checks"]["redis"] != "ok"
