from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from tenants.roles import Role


def test_login_returns_a_token_that_works(anonymous, authority_a, make_member):
    member = make_member(authority_a, Role.OFFICER)
    response = anonymous(authority_a).post(
        "/api/v1/auth/login",
        {"email": member.user.email.upper(), "password": "correct horse battery"},
        format="json",
    )
    assert response.status_code == 200
    token = response.json()["token"]
    client = APIClient(HTTP_HOST="alpha.localhost", HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/me").json()["user"]["email"] == member.user.email


def test_tokens_are_hashed_at_rest(anonymous, authority_a, make_member):
    member = make_member(authority_a, Role.OFFICER)
    stored = AuthToken.objects.filter(user=member.user).values_list("digest", "token_key")
    assert all(member.token not in (digest, key) for digest, key in stored)
    assert all(key == member.token[: len(key)] for _, key in stored)


def test_wrong_password_is_a_400_without_saying_which_part(anonymous, authority_a, make_member):
    member = make_member(authority_a, Role.OFFICER)
    response = anonymous(authority_a).post(
        "/api/v1/auth/login", {"email": member.user.email, "password": "nope"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["fields"]["non_field_errors"] == [
        "The email or password is not correct."
    ]


def test_missing_token_is_401(anonymous, authority_a):
    response = anonymous(authority_a).get("/api/v1/members")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_invalid_token_is_401(authority_a, db):
    client = APIClient(HTTP_HOST="alpha.localhost", HTTP_AUTHORIZATION="Token " + "f" * 64)
    response = client.get("/api/v1/members")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_expired_token_is_401(authority_a, make_member):
    member = make_member(authority_a, Role.ADMIN)
    AuthToken.objects.filter(user=member.user).update(expiry=timezone.now() - timedelta(seconds=1))
    response = member.client(authority_a).get("/api/v1/members")
    assert response.status_code == 401


def test_logout_revokes_only_that_token(authority_a, make_member):
    member = make_member(authority_a, Role.ADMIN)
    _, other_token = AuthToken.objects.create(user=member.user)
    client = member.client(authority_a)
    assert client.post("/api/v1/auth/logout").status_code == 204
    assert client.get("/api/v1/members").status_code == 401
    other = APIClient(HTTP_HOST="alpha.localhost", HTTP_AUTHORIZATION=f"Token {other_token}")
    assert other.get("/api/v1/members").status_code == 200


def test_logout_all_revokes_every_token(authority_a, make_member):
    member = make_member(authority_a, Role.ADMIN)
    _, other_token = AuthToken.objects.create(user=member.user)
    assert member.client(authority_a).post("/api/v1/auth/logout-all").status_code == 204
    other = APIClient(HTTP_HOST="alpha.localhost", HTTP_AUTHORIZATION=f"Token {other_token}")
    assert other.get("/api/v1/members").status_code == 401


def test_session_auth_enforces_csrf_on_writes(authority_a, make_member):
    member = make_member(authority_a, Role.ADMIN)
    client = APIClient(HTTP_HOST="alpha.localhost", enforce_csrf_checks=True)
    client.force_login(member.user)
    assert client.get("/api/v1/members").status_code == 200
    response = client.post(
        "/api/v1/members", {"email": "x@y.test", "role": "viewer"}, format="json"
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_me_lists_every_membership_and_the_current_role(authority_a, authority_b, make_member):
    from tenants.services import membership_grant

    member = make_member(authority_a, Role.OFFICER)
    membership_grant(user=member.user, role=Role.VIEWER, authority=authority_b)
    body = member.client(authority_a).get("/api/v1/me").json()
    assert {(m["authority"]["slug"], m["role"]) for m in body["memberships"]} == {
        ("alpha", "officer"),
        ("beta", "viewer"),
    }
    assert body["current_authority"]["role"] == "officer"
    assert body["programme_role"] is None


def test_me_on_programme_host_shows_programme_role(make_member):
    coordinator = make_member(None, Role.COORDINATOR)
    body = coordinator.client(None).get("/api/v1/me").json()
    assert body["programme_role"] == "coordinator"
    assert body["current_authority"] is None


def test_login_is_rate_limited(anonymous, authority_a, settings):
    from django.core.cache import cache

    cache.clear()
    client = anonymous(authority_a)
    statuses = [
        client.post(
            "/api/v1/auth/login", {"email": "a@b.test", "password": "x"}, format="json"
        ).status_code
        for _ in range(25)
    ]
    cache.clear()
    assert statuses[0] == 400
    assert statuses[-1] == 429
