"""The dev runner and the test command, run inside the virtualenv by ``deploy/dev.py``.

``run``  starts (or reuses) PostgreSQL and Redis, migrates every schema, loads
         the demo data, then runs the web server, a Celery worker and Celery beat
         until Ctrl-C, after which no process of ours is left behind.
``test`` runs lint, format and type checks, then pytest against a throwaway
         PostgreSQL and Redis; exits non-zero on any failure.
Any other first word runs ``manage.py`` with the same services, e.g.
``python3 deploy/dev.py shell``.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from deploy.services import EmbeddedPostgres, EmbeddedRedis
from web.assets import assets_build
from web.browser import chromium_ensure

ROOT = Path(__file__).resolve().parent.parent
# Where the dev runner keeps PostgreSQL/Redis data; the runner test points it elsewhere.
# Resolved now: a relative folder must not move when Redis starts in its own directory.
LOCAL = Path(os.environ.get("DEV_DATA_DIR", ROOT / ".local")).resolve()
BIN = Path(sys.executable).parent


@contextmanager
def services(*, throwaway: bool) -> Iterator[dict[str, str]]:
    """Yield an environment whose DATABASE_URL / REDIS_URL point at live servers."""
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
    postgres: EmbeddedPostgres | None = None
    redis: EmbeddedRedis | None = None
    tmp = Path(tempfile.mkdtemp(prefix="pb-test-")) if throwaway else None
    try:
        if not env.get("DATABASE_URL"):
            data_dir = (tmp / "postgres") if tmp else LOCAL / "postgres"
            postgres = EmbeddedPostgres(data_dir=data_dir, delete_on_stop=throwaway)
            started = time.monotonic()
            env["DATABASE_URL"] = postgres.start()
            print(f"PostgreSQL (embedded) ready in {time.monotonic() - started:.1f}s", flush=True)
        if not env.get("REDIS_URL"):
            data_dir = (tmp / "redis") if tmp else LOCAL / "redis"
            redis = EmbeddedRedis(
                data_dir=data_dir,
                port=0 if throwaway else int(os.environ.get("DEV_REDIS_PORT", "6390")),
                persist=not throwaway,
            )
            env["REDIS_URL"] = redis.start()
            print(f"Redis (embedded) ready at {env['REDIS_URL']}", flush=True)
        yield env
    finally:
        if redis:
            redis.stop()
        if postgres:
            postgres.stop()
        if tmp:
            import shutil

            shutil.rmtree(tmp, ignore_errors=True)


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], env=env, check=True)


def stop_all(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + 15
    for process in processes:
        try:
            process.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def run() -> int:
    started = time.monotonic()
    port = os.environ.get("PORT", "8000")
    base_domain = os.environ.get("BASE_DOMAIN", "localhost")
    # Ctrl-C reaches every process in the terminal's group; we want to stop the
    # children ourselves, in order, so they run in their own sessions.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    processes: list[subprocess.Popen[bytes]] = []
    with services(throwaway=False) as env:
        env.setdefault("DJANGO_DEBUG", "1")
        env.setdefault("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
        # Sweep often enough to watch a consultation open and close; links carry the port.
        env.setdefault("CONSULTATION_SWEEP_SECONDS", "10")
        env.setdefault(
            "CONSULTATION_RESPONSE_LINK",
            f"http://{{host}}:{port}/consultations/respond/{{token}}/",
        )
        try:
            assets_build()
            manage(env, "migrate_schemas", "--shared", "-v", "0")
            manage(env, "migrate_schemas", "--tenant", "-v", "0")
            manage(env, "seed_demo", "--base-url", f"http://{{host}}:{port}")
            commands = {
                "web": [sys.executable, str(ROOT / "manage.py"), "runserver", f"127.0.0.1:{port}"],
                "worker": [
                    str(BIN / "celery"),
                    "-A",
                    "workers",
                    "worker",
                    "-l",
                    "info",
                    "-c",
                    "2",
                    "-n",
                    f"dev-{port}@%h",
                ],
                "beat": [
                    str(BIN / "celery"),
                    "-A",
                    "workers",
                    "beat",
                    "-l",
                    "info",
                    "-s",
                    str(LOCAL / "celerybeat-schedule"),
                ],
            }
            for command in commands.values():
                processes.append(subprocess.Popen(command, env=env, start_new_session=True))
            print(
                "\n"
                f"Ready in {time.monotonic() - started:.0f}s.\n"
                f"  Programme API   http://{base_domain}:{port}/api/v1/\n"
                f"  Authority API   http://demo.{base_domain}:{port}/api/v1/me\n"
                f"  Swagger UI      http://{base_domain}:{port}/api/docs/\n"
                f"  Public pages    http://demo.{base_domain}:{port}/register/\n"
                f"  Admin           http://{base_domain}:{port}/admin/\n"
                "Press Ctrl-C to stop everything.\n",
                flush=True,
            )
            while all(process.poll() is None for process in processes):
                time.sleep(0.5)
            print("A process exited; stopping the rest.", flush=True)
            return 1
        except KeyboardInterrupt:
            print("\nStopping ...", flush=True)
            return 0
        finally:
            stop_all(processes)


def test(pytest_args: list[str]) -> int:
    checks = [
        [str(BIN / "ruff"), "check", "."],
        [str(BIN / "ruff"), "format", "--check", "."],
        [str(BIN / "mypy"), "."],
    ]
    failures = []
    for check in checks:
        print(
            f"$ {' '.join(Path(check[0]).name if i == 0 else a for i, a in enumerate(check))}",
            flush=True,
        )
        if subprocess.run(check, cwd=ROOT).returncode != 0:
            failures.append(Path(check[0]).name + " " + check[1])
    assets_build()
    chromium_ensure()
    with services(throwaway=True) as env:
        code = subprocess.run(
            [sys.executable, "-m", "pytest", *pytest_args], cwd=ROOT, env=env
        ).returncode
    if code != 0:
        failures.append("pytest")
    if failures:
        print(f"FAILED: {', '.join(failures)}", flush=True)
        return 1
    return 0


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    command, rest = argv[0], argv[1:]
    if command == "run":
        return run()
    if command == "test":
        return test(rest)
    if command == "pytest":
        assets_build()
        with services(throwaway=True) as env:
            return subprocess.run([sys.executable, "-m", "pytest", *rest], env=env).returncode
    with services(throwaway=False) as env:
        return subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), command, *rest], env=env
        ).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
