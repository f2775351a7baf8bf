"""A browser app on another origin can call the API with a token, if its origin is allowed."""

from __future__ import annotations

from django.conf import settings
from django.test import override_settings

from tenants.roles import Role


def _preflight(client, origin: str, path: str = "/api/v1/proposals"):
    return client.options(
        path,
        HTTP_ORIGIN=origin,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, content-type",
    )


def test_an_app_on_a_base_domain_host_may_send_a_token(anonymous, authority_a):
    origin = f"http://app.{settings.BASE_DOMAIN}:5173"
    response = _preflight(anonymous(authority_a), origin)
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == origin
    assert "authorization" in response["Access-Control-Allow-Headers"].lower()
    assert "POST" in response["Access-Control-Allow-Methods"]


def test_an_unlisted_origin_gets_no_cors_headers(anonymous, authority_a):
    response = _preflight(anonymous(authority_a), "https://evil.example")
    assert "Access-Control-Allow-Origin" not in response
    lookalike = _preflight(anonymous(authority_a), f"https://evil{settings.BASE_DOMAIN}.example")
    assert "Access-Control-Allow-Origin" not in lookalike


@override_settings(CORS_ALLOWED_ORIGINS=["https://councils.example.org"])
def test_origins_from_settings_are_allowed(make_member, authority_a):
    member = make_member(authority_a, Role.OFFICER)
    response = member.client(authority_a).get(
        "/api/v1/proposals", HTTP_ORIGIN="https://councils.example.org"
    )
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "https://councils.example.org"


def test_errors_carry_cors_headers_so_the_app_can_read_them(anonymous, authority_a):
    origin = f"http://{settings.BASE_DOMAIN}:3000"
    response = anonymous(authority_a).get("/api/v1/proposals", HTTP_ORIGIN=origin)
    assert response.status_code == 401
    assert response["Access-Control-Allow-Origin"] == origin
