"""Sign-in: lockout per account and per address, the same answers for unknown accounts,
and failed sign-ins in the audit trail."""

from __future__ import annotations

import itertools

import pytest
from django.contrib.auth.hashers import BasePasswordHasher
from django.test import Client

from api.throttling import FailClosedThrottle
from backend.accounts.models import LoginFailure, User

_octets = itertools.count(1)
PASSWORD = "correct horse battery"


@pytest.fixture
def lockout(settings):
    settings.LOGIN_LOCKOUT_ACCOUNT_FAILURES = 3
    settings.LOGIN_LOCKOUT_ADDRESS_FAILURES = 6
    settings.LOGIN_LOCKOUT_WINDOW_SECONDS = 60
    settings.LOGIN_LOCKOUT_SECONDS = 120
    return settings


@pytest.fixture
def client(anonymous, authority_a):
    client = anonymous(authority_a)
    # 198.18.0.0/15 is used by no other test module: lockout counters live in Redis
    # for the whole session, and other modules fail many sign-ins from their addresses.
    client.defaults["REMOTE_ADDR"] = _address()
    return client


def _address() -> str:
    number = next(_octets)
    return f"198.18.{number // 250}.{number % 250 + 1}"


def _user(email: str) -> User:
    return User.objects.create_user(email=email, password=PASSWORD)


def _login(client, email: str, password: str, **extra):
    return client.post(
        "/api/v1/auth/login", {"email": email, "password": password}, format="json", **extra
    )


def test_an_account_is_locked_after_repeated_failures_even_for_the_right_password(
    client, lockout, anonymous, authority_a
):
    _user("locked1@example.test")
    statuses = [_login(client, "locked1@example.test", "wrong").status_code for _ in range(3)]
    assert statuses == [400, 400, 400]
    locked = _login(client, "locked1@example.test", PASSWORD)
    assert locked.status_code == 429
    assert locked.json()["code"] == "login_locked"
    assert 0 < int(locked["Retry-After"]) <= 120
    # From another address too: the lock is on the account.
    elsewhere = anonymous(authority_a)
    elsewhere.defaults["REMOTE_ADDR"] = _address()
    assert _login(elsewhere, "locked1@example.test", PASSWORD).status_code == 429


def test_unknown_and_known_accounts_get_the_same_answers(client, lockout):
    _user("known@example.test")
    known = [_login(client, "known@example.test", "wrong") for _ in range(4)]
    unknown = [_login(client, "unknown@example.test", "wrong") for _ in range(4)]
    assert [r.status_code for r in known] == [r.status_code for r in unknown] == [400] * 3 + [429]
    assert [r.json() for r in known] == [r.json() for r in unknown]


def test_an_address_trying_many_accounts_is_locked_out(client, lockout):
    statuses = [
        _login(client, f"spray{index}@example.test", "Winter2026!").status_code
        for index in range(8)
    ]
    assert statuses == [400] * 6 + [429, 429]


def test_a_successful_sign_in_clears_the_accounts_failures(client, lockout):
    _user("forgetful@example.test")
    for _ in range(2):
        _login(client, "forgetful@example.test", "wrong")
    assert _login(client, "forgetful@example.test", PASSWORD).status_code == 200
    statuses = [_login(client, "forgetful@example.test", "wrong").status_code for _ in range(2)]
    assert statuses == [400, 400]


def test_failed_sign_ins_are_recorded_without_the_password(client, lockout):
    user = _user("audited@example.test")
    _login(client, "audited@example.test", "hunter2-secret")
    _login(client, "hunter2-typed-as-email@example.test", "x")
    rows = list(LoginFailure.objects.filter(client_address=client.defaults["REMOTE_ADDR"]))
    assert len(rows) == 2
    by_user = {row.user_id: row for row in rows}
    assert by_user[user.pk].reason == "bad_credentials"
    assert by_user[None].identifier_digest and by_user[None].host == "alpha.localhost"
    stored = " ".join(str(value) for row in rows for value in row.__dict__.values())
    assert "hunter2" not in stored


def test_locked_attempts_are_recorded_too(client, lockout):
    user = _user("locked2@example.test")
    for _ in range(4):
        _login(client, "locked2@example.test", "wrong")
    reasons = list(LoginFailure.objects.filter(user=user).values_list("reason", flat=True))
    assert sorted(reasons) == ["bad_credentials"] * 3 + ["locked_out"]


def test_the_admin_sign_in_shares_the_lockout(lockout, db):
    _user("staff@example.test")
    User.objects.filter(email="staff@example.test").update(is_staff=True)
    browser = Client(HTTP_HOST="localhost", REMOTE_ADDR=_address())
    for _ in range(3):
        browser.post("/admin/login/", {"username": "staff@example.test", "password": "wrong"})
    browser.post("/admin/login/", {"username": "staff@example.test", "password": PASSWORD})
    assert "_auth_user_id" not in browser.session
    assert LoginFailure.objects.filter(reason="locked_out", user__email="staff@example.test")


class CountingHasher(BasePasswordHasher):
    """MD5-based, counting how often a password is hashed (encode or verify)."""

    algorithm = "counting"
    calls = 0

    def salt(self) -> str:
        return "saltsalt"

    def encode(self, password, salt):
        type(self).calls += 1
        import hashlib

        return f"{self.algorithm}${salt}${hashlib.md5((salt + password).encode()).hexdigest()}"

    def decode(self, encoded):
        algorithm, salt, digest = encoded.split("$", 2)
        return {"algorithm": algorithm, "salt": salt, "hash": digest}

    def verify(self, password, encoded):
        return self.encode(password, self.decode(encoded)["salt"]) == encoded

    def safe_summary(self, encoded):
        return {}

    def harden_runtime(self, password, encoded):
        pass


def test_an_unknown_email_costs_one_password_hash_like_a_known_one(client, settings, lockout):
    """No user enumeration by timing: a miss still hashes the password once."""
    settings.PASSWORD_HASHERS = ["tests.api.test_login_limits.CountingHasher"]
    _user("timed@example.test")
    CountingHasher.calls = 0
    _login(client, "timed@example.test", "wrong")
    known = CountingHasher.calls
    CountingHasher.calls = 0
    _login(client, "nobody-here@example.test", "wrong")
    assert known == CountingHasher.calls == 1


def test_with_the_throttle_store_down_sign_in_fails_closed(client, monkeypatch):
    """The live-stack test stops the real Redis; this one points the throttles at a dead port."""
    from django.core.cache.backends.redis import RedisCache

    dead = RedisCache(
        "redis://127.0.0.1:1/0",
        {"OPTIONS": {"socket_connect_timeout": 0.5}},
    )
    monkeypatch.setattr(FailClosedThrottle, "cache", dead)
    _user("closed@example.test")
    response = _login(client, "closed@example.test", PASSWORD)
    assert response.status_code == 503
    assert response.json()["code"] == "service_unavailable"
    assert int(response["Retry-After"]) > 0


def test_coordinators_read_the_failed_sign_ins_and_observers_may_not(client, lockout, make_member):
    from tenants.roles import Role

    user = _user("watched@example.test")
    _login(client, "watched@example.test", "secret-guess-123")
    coordinator = make_member(None, Role.COORDINATOR)
    listed = coordinator.client(None).get(f"/api/v1/login-failures?user={user.pk}")
    assert listed.status_code == 200
    [row] = listed.json()["results"]
    assert row["email"] == "watched@example.test"
    assert row["reason"] == "bad_credentials"
    assert row["client_address"] == client.defaults["REMOTE_ADDR"]
    assert "secret-guess" not in listed.content.decode()
    observer = make_member(None, Role.OBSERVER)
    assert observer.client(None).get("/api/v1/login-failures").status_code == 403
