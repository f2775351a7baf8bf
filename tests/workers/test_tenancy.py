"""Tenant-aware tasks, through a real Celery worker process and the real Redis."""

from __future__ import annotations

import pytest

from tenants.context import authority_context
from workers.jobs import authority_ping
from workers.tenancy import SCHEMA_HEADER, MissingAuthority


def test_every_registered_task_is_tenant_aware_or_programme_wide():
    from workers.celery import app
    from workers.tenancy import AuthorityTask, ProgrammeTask

    app.loader.import_default_modules()
    ours = {name: task for name, task in app.tasks.items() if not name.startswith("celery.")}
    assert ours
    for name, task in ours.items():
        assert isinstance(task, AuthorityTask | ProgrammeTask), f"{name} is not tenant-aware"


def test_sending_from_public_schema_fails_loudly(db):
    with pytest.raises(MissingAuthority):
        authority_ping.delay()


@pytest.mark.worker
def test_task_runs_in_the_schema_it_was_sent_from(celery_worker, authority_a, authority_b):
    with authority_context(authority_a):
        from_a = authority_ping.delay()
    with authority_context(authority_b):
        from_b = authority_ping.delay()
    assert from_a.get(timeout=30) == "alpha"
    assert from_b.get(timeout=30) == "beta"


@pytest.mark.worker
def test_a_message_without_a_schema_fails_in_the_worker(celery_worker, db):
    from workers.celery import app

    result = app.send_task("workers.authority_ping")
    with pytest.raises(Exception) as error:
        result.get(timeout=30)
    assert "no authority schema" in str(error.value)
    assert SCHEMA_HEADER == "authority_schema"


def test_every_beat_entry_is_one_programme_job_that_fans_out_itself():
    from workers.schedule import BEAT_SCHEDULE

    tasks = [entry["task"] for entry in BEAT_SCHEDULE.values()]
    assert sorted(tasks) == [
        "accounts.purge_login_failures",
        "accounts.relay_emails",
        "benchmarks.recompute_all",
        "benchmarks.refresh_due",
        "consultations.retention_all",
        "consultations.sweep_all",
        "findings.rebuild_all",
        "findings.refresh_due",
        "reviews.sweep_all",
        "webhooks.sweep",
    ]
    from workers.celery import app
    from workers.tenancy import ProgrammeTask

    # A worker imports every app's tasks at start-up; do the same so this test passes alone.
    app.loader.import_default_modules()
    for name in tasks:
        assert isinstance(app.tasks[name], ProgrammeTask)
