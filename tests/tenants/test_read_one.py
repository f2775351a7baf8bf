"""``tenants.db.read_one``: a read that is its own connection health check.

A worker reuses its PostgreSQL connection between requests. With health checks on,
Django sends ``SELECT 1`` before each request's first statement so that a connection
PostgreSQL dropped is replaced; ``read_one`` (the residents' token lookup) skips that
round trip and, when the read finds the connection dead, runs again once on a new one.

Each scenario runs in a thread of its own, so on a connection of its own in autocommit
(as a web worker's), outside the test's transaction.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import psycopg
import pytest
from django.db import OperationalError, connection, transaction
from django.test.utils import CaptureQueriesContext

from backend.consultations import selectors
from tenants.context import authority_context
from tenants.db import read_one
from tenants.postgresql_backend.base import DatabaseWrapper

PATH = "SELECT current_setting('search_path'), %s::int"


def _in_a_worker(work: Callable[[], Any]) -> Any:
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            with authority_context("alpha"):
                outcome["value"] = work()
        except BaseException as error:  # re-raised in the test
            outcome["error"] = error
        finally:
            connection.close()

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


def _a_new_request() -> None:
    """What Django does when a request starts and reuses the worker's connection."""
    connection.ensure_connection()
    connection.health_check_done = False


def _drop_this_connection() -> None:
    """What a PostgreSQL restart or failover does to a worker's idle connection."""
    params = connection.get_connection_params()
    keys = ("dbname", "user", "password", "host", "port")
    dsn = {k: v for k, v in params.items() if k in keys}
    with psycopg.connect(**dsn, autocommit=True) as other:
        other.execute(
            "SELECT pg_terminate_backend(%s, 5000)", [connection.connection.info.backend_pid]
        )


@pytest.fixture
def health_checks(monkeypatch):
    calls: list[int] = []
    original = DatabaseWrapper.is_usable

    def counted(self):
        calls.append(1)
        return original(self)

    monkeypatch.setattr(DatabaseWrapper, "is_usable", counted)
    return calls


def test_the_token_lookup_sends_no_health_check_before_it(db, health_checks):
    def request() -> list[int]:
        assert connection.health_check_enabled
        _a_new_request()
        assert selectors.participant_by_token(token="no-such-token") is None
        after_lookup = len(health_checks)
        # The request's connection now counts as checked: later statements send none.
        assert connection.health_check_done
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        _a_new_request()  # and an ordinary first statement still gets its check
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return [after_lookup, len(health_checks)]

    assert _in_a_worker(request) == [0, 1]


def test_a_connection_postgresql_dropped_is_replaced_and_the_read_answers(db):
    def request() -> tuple[int, int, Any]:
        _a_new_request()
        before = connection.connection.info.backend_pid
        _drop_this_connection()
        row = read_one(PATH, [7])
        return before, connection.connection.info.backend_pid, row

    before, after, (path, seven) = _in_a_worker(request)
    assert after != before
    assert path.startswith('"alpha"') or path.startswith("alpha")  # still the authority's
    assert seven == 7


def test_without_the_retry_a_dropped_connection_fails_the_request(db):
    """The control: the same drop with no health checks (so no retry) fails, so the test
    above passes because of the retry, not because the drop did nothing."""

    def request() -> Any:
        connection.health_check_enabled = False  # this thread's connection only
        connection.ensure_connection()
        _drop_this_connection()
        return read_one(PATH, [7])

    with pytest.raises(OperationalError):
        _in_a_worker(request)


def test_inside_a_transaction_a_dropped_connection_is_not_retried(db):
    def request() -> Any:
        _a_new_request()
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
            _drop_this_connection()
            return read_one(PATH, [7])

    with pytest.raises(OperationalError):
        _in_a_worker(request)


def test_a_read_that_fails_on_a_live_connection_runs_once(db):
    def request() -> int:
        _a_new_request()
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = 20")
        connection.health_check_done = False
        with CaptureQueriesContext(connection) as queries, pytest.raises(OperationalError):
            read_one("SELECT pg_sleep(%s)", [1])
        return len([q for q in queries.captured_queries if "pg_sleep" in q["sql"]])

    assert _in_a_worker(request) == 1
