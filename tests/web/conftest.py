"""The browser tests' real site: a copy of the test database, seeded, behind gunicorn.

``live_site`` clones the migrated test database (the ``alpha`` and ``beta``
authorities included) into a database of its own, seeds it through the real
services in a subprocess (tests/web/e2e_site.py), and starts gunicorn on a
free loopback port with the embedded PostgreSQL and Redis of the test run.
``browser`` is one headless Debian Chromium for the whole browser module.

Both are module-scoped: all browser tests live in test_browser.py, so there
is one browser per test session. Playwright's sync API keeps its event loop
marked as running in this thread while the browser is open (it switches
greenlets, it does not run concurrently), so Django's async-safety check would
refuse the test transaction's ORM calls: the browser fixture allows them for
its own lifetime only.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.db import connection, connections

from deploy.services import copy_database, copy_database_across, free_loopback_port
from tests.snapshot import RUN_ID, admin_connection, snapshot_name

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@dataclass
class LiveSite:
    port: int
    host: str
    open_link_path: str
    mail_dir: Path

    def url(self, path: str, *, host: str | None = None) -> str:
        return f"http://{host or self.host}:{self.port}{path}"

    def api_json(self, path: str, *, host: str) -> Any:
        """GET the public API on the same server (Host header: the resolver may not know it)."""
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}",
            headers={"Host": f"{host}:{self.port}", "Accept": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.load(response)

    def emailed_link(self, recipient: str, *, kind: str = "You are invited") -> str:
        """The personal link in the newest email of ``kind`` sent to ``recipient``."""
        import email
        import re

        for path in sorted(self.mail_dir.iterdir(), reverse=True):
            for raw in path.read_text().split("\n" + "-" * 79 + "\n"):
                if not raw.strip():
                    continue
                message = email.message_from_string(raw.strip())
                if message["To"] == recipient and kind in (message["Subject"] or ""):
                    body = next(
                        part.get_payload(decode=True).decode()
                        for part in message.walk()
                        if part.get_content_type() == "text/plain"
                    )
                    return re.search(r"http://\S+/consultations/respond/\S+/", body)[0]
        raise AssertionError(f"no '{kind}' email to {recipient} in {self.mail_dir}")


def _admin_connection() -> psycopg.Connection[Any]:
    return admin_connection(**connection.settings_dict)


def _clone(admin: psycopg.Connection[Any], *, source: str, name: str) -> None:
    """Copy the migrated test database: a fast TEMPLATE copy when the source is idle (the
    run's snapshot), else pg_dump piped into psql (a plain run copies its own database,
    which a session of the run may still be connected to)."""
    try:
        copy_database(admin, source=source, target=name, attempts=5)
    except psycopg.errors.ObjectInUse:
        admin.execute(f'CREATE DATABASE "{name}"')
        copy_database_across(_database_url(source), _database_url(name))


def _database_url(name: str) -> str:
    from urllib.parse import urlparse

    return urlparse(os.environ["DATABASE_URL"])._replace(path=f"/{name}").geturl()


def _wait_until_up(site: LiveSite, server: subprocess.Popen[bytes], log: Path) -> None:
    # Chromium resolves *.localhost to loopback itself; the resolver here may not.
    request = urllib.request.Request(
        f"http://127.0.0.1:{site.port}/register/", headers={"Host": f"{site.host}:{site.port}"}
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert server.poll() is None, log.read_text()
        try:
            with urllib.request.urlopen(request, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"the site did not start: {log.read_text()}")


@pytest.fixture(scope="module")
def live_site(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveSite]:
    if not CHROMIUM.exists():
        pytest.skip("Debian's Chromium is not installed (python3 deploy/dev.py test installs it)")
    if not AXE.exists():
        pytest.skip("web/node_modules is missing (python3 deploy/dev.py test runs npm ci)")
    tmp = tmp_path_factory.mktemp("live-site")
    name = f"pb_web_{os.getpid()}"
    with django_db_blocker.unblock():
        source = connection.settings_dict["NAME"]
        # The run's snapshot when there is one: idle (a fast template copy), and free of
        # rows that earlier tests in this process committed (those with a Celery worker).
        run_id = os.environ.get(RUN_ID, "")
        if run_id:
            source = snapshot_name(source, run_id)
        connections.close_all()
        with _admin_connection() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            _clone(admin, source=source, name=name)
    port = free_loopback_port()
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0").rsplit("/", 1)[0] + "/3"
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(name),
        "REDIS_URL": redis_url,
        "DJANGO_SETTINGS_MODULE": "backend.settings",
        "BASE_DOMAIN": "localhost",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(tmp / "mail"),
        "CONSULTATION_RESPONSE_LINK": f"http://{{host}}:{port}/consultations/respond/{{token}}/",
        "CONSULTATION_TOKEN_THROTTLE_RATE": "1000/min",
        "CONSULTATION_ADDRESS_THROTTLE_RATE": "5000/min",
        "PYTHONUNBUFFERED": "1",
    }
    seeded = subprocess.run(
        [sys.executable, "-m", "tests.web.e2e_site"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert seeded.returncode == 0, seeded.stderr
    facts = json.loads(seeded.stdout.strip().splitlines()[-1])
    log = tmp / "server.log"
    with log.open("wb") as output:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "backend.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "--threads",
                "4",
            ],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        site = LiveSite(
            port=port,
            host=facts["host"],
            open_link_path=facts["open_link_path"],
            mail_dir=Path(facts["mail_dir"]),
        )
        _wait_until_up(site, server, log)
        yield site
    finally:
        server.terminate()
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        with django_db_blocker.unblock(), _admin_connection() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip("Debian's Chromium is not installed (python3 deploy/dev.py test installs it)")
    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield chromium
        finally:
            chromium.close()
