"""Accounts: change your password, reset it by email, set it from a new member's invitation.

Emails go through the account outbox and the real relay; links are read out of them.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache
from knox.models import AuthToken
from rest_framework.test import APIClient

from backend.accounts.models import AccountEmail, User
from backend.accounts.outbox import account_email_relay
from backend.accounts.tokens import PasswordResetTokens, uid_for
from tenants.roles import Role
from tests.accounts.links import link_in
from tests.conftest import host_of

OLD = "correct horse battery"  # make_member's password
NEW = "a much longer passphrase 2026"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def _login(authority, email: str, password: str) -> int:
    response = APIClient(HTTP_HOST=host_of(authority)).post(
        "/api/v1/auth/login", {"email": email, "password": password}, format="json"
    )
    return response.status_code


def _emails_to(mailoutbox, address: str) -> list:
    return [m for m in mailoutbox if m.to == [address]]


# Changing one's own password


def test_changing_needs_the_current_password(authority_a, make_member):
    member = make_member(authority_a, Role.OFFICER)
    response = member.client(authority_a).post(
        "/api/v1/account/password",
        {"current_password": "not it", "new_password": NEW},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["fields"]["current_password"] == ["The current password is not correct."]
    assert _login(authority_a, member.user.email, OLD) == 200


@pytest.mark.parametrize(
    ("new", "message"),
    [("short", "too short"), ("password123", "too common"), ("person", "too short")],
)
def test_a_weak_new_password_is_refused_by_the_validators(authority_a, make_member, new, message):
    member = make_member(authority_a, Role.OFFICER)
    response = member.client(authority_a).post(
        "/api/v1/account/password", {"current_password": OLD, "new_password": new}, format="json"
    )
    assert response.status_code == 400 and response.json()["code"] == "invalid"
    assert any(message in text for text in response.json()["fields"]["new_password"])
    assert _login(authority_a, member.user.email, OLD) == 200


def test_changing_signs_out_every_other_token_and_session_but_not_this_one(
    authority_a, make_member
):
    member = make_member(authority_a, Role.OFFICER)
    _, other_token = AuthToken.objects.create(user=member.user)
    browser = APIClient(HTTP_HOST=host_of(authority_a))
    assert browser.login(email=member.user.email, password=OLD)
    assert browser.get("/api/v1/me").status_code == 200

    response = member.client(authority_a).post(
        "/api/v1/account/password", {"current_password": OLD, "new_password": NEW}, format="json"
    )

    assert response.status_code == 200 and response.json() == {"signed_out_elsewhere": True}
    assert member.client(authority_a).get("/api/v1/me").status_code == 200
    elsewhere = APIClient(HTTP_HOST=host_of(authority_a))
    elsewhere.credentials(HTTP_AUTHORIZATION=f"Token {other_token}")
    assert elsewhere.get("/api/v1/me").status_code == 401
    assert browser.get("/api/v1/me").status_code in {401, 403}
    assert _login(authority_a, member.user.email, OLD) == 400
    assert _login(authority_a, member.user.email, NEW) == 200


def test_programme_staff_change_their_password_on_the_programme_host(make_member):
    coordinator = make_member(None, Role.COORDINATOR)
    response = coordinator.client(None).post(
        "/api/v1/account/password", {"current_password": OLD, "new_password": NEW}, format="json"
    )
    assert response.status_code == 200
    assert _login(None, coordinator.user.email, NEW) == 200


def test_changing_needs_a_signed_in_member(authority_a, anonymous):
    response = anonymous(authority_a).post(
        "/api/v1/account/password", {"current_password": OLD, "new_password": NEW}, format="json"
    )
    assert response.status_code == 401


# Resetting by email


def test_the_reset_request_answers_the_same_for_known_and_unknown_addresses(
    authority_a, make_member, anonymous, mailoutbox
):
    member = make_member(authority_a, Role.OFFICER)
    client = anonymous(authority_a)
    known = client.post("/api/v1/public/password-reset", {"email": member.user.email})
    unknown = client.post("/api/v1/public/password-reset", {"email": "nobody@example.test"})

    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json()
    account_email_relay()
    assert len(_emails_to(mailoutbox, member.user.email)) == 1
    assert not _emails_to(mailoutbox, "nobody@example.test")


def test_a_reset_link_sets_a_new_password_once_and_signs_out_everywhere(
    authority_a, make_member, anonymous, mailoutbox
):
    member = make_member(authority_a, Role.OFFICER)
    client = anonymous(authority_a)
    client.post("/api/v1/public/password-reset", {"email": member.user.email.upper()})
    account_email_relay()
    (email,) = _emails_to(mailoutbox, member.user.email)
    host, uid, token = link_in(email)
    assert host == "alpha.localhost"

    used = client.post(
        "/api/v1/public/password-reset/confirm",
        {"uid": uid, "token": token, "new_password": NEW},
        format="json",
    )
    again = client.post(
        "/api/v1/public/password-reset/confirm",
        {"uid": uid, "token": token, "new_password": "yet another long passphrase"},
        format="json",
    )

    assert used.status_code == 204
    assert again.status_code == 400 and again.json()["code"] == "invalid_link"
    assert member.client(authority_a).get("/api/v1/me").status_code == 401
    assert _login(authority_a, member.user.email, NEW) == 200


def test_repeated_requests_send_one_email_per_window(
    authority_a, make_member, anonymous, mailoutbox
):
    member = make_member(authority_a, Role.OFFICER)
    for _ in range(3):
        anonymous(authority_a).post("/api/v1/public/password-reset", {"email": member.user.email})
    account_email_relay()
    account_email_relay()
    assert len(_emails_to(mailoutbox, member.user.email)) == 1


def test_an_expired_reset_link_is_refused(authority_a, make_member, anonymous, settings):
    member = make_member(authority_a, Role.OFFICER)
    tokens = PasswordResetTokens()
    now = tokens._num_seconds(tokens._now())
    expired = tokens._make_token_with_timestamp(member.user, now - 2 * 3600, settings.SECRET_KEY)
    fresh = tokens._make_token_with_timestamp(member.user, now - 30 * 60, settings.SECRET_KEY)
    assert settings.PASSWORD_RESET_HOURS == 1
    assert tokens.check_token(member.user, fresh)
    response = anonymous(authority_a).post(
        "/api/v1/public/password-reset/confirm",
        {"uid": uid_for(member.user), "token": expired, "new_password": NEW},
        format="json",
    )
    assert response.status_code == 400 and response.json()["code"] == "invalid_link"
    assert _login(authority_a, member.user.email, OLD) == 200


def test_a_weak_password_on_the_reset_form_leaves_the_link_usable(
    authority_a, make_member, anonymous
):
    member = make_member(authority_a, Role.OFFICER)
    token = PasswordResetTokens().make_token(member.user)
    client = anonymous(authority_a)
    payload = {"uid": uid_for(member.user), "token": token}
    weak = client.post(
        "/api/v1/public/password-reset/confirm", {**payload, "new_password": "1234"}, format="json"
    )
    assert weak.status_code == 400 and "new_password" in weak.json()["fields"]
    good = client.post(
        "/api/v1/public/password-reset/confirm", {**payload, "new_password": NEW}, format="json"
    )
    assert good.status_code == 204


def test_a_reset_link_survives_key_rotation_through_the_fallbacks(
    authority_a, make_member, anonymous, settings
):
    member = make_member(authority_a, Role.OFFICER)
    settings.SECRET_KEY = "account-key-before-rotation-" + "1" * 40
    token = PasswordResetTokens().make_token(member.user)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "account-key-after-rotation-" + "2" * 40
    response = anonymous(authority_a).post(
        "/api/v1/public/password-reset/confirm",
        {"uid": uid_for(member.user), "token": token, "new_password": NEW},
        format="json",
    )
    assert response.status_code == 204


@pytest.mark.parametrize(
    "payload",
    [
        {"uid": "!!", "token": "x", "new_password": NEW},
        {"uid": "MQ", "token": "1-2", "new_password": NEW},
        {"uid": "", "token": "", "new_password": ""},
        {"uid": "MQ", "token": "a" * 101, "new_password": NEW},
    ],
)
def test_forged_links_are_400s_in_the_error_shape(anonymous, authority_a, payload):
    response = anonymous(authority_a).post(
        "/api/v1/public/password-reset/confirm", payload, format="json"
    )
    assert response.status_code == 400 and {"status", "code", "detail"} <= set(response.json())


def test_the_reset_request_is_rate_limited_per_address(anonymous, authority_a):
    client = anonymous(authority_a)
    statuses = [
        client.post("/api/v1/public/password-reset", {"email": f"x{i}@example.test"}).status_code
        for i in range(12)
    ]
    assert statuses[:10] == [202] * 10 and statuses[-1] == 429


# New members


def test_a_new_member_gets_an_email_to_set_their_password_not_a_password(
    authority_a, make_member, anonymous, mailoutbox
):
    admin = make_member(authority_a, Role.ADMIN).client(authority_a)
    created = admin.post(
        "/api/v1/members",
        {"email": "new.officer@alpha.test", "full_name": "New Officer", "role": "officer"},
        format="json",
    )
    assert created.status_code == 201
    assert created.json()["set_password_email_queued"] is True
    user = User.objects.get(email="new.officer@alpha.test")
    assert not user.has_usable_password()

    account_email_relay()
    (email,) = _emails_to(mailoutbox, "new.officer@alpha.test")
    assert "Alpha District Council" in email.subject
    host, uid, token = link_in(email)
    assert host == "alpha.localhost"
    set_it = anonymous(authority_a).post(
        "/api/v1/public/password-reset/confirm",
        {"uid": uid, "token": token, "new_password": NEW},
        format="json",
    )
    assert set_it.status_code == 204
    assert _login(authority_a, "new.officer@alpha.test", NEW) == 200


def test_adding_an_existing_user_sends_no_invitation(authority_a, authority_b, make_member):
    someone = make_member(authority_b, Role.OFFICER).user
    admin = make_member(authority_a, Role.ADMIN).client(authority_a)
    created = admin.post(
        "/api/v1/members", {"email": someone.email, "role": "viewer"}, format="json"
    )
    assert created.status_code == 201 and created.json()["set_password_email_queued"] is False
    assert not AccountEmail.objects.filter(user=someone).exists()
