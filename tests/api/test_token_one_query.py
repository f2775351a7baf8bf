"""Token authentication reads the token, its user and the user's role in one query
(api.authentication), and caches nothing: every revocation counts on the next request.

Each test uses a token once (so a cache, had there been one, would hold it),
revokes it, and uses it again at once.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from api.authentication import request_membership_role
from tenants.models import Membership
from tenants.roles import Role
from tenants.services import membership_change_role, membership_remove
from tests.conftest import host_of

OLD = "correct horse battery"


def _client(authority, token):
    client = APIClient(HTTP_HOST=host_of(authority))
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def test_a_list_request_reads_token_user_and_role_in_one_query(authority_a, make_member):
    member = make_member(authority_a, Role.VIEWER)
    client = member.client(authority_a)
    client.get("/api/v1/proposals")  # warm the host cache
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/v1/proposals").status_code == 200
    sql = [query["sql"] for query in queries.captured_queries]
    token_queries = [text for text in sql if "knox_authtoken" in text]
    assert len(token_queries) == 1
    assert "accounts_user" in token_queries[0] and "tenants_membership" in token_queries[0]
    assert not [text for text in sql if "tenants_membership" in text and text not in token_queries]


def test_a_deleted_token_is_refused_on_the_next_request(authority_a, make_member):
    member = make_member(authority_a, Role.OFFICER)
    client = member.client(authority_a)
    assert client.get("/api/v1/proposals").status_code == 200
    AuthToken.objects.filter(user=member.user).delete()  # e.g. signed out in another process
    response = client.get("/api/v1/proposals")
    assert response.status_code == 401 and response.json()["code"] == "authentication_failed"


def test_logout_takes_effect_on_the_next_request(authority_a, make_member):
    member = make_member(authority_a, Role.OFFICER)
    client = member.client(authority_a)
    assert client.get("/api/v1/proposals").status_code == 200
    assert client.post("/api/v1/auth/logout").status_code == 204
    assert client.get("/api/v1/proposals").status_code == 401


def test_a_password_change_signs_other_tokens_out_at_once(authority_a, make_member):
    member = make_member(authority_a, Role.OFFICER)
    _, other_token = AuthToken.objects.create(user=member.user)
    other = _client(authority_a, other_token)
    assert other.get("/api/v1/proposals").status_code == 200
    changed = member.client(authority_a).post(
        "/api/v1/account/password",
        {"current_password": OLD, "new_password": "a quite different phrase 42"},
        format="json",
    )
    assert changed.status_code == 200
    assert other.get("/api/v1/proposals").status_code == 401
    assert member.client(authority_a).get("/api/v1/proposals").status_code == 200


def test_a_deactivated_user_is_refused_at_once(authority_a, make_member):
    member = make_member(authority_a, Role.OFFICER)
    client = member.client(authority_a)
    assert client.get("/api/v1/proposals").status_code == 200
    member.user.is_active = False
    member.user.save(update_fields=["is_active"])
    assert client.get("/api/v1/proposals").status_code == 401


def test_a_removed_or_changed_membership_counts_on_the_next_request(authority_a, make_member):
    member = make_member(authority_a, Role.OFFICER)
    client = member.client(authority_a)
    body = {"title": "t", "summary": "s", "purpose": "p", "service_areas": ["housing"]}
    membership = Membership.objects.get(user=member.user, authority=authority_a)
    assert client.get("/api/v1/proposals").status_code == 200

    membership_change_role(membership=membership, role=Role.VIEWER)
    refused = client.post("/api/v1/proposals", body, format="json")
    assert refused.status_code == 403 and refused.json()["code"] == "role_not_allowed"

    membership_remove(membership=Membership.objects.get(pk=membership.pk))
    gone = client.get("/api/v1/proposals")
    assert gone.status_code == 403 and gone.json()["code"] == "not_a_member"


def test_the_role_read_is_the_one_in_the_hosts_authority(authority_a, authority_b, make_member):
    member = make_member(authority_a, Role.ADMIN)
    response = member.client(authority_b).get("/api/v1/proposals")
    assert response.status_code == 403 and response.json()["code"] == "not_a_member"


def test_a_carried_role_is_used_only_for_its_own_authority_and_user(
    authority_a, authority_b, make_member, rf
):
    from rest_framework.request import Request

    member = make_member(authority_a, Role.ADMIN)
    other = make_member(authority_a, Role.VIEWER)
    request = Request(rf.get("/"))
    request._authority_membership = (authority_a.pk, member.user.pk, Role.ADMIN)  # type: ignore[attr-defined]
    assert request_membership_role(request, authority=authority_a, user=member.user) == (
        True,
        Role.ADMIN,
    )
    assert request_membership_role(request, authority=authority_b, user=member.user) == (
        False,
        None,
    )
    assert request_membership_role(request, authority=authority_a, user=other.user) == (
        False,
        None,
    )


def test_an_expired_token_is_refused_and_deleted(authority_a, make_member):
    member = make_member(authority_a, Role.OFFICER)
    AuthToken.objects.filter(user=member.user).update(expiry=timezone.now() - timedelta(seconds=1))
    assert member.client(authority_a).get("/api/v1/proposals").status_code == 401
    assert not AuthToken.objects.filter(user=member.user).exists()


def test_signing_in_deletes_the_users_expired_tokens_only(anonymous, authority_a, make_member):
    member = make_member(authority_a, Role.OFFICER)
    live = AuthToken.objects.get(user=member.user)
    expired, _ = AuthToken.objects.create(user=member.user)
    AuthToken.objects.filter(pk=expired.pk).update(expiry=timezone.now() - timedelta(minutes=1))
    response = anonymous(authority_a).post(
        "/api/v1/auth/login", {"email": member.user.email, "password": OLD}, format="json"
    )
    assert response.status_code == 200
    remaining = set(AuthToken.objects.filter(user=member.user).values_list("pk", flat=True))
    assert expired.pk not in remaining and live.pk in remaining and len(remaining) == 2


def test_a_session_signed_in_member_still_gets_the_role_checked(authority_a, make_member):
    member = make_member(authority_a, Role.VIEWER)
    browser = APIClient(HTTP_HOST=host_of(authority_a))
    assert browser.login(email=member.user.email, password=OLD)
    assert browser.get("/api/v1/proposals").status_code == 200
    body = {"title": "t", "summary": "s", "purpose": "p", "service_areas": ["housing"]}
    refused = browser.post("/api/v1/proposals", body, format="json")
    assert refused.status_code == 403 and refused.json()["code"] == "role_not_allowed"
