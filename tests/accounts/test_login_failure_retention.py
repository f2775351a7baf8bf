"""Failed sign-in records are audit history for LOGIN_FAILURE_RETENTION_DAYS, then deleted."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from backend.accounts.login_audit import login_failure_purge, login_failure_record
from backend.accounts.models import LoginFailure
from backend.accounts.tasks import purge_login_failures
from workers.routing import queue_of
from workers.schedule import BEAT_SCHEDULE

pytestmark = pytest.mark.django_db


def _failure_days_ago(days: float) -> LoginFailure:
    failure = login_failure_record(
        email="someone@example.org",
        user=None,
        client_address="203.0.113.9",
        host="localhost",
        reason="bad_credentials",
    )
    LoginFailure.objects.filter(pk=failure.pk).update(
        attempted_at=timezone.now() - timedelta(days=days)
    )
    return failure


def test_rows_older_than_the_retention_period_are_deleted_and_newer_ones_kept(settings):
    settings.LOGIN_FAILURE_RETENTION_DAYS = 90
    old = [_failure_days_ago(91), _failure_days_ago(400)]
    kept = [_failure_days_ago(89), _failure_days_ago(0)]

    assert purge_login_failures.apply().get() == 2

    remaining = set(LoginFailure.objects.values_list("pk", flat=True))
    assert remaining == {failure.pk for failure in kept}
    assert not remaining & {failure.pk for failure in old}


def test_a_backlog_is_deleted_in_batches(settings):
    settings.LOGIN_FAILURE_RETENTION_DAYS = 30
    for _ in range(7):
        _failure_days_ago(31)
    with CaptureQueriesContext(connection) as queries:
        assert login_failure_purge(batch_size=3) == 7
    deletes = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("DELETE")]
    assert len(deletes) == 3  # 3 + 3 + 1, each bounded
    assert not LoginFailure.objects.exists()


def test_a_zero_retention_never_deletes_what_the_lockout_still_counts(settings):
    settings.LOGIN_FAILURE_RETENTION_DAYS = 0
    settings.LOGIN_LOCKOUT_WINDOW_SECONDS = 900
    recent = _failure_days_ago(5 / (24 * 60))  # five minutes ago: inside the window
    stale = _failure_days_ago(1)

    assert login_failure_purge() == 1
    assert list(LoginFailure.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not LoginFailure.objects.filter(pk=stale.pk).exists()


def test_the_purge_is_a_daily_beat_job_on_the_sweeps_queue():
    entries = [e for e in BEAT_SCHEDULE.values() if e["task"] == "accounts.purge_login_failures"]
    assert len(entries) == 1
    assert queue_of("accounts.purge_login_failures") == "sweeps"
