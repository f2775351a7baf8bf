"""The public endpoints' rate limits: one atomic Redis script per request, failing closed."""

from __future__ import annotations

import secrets
import threading
from types import SimpleNamespace

import pytest
import redis
from django.test import RequestFactory

from api.errors import ServiceUnavailable
from api.public import throttles
from api.public.throttles import ConsultationTokenThrottle, PublicTokenLimits
from tenants.context import authority_context


def _address() -> str:
    return f"10.{secrets.randbelow(250)}.{secrets.randbelow(250)}.{secrets.randbelow(250)}"


def _allowed(address: str, token: str) -> bool:
    request = RequestFactory().get("/", REMOTE_ADDR=address)
    return PublicTokenLimits().allow_request(request, SimpleNamespace(kwargs={"token": token}))


def test_concurrent_requests_from_one_address_never_pass_the_limit(authority_a, monkeypatch):
    """Twenty requests at once, five allowed a minute: exactly five pass.

    A read-then-write counter (DRF's) lets several requests read the same history
    and each write back their own; the script counts and records atomically.
    """
    rates = ConsultationTokenThrottle.THROTTLE_RATES
    monkeypatch.setitem(rates, "consultation_address", "5/min")
    monkeypatch.setitem(rates, "consultation_token", "10000/min")
    address, start = _address(), threading.Barrier(20)
    outcomes: list[bool] = []

    def send(token: str) -> None:
        start.wait()
        with authority_context(authority_a):
            outcomes.append(_allowed(address, token))

    threads = [threading.Thread(target=send, args=(f"token-{n}",)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == [False] * 15 + [True] * 5


def test_a_refused_request_is_told_when_the_window_frees_up(authority_a, monkeypatch):
    monkeypatch.setitem(ConsultationTokenThrottle.THROTTLE_RATES, "consultation_token", "2/min")
    address = _address()
    with authority_context(authority_a):
        assert _allowed(address, "same-token") and _allowed(address, "same-token")
        limits = PublicTokenLimits()
        request = RequestFactory().get("/", REMOTE_ADDR=address)
        assert not limits.allow_request(request, SimpleNamespace(kwargs={"token": "same-token"}))
        # Another token from the same address still has room.
        assert _allowed(address, "another-token")
    wait = limits.wait()
    assert wait is not None and 0 < wait <= 60


def test_with_redis_unreachable_the_limits_fail_closed(authority_a, monkeypatch):
    dead = redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.5)
    monkeypatch.setattr(throttles, "_client", dead)
    monkeypatch.setattr(throttles, "_script", dead.register_script(throttles._SLIDING_WINDOWS))
    with authority_context(authority_a), pytest.raises(ServiceUnavailable):
        _allowed(_address(), "any-token")
