"""Stopping the real PostgreSQL and Redis under gunicorn (DEBUG off) and runserver (DEBUG on),
and reading every line both servers log.

One live stack per module (tests/deploy/live_stack.py); the tests run in order:
Redis down, PostgreSQL down (each followed by recovery without a restart),
then every token path, with the log scan last so it also reads the outages.
"""

from __future__ import annotations

import time
import urllib.parse
from collections.abc import Callable

import pytest

from tests.deploy.live_stack import Answer, LiveStack

# django_db: the stack starts from a copy of the run's migrated test database, which
# pytest-django builds only for a session holding a test that asks for a database.
pytestmark = [pytest.mark.slow, pytest.mark.django_db]

SERVERS = ["gunicorn", "runserver"]
AUTHORITY = "live.localhost"
API = "/api/v1"


def _staff(stack: LiveStack) -> dict[str, str]:
    return {"Authorization": f"Token {stack.seed['staff_token']}"}


def assert_unavailable(answer: Answer) -> None:
    assert answer.status == 503, (answer.status, answer.body[:300])
    assert answer.headers["Content-Type"].startswith("application/json"), answer.headers
    body = answer.json()
    assert body["status"] == 503
    assert body["code"] in {"service_unavailable", "not_ready"}, body
    if body["code"] == "service_unavailable":
        assert int(answer.headers["Retry-After"]) > 0
        assert body["context"]["retry_after_seconds"] == int(answer.headers["Retry-After"])


def wait_for(check: Callable[[], bool], seconds: float = 30) -> float:
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if check():
            return time.monotonic() - started
        time.sleep(0.3)
    raise AssertionError(f"not recovered within {seconds}s")


def test_with_redis_down_staff_api_works_and_public_endpoints_and_login_answer_503(
    live_stack: LiveStack,
):
    stack, seed = live_stack, live_stack.seed
    invitation = f"{API}/public/invitations/{seed['invitation']}"
    for server in SERVERS:
        assert stack.request(server, "GET", invitation, host=AUTHORITY).status == 200
    stack.stop_redis()
    try:
        for server in SERVERS:
            me = stack.request(server, "GET", f"{API}/me", host=AUTHORITY, headers=_staff(stack))
            assert me.status == 200, me.body[:300]
            proposals = stack.request(
                server, "GET", f"{API}/proposals", host=AUTHORITY, headers=_staff(stack)
            )
            assert proposals.status == 200, proposals.body[:300]
            # Cache-backed (rendered charts): the cache misses instead of failing.
            chart = stack.request(
                server,
                "GET",
                f"{API}/benchmarks/charts/distribution.svg?figure=proposals_logged",
                host=AUTHORITY,
                headers=_staff(stack),
            )
            assert chart.status == 200, chart.body[:300]
            for method, path in [
                ("GET", invitation),
                ("GET", f"{API}/public/open-surveys/{seed['open_link']}"),
                ("GET", f"{API}/public/calendars/{seed['feed']}"),
            ]:
                assert_unavailable(stack.request(server, method, path, host=AUTHORITY))
            login = stack.request(
                server,
                "POST",
                f"{API}/auth/login",
                host=AUTHORITY,
                body={"email": "officer@live.test", "password": "officer-pass-2026"},
            )
            assert_unavailable(login)  # fails closed, even with the right password
            assert_unavailable(stack.request(server, "GET", "/readyz"))
    finally:
        stack.start_redis()
    for server in SERVERS:
        waited = wait_for(
            lambda server=server: (
                stack.request(server, "GET", invitation, host=AUTHORITY).status == 200
            )
        )
        print(f"{server}: public endpoints back {waited:.1f}s after Redis restarted")
        login = stack.request(
            server,
            "POST",
            f"{API}/auth/login",
            host=AUTHORITY,
            body={"email": "officer@live.test", "password": "officer-pass-2026"},
        )
        assert login.status == 200, login.body[:300]


def test_with_postgres_down_every_endpoint_answers_503_then_recovers(live_stack: LiveStack):
    stack, seed = live_stack, live_stack.seed
    for server in SERVERS:  # warm the host cache and the persistent connection
        assert stack.request(server, "GET", f"{API}/me", host=AUTHORITY, headers=_staff(stack))
    stack.stop_postgres()
    try:
        for server in SERVERS:
            requests: list[tuple[str, str, str, dict[str, str], object]] = [
                ("GET", f"{API}/me", AUTHORITY, _staff(stack), None),
                ("GET", f"{API}/proposals", AUTHORITY, _staff(stack), None),
                # Not in the host cache: the routing middleware's own lookup fails.
                ("GET", f"{API}/me", f"elsewhere-{server}.localhost", {}, None),
                ("GET", f"{API}/public/authorities", "localhost", {}, None),
                ("GET", f"{API}/public/invitations/{seed['invitation']}", AUTHORITY, {}, None),
                (
                    "POST",
                    f"{API}/auth/login",
                    AUTHORITY,
                    {},
                    {"email": "officer@live.test", "password": "officer-pass-2026"},
                ),
                # Outside DRF: the admin reads the session from the database.
                ("GET", "/admin/", "localhost", {"Cookie": "sessionid=abcdefghij0123456789"}, None),
                ("GET", "/readyz", "localhost", {}, None),
            ]
            for method, path, host, headers, body in requests:
                answer = stack.request(server, method, path, host=host, headers=headers, body=body)
                assert answer.status == 503, (server, method, path, stack.logs()[-4000:])
                assert_unavailable(answer)
        assert stack.request("gunicorn", "GET", "/healthz").status == 200
    finally:
        stack.start_postgres()
    for server in SERVERS:
        waited = wait_for(
            lambda server=server: (
                stack.request(
                    server, "GET", f"{API}/me", host=AUTHORITY, headers=_staff(stack)
                ).status
                == 200
            )
        )
        print(f"{server}: staff API back {waited:.1f}s after PostgreSQL restarted")
        assert stack.request(server, "GET", "/readyz").status == 200


def test_no_token_reaches_any_log_line(live_stack: LiveStack):
    stack, seed = live_stack, live_stack.seed
    tokens = {seed[name] for name in ("invitation", "erasable", "closed_invitation")}
    tokens |= {seed["open_link"], seed["feed"]}
    answers = {"Accept": "application/json"}
    for server in SERVERS:
        invitation = f"{API}/public/invitations/{seed['invitation']}"
        referer = {"Referer": f"http://{AUTHORITY}{invitation}"}
        expected = [
            ("GET", invitation, None, referer, 200),
            ("PUT", f"{invitation}/response", _answers(), {}, 200),
            ("GET", f"{invitation}/", None, {}, 404),
            ("GET", f"{API}/public/invitations/{seed['closed_invitation']}", None, {}, 200),
            (
                "PUT",
                f"{API}/public/invitations/{seed['closed_invitation']}/response",
                _answers(),
                {},
                410,
            ),
            ("GET", f"{API}/public/open-surveys/{seed['open_link']}", None, {}, 200),
            ("GET", f"{API}/public/calendars/{seed['feed']}", None, answers, 200),
            (
                "GET",
                f"{API}/public/calendars/{seed['feed']}/consultations/{seed['workshop_id']}",
                None,
                answers,
                200,
            ),
            ("GET", f"{API}/public/calendars/{seed['feed']}/consultations/999999", None, {}, 404),
            ("GET", f"{API}/public/invitations/{seed['invitation']}x", None, {}, 404),
        ]
        for method, path, body, headers, status in expected:
            answer = stack.request(server, method, path, host=AUTHORITY, body=body, headers=headers)
            assert answer.status == status, (server, method, path, answer.body[:200])
        created = stack.request(
            server,
            "POST",
            f"{API}/public/open-surveys/{seed['open_link']}",
            host=AUTHORITY,
            body=_answers(),
        )
        assert created.status == 201, created.body[:300]
        own = created.json()["token"]
        tokens.add(own)
        own_path = f"{API}/public/invitations/{own}"
        assert stack.request(server, "GET", own_path, host=AUTHORITY).status == 200
        assert stack.request(server, "DELETE", own_path, host=AUTHORITY).status == 204
        assert stack.request(server, "GET", own_path, host=AUTHORITY).status == 404
    erasable = f"{API}/public/invitations/{seed['erasable']}"
    assert stack.request("gunicorn", "DELETE", erasable, host=AUTHORITY).status == 204
    assert stack.request("runserver", "GET", erasable, host=AUTHORITY).status == 404
    # Exhaust the per-address guess limit, then ask for a real token: a 429 line too.
    for index in range(25):
        stack.request("runserver", "GET", f"{API}/public/invitations/guess{index}", host=AUTHORITY)
    limited = stack.request("runserver", "GET", f"{API}/public/invitations/{seed['invitation']}")
    assert limited.status in {404, 429}
    limited = stack.request(
        "runserver", "GET", f"{API}/public/invitations/{seed['invitation']}", host=AUTHORITY
    )
    assert limited.status == 429, limited.body[:200]

    time.sleep(1)  # let the servers flush their last lines
    logs = stack.logs()
    assert "/public/invitations/[token]" in logs  # the paths were logged, scrubbed
    assert "/public/calendars/[token]" in logs
    assert "Not Found: " in logs and "Gone: " in logs and "Too Many Requests: " in logs
    leaks = []
    for token in tokens:
        for form in {token, urllib.parse.quote(token, safe=""), token[:16]}:
            leaks += [line for line in logs.splitlines() if form in line]
    assert leaks == [], leaks[:5]


def _answers() -> dict[str, object]:
    return {
        "acceptability": 4,
        "purposeful": 4,
        "proportionate": 3,
        "responsible": 4,
        "conditions": "",
        "comment": "",
    }
