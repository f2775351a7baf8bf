"""A real Celery worker process, against the test database and the test Redis."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.parallel import worker_suffix


@pytest.fixture(autouse=True)
def _no_derived_rows_left(django_db_blocker) -> Iterator[None]:
    """These tests commit for real (the worker is another process) and delete what they
    made. What that left behind goes too, so no later test in this process finds it:
    the programme rows the reactions and sweeps derived (scenario facts, refresh
    requests, consultation cost copies, a stored findings table, benchmark rollups) and the
    audit history the triggers wrote, in every schema (creations and deletions alike)."""
    from django.apps import apps
    from django.utils import timezone

    from backend.benchmarks.models import RefreshRequest, Rollup
    from backend.findings.models import FindingsRefreshRequest, FindingsTable, ScenarioFact
    from backend.programme.models import ConsultationCost
    from tenants.context import authority_context
    from tenants.models import Authority

    started = timezone.now()
    yield
    history = [
        model
        for model in apps.get_models()
        if any(field.name == "pgh_created_at" for field in model._meta.concrete_fields)
    ]

    def clear_history() -> None:
        tables = set(connection.introspection.table_names())
        for model in history:
            if model._meta.db_table in tables:
                model.objects.filter(pgh_created_at__gte=started).delete()

    with django_db_blocker.unblock():
        ScenarioFact.objects.filter(computed_at__gte=started).delete()
        RefreshRequest.objects.filter(requested_at__gte=started).delete()
        FindingsRefreshRequest.objects.filter(requested_at__gte=started).delete()
        # What the reactions and sweeps the worker ran stored in the public schema.
        ConsultationCost.objects.filter(updated_at__gte=started).delete()
        FindingsTable.objects.filter(computed_at__gte=started).delete()
        Rollup.objects.filter(computed_at__gte=started).delete()
        clear_history()
        for authority in Authority.objects.all():
            with authority_context(authority):
                clear_history()


@pytest.fixture(scope="session")
def worker_mail_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the worker's file email backend writes every message it sends."""
    return tmp_path_factory.mktemp("worker-mail")


def worker_env(django_db_blocker, mail_dir: Path) -> dict[str, str]:
    """The environment of a worker or beat process: the test database, files for email."""
    with django_db_blocker.unblock():
        test_db = connection.settings_dict["NAME"]
    env = dict(os.environ)
    base = env["DATABASE_URL"].rsplit("/", 1)[0]
    env["DATABASE_URL"] = f"{base}/{test_db}"
    env["EMAIL_BACKEND"] = "django.core.mail.backends.filebased.EmailBackend"
    env["EMAIL_FILE_PATH"] = str(mail_dir)
    return env


@pytest.fixture(scope="session")
def celery_worker(
    django_db_setup: None, django_db_blocker, worker_mail_dir: Path
) -> Iterator[subprocess.Popen[bytes]]:
    database = settings.DATABASES["default"]
    env = worker_env(django_db_blocker, worker_mail_dir)
    log = Path(settings.BASE_DIR) / ".local" / f"test-worker{worker_suffix()}.log"
    log.parent.mkdir(exist_ok=True)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "workers",
            "worker",
            "-P",
            "solo",
            "-l",
            "info",
            "-n",
            f"test-{os.getpid()}@%h",
            "--without-mingle",
            "--without-gossip",
        ],
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    from workers.celery import app

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"worker exited: {log.read_text()}")
        if app.control.ping(timeout=0.5):
            break
    else:
        process.terminate()
        raise RuntimeError(f"worker did not start: {log.read_text()}")
    assert database["NAME"]
    yield process
    process.terminate()
    try:
        process.wait(15)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture
def celery_beat(
    celery_worker: subprocess.Popen[bytes], django_db_blocker, worker_mail_dir: Path, tmp_path: Path
) -> Iterator[subprocess.Popen[bytes]]:
    """A real beat process with one-second consultation and review sweeps, while the test runs."""
    env = worker_env(django_db_blocker, worker_mail_dir)
    env["CONSULTATION_SWEEP_SECONDS"] = "1"
    env["REVIEW_SWEEP_SECONDS"] = "1"
    log = Path(settings.BASE_DIR) / ".local" / f"test-beat{worker_suffix()}.log"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "workers",
            "beat",
            "-l",
            "info",
            "-s",
            str(tmp_path / "celerybeat-schedule"),
            "--max-interval",
            "1",
        ],
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    yield process
    process.terminate()
    try:
        process.wait(15)
    except subprocess.TimeoutExpired:
        process.kill()
    # Sweeps beat sent but the worker has not run yet must not leak into later tests.
    from workers.celery import app

    app.control.purge()
    time.sleep(1)
