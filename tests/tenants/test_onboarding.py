from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError
from django_tenants.utils import schema_exists

from backend.accounts.outbox import account_email_relay
from tenants.models import Authority, AuthorityStatus, Domain, Membership
from tenants.roles import Role
from tenants.services import authority_drop_schema, authority_onboard
from tests.accounts.links import link_in

ONBOARD = {"name": "Gamma Council", "kind": "unitary", "admin_email": "chief@gamma.test"}


@pytest.fixture
def coordinator(make_member):
    return make_member(None, Role.COORDINATOR)


@pytest.mark.parametrize(
    ("slug", "reason"),
    [
        ("public", "reserved"),
        ("information_schema", "reserved"),
        ("pg_catalog", "reserved"),
        ("admin", "reserved"),
        ("Gamma", "lower-case"),
        ("gamma_council", "lower-case"),
        ("gamma-", "hyphen"),
        ("1gamma", "starts with a letter"),
        ("ga", "3 to 40"),
        ("g" * 41, "3 to 40"),
        ("gam ma", "lower-case"),
        ("alpha", "already used"),
    ],
)
def test_bad_slugs_get_a_400_that_says_why(coordinator, slug, reason):
    before = Authority.objects.count()
    response = coordinator.client(None).post(
        "/api/v1/authorities", {**ONBOARD, "slug": slug}, format="json"
    )
    assert response.status_code == 400
    messages = " ".join(response.json()["fields"]["slug"])
    assert reason in messages
    assert Authority.objects.count() == before


def test_onboarding_creates_schema_host_and_admin_and_is_safe_to_repeat(coordinator):
    client = coordinator.client(None)
    try:
        first = client.post("/api/v1/authorities", {**ONBOARD, "slug": "gamma"}, format="json")
        assert first.status_code == 201, first.json()
        body = first.json()
        assert body["created"] is True
        assert body["authority"]["host"] == "gamma.localhost"
        assert body["admin_set_password_email_queued"] is True
        assert not any(
            "password" in key and key != "admin_set_password_email_queued" for key in body
        )
        assert body["provisioning_seconds"] > 0
        assert schema_exists("gamma")
        assert Domain.objects.filter(domain="gamma.localhost").exists()
        assert Membership.objects.get(user__email="chief@gamma.test").role == Role.ADMIN

        again = client.post("/api/v1/authorities", {**ONBOARD, "slug": "gamma"}, format="json")
        assert again.status_code == 200
        assert again.json()["created"] is False
        assert again.json()["admin_set_password_email_queued"] is False
        assert Authority.objects.filter(schema_name="gamma").count() == 1
        assert Membership.objects.filter(user__email="chief@gamma.test").count() == 1
    finally:
        gamma = Authority.objects.filter(schema_name="gamma").first()
        if gamma:
            Authority.objects.filter(pk=gamma.pk).update(status=AuthorityStatus.WITHDRAWN)
            gamma.refresh_from_db()
            authority_drop_schema(authority=gamma)


def test_the_new_admin_sets_a_password_from_the_email_and_uses_the_new_host(
    coordinator, anonymous, mailoutbox
):
    cache.clear()  # the reset-link rate limit is per address, and tests share one
    try:
        coordinator.client(None).post(
            "/api/v1/authorities", {**ONBOARD, "slug": "gamma"}, format="json"
        )
        account_email_relay()
        (email,) = [m for m in mailoutbox if m.to == ["chief@gamma.test"]]
        host, uid, token = link_in(email)
        assert host == "gamma.localhost"
        confirmed = anonymous(None).post(
            "/api/v1/public/password-reset/confirm",
            {"uid": uid, "token": token, "new_password": "a long new passphrase 42"},
            format="json",
        )
        assert confirmed.status_code == 204, confirmed.json()
        login = anonymous(None).post(
            "/api/v1/auth/login",
            {"email": "chief@gamma.test", "password": "a long new passphrase 42"},
            format="json",
        )
        from rest_framework.test import APIClient

        client = APIClient(HTTP_HOST="gamma.localhost")
        client.credentials(HTTP_AUTHORIZATION=f"Token {login.json()['token']}")
        assert client.get("/api/v1/members").json()["count"] == 1
    finally:
        gamma = Authority.objects.get(schema_name="gamma")
        Authority.objects.filter(pk=gamma.pk).update(status=AuthorityStatus.WITHDRAWN)
        gamma.refresh_from_db()
        authority_drop_schema(authority=gamma)


def test_onboarding_command_prints_timing_and_repeats_safely(db, capsys):
    try:
        args = ["delta", "--name", "Delta", "--kind", "district", "--admin-email", "d@delta.test"]
        call_command("onboard_authority", *args)
        first = capsys.readouterr().out
        assert "Created Delta at delta.localhost in" in first
        call_command("onboard_authority", *args)
        assert "Already present" in capsys.readouterr().out
    finally:
        delta = Authority.objects.get(schema_name="delta")
        Authority.objects.filter(pk=delta.pk).update(status=AuthorityStatus.WITHDRAWN)
        delta.refresh_from_db()
        authority_drop_schema(authority=delta)


def test_onboarding_command_rejects_bad_slug(db):
    with pytest.raises(CommandError, match="reserved"):
        call_command(
            "onboard_authority",
            "public",
            "--name",
            "X",
            "--kind",
            "other",
            "--admin-email",
            "x@x.test",
        )


@pytest.mark.parametrize(
    ("start", "target", "code"),
    [
        ("active", "paused", 200),
        ("active", "withdrawn", 200),
        ("paused", "active", 200),
        ("withdrawn", "active", 200),
        ("invited", "paused", 409),
        ("withdrawn", "paused", 409),
    ],
)
def test_status_changes_follow_the_table(coordinator, authority_a, start, target, code):
    Authority.objects.filter(pk=authority_a.pk).update(status=start)
    response = coordinator.client(None).post(
        "/api/v1/authorities/alpha/status", {"status": target}, format="json"
    )
    assert response.status_code == code
    if code == 409:
        body = response.json()
        assert body["code"] == "illegal_transition"
        assert body["context"]["current"] == start
        assert body["context"]["allowed"]


def test_withdrawing_keeps_the_schema(coordinator, authority_a):
    coordinator.client(None).post("/api/v1/authorities/alpha/status", {"status": "withdrawn"})
    assert schema_exists("alpha")


def test_drop_command_needs_matching_confirmation(db, monkeypatch):
    result = authority_onboard(slug="epsilon", name="Epsilon", kind="other", admin_email="e@e.test")
    try:
        with pytest.raises(CommandError, match="withdrawn"):
            call_command("drop_authority_schema", "epsilon", "--confirm", "epsilon")
        Authority.objects.filter(pk=result.authority.pk).update(status=AuthorityStatus.WITHDRAWN)
        monkeypatch.setattr("builtins.input", lambda prompt: "wrong")
        with pytest.raises(CommandError, match="did not match"):
            call_command("drop_authority_schema", "epsilon")
        assert schema_exists("epsilon")
        monkeypatch.setattr("builtins.input", lambda prompt: "epsilon")
        call_command("drop_authority_schema", "epsilon")
        assert not schema_exists("epsilon")
        assert not Authority.objects.filter(schema_name="epsilon").exists()
    finally:
        leftover = Authority.objects.filter(schema_name="epsilon").first()
        if leftover:
            Authority.objects.filter(pk=leftover.pk).update(status=AuthorityStatus.WITHDRAWN)
            leftover.refresh_from_db()
            authority_drop_schema(authority=leftover)


def test_coordinator_edits_an_authority(coordinator, authority_a):
    response = coordinator.client(None).patch(
        "/api/v1/authorities/alpha",
        {"population": 123456, "consents_to_be_named": False},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["population"] == 123456
