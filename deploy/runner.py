"""The dev runner and the test command, run inside the virtualenv by ``deploy/dev.py``.

``run``  starts (or reuses) PostgreSQL and Redis, migrates every schema, loads
         the demo data, then runs gunicorn (reloading on code changes), a Celery
         worker and Celery beat until Ctrl-C, after which no process of ours is left
         behind. It refuses to start when the connection budget (deploy/budget.py)
         does not fit PostgreSQL's max_connections.
``test`` runs pytest against a throwaway PostgreSQL and Redis, spread over several
         processes (TEST_PROCESSES), and beside it lint, format and type checks, the
         validation of the compose file and the Kubernetes manifests
         (deploy/validate.py) and the frontend contract test; exits non-zero on any
         failure.
``bench`` runs the benchmarks in bench/ against a throwaway PostgreSQL and Redis and
         prints one table of ratios (docs/performance.md); ``bench bench/<script>.py
         [ARGS]`` runs one script with the dev services (e.g. the load test).
Any other first word runs ``manage.py`` with the same services, e.g.
``python3 deploy/dev.py shell``. Services already running on the data folder (a
``run`` in another terminal) are reused and left running: only the command that
started a server stops it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from deploy import testdb
from deploy.envcache import files_digest, fingerprint, linked_build, program_stamp, tree_files
from deploy.services import EmbeddedPostgres, EmbeddedRedis
from web.assets import STAMP, assets_build, lock_fingerprint
from web.browser import chromium_ensure

ROOT = Path(__file__).resolve().parent.parent
# Where the dev runner keeps PostgreSQL/Redis data; the runner test points it elsewhere.
# Resolved now: a relative folder must not move when Redis starts in its own directory.
LOCAL = Path(os.environ.get("DEV_DATA_DIR", ROOT / ".local")).resolve()
BIN = Path(sys.executable).parent


@contextmanager
def services(*, throwaway: bool, tests: bool = False) -> Iterator[dict[str, str]]:
    """Yield an environment whose DATABASE_URL / REDIS_URL point at live servers.

    ``tests``: a throwaway PostgreSQL for pytest starts from the machine's kept data
    folder for this checkout's test database key, and a run that had none and built
    the test database leaves its folder kept for the next (deploy/testdb.py)."""
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
    postgres: EmbeddedPostgres | None = None
    redis: EmbeddedRedis | None = None
    tmp = Path(tempfile.mkdtemp(prefix="pb-test-")) if throwaway else None
    built_key = testdb.key() if tests and throwaway and testdb.enabled() else ""
    seeded = False
    try:
        if not env.get("DATABASE_URL"):
            data_dir = (tmp / "postgres") if tmp else LOCAL / "postgres"
            if built_key:
                env[testdb.KEY_VARIABLE] = built_key
                seeded = testdb.data_folder_restore(built_key, data_dir)
            postgres = EmbeddedPostgres(data_dir=data_dir, delete_on_stop=throwaway)
            started = time.monotonic()
            env["DATABASE_URL"] = postgres.start()
            if postgres.reused:
                print(f"PostgreSQL (embedded): reusing the server on {data_dir}", flush=True)
            else:
                kept = " (with the test database built for this checkout)" if seeded else ""
                print(
                    f"PostgreSQL (embedded) ready in {time.monotonic() - started:.1f}s{kept}",
                    flush=True,
                )
        if not env.get("REDIS_URL"):
            data_dir = (tmp / "redis") if tmp else LOCAL / "redis"
            redis = EmbeddedRedis(
                data_dir=data_dir,
                port=0 if throwaway else int(os.environ.get("DEV_REDIS_PORT", "6390")),
                persist=not throwaway,
            )
            env["REDIS_URL"] = redis.start()
            verb = "reusing the server" if redis.reused else "ready"
            print(f"Redis (embedded) {verb} at {env['REDIS_URL']}", flush=True)
        yield env
        if postgres and built_key and not seeded and not postgres.reused:
            with contextlib.suppress(Exception):  # keeping is an optimisation, never a failure
                if testdb.only_the_built_database(env["DATABASE_URL"], built_key):
                    postgres.stop(delete=False)
                    testdb.data_folder_save(built_key, postgres.data_dir)
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


def check_connection_budget(env: dict[str, str]) -> None:
    """Refuse to start more processes than PostgreSQL accepts connections."""
    import psycopg

    from deploy.budget import ConnectionBudget, check_budget

    with psycopg.connect(env["DATABASE_URL"], autocommit=True) as conn:
        row = conn.execute(
            "SELECT current_setting('max_connections')::int,"
            " current_setting('superuser_reserved_connections')::int"
        ).fetchone()
    assert row is not None
    budget = ConnectionBudget.from_environment(env)
    problem = check_budget(budget, max_connections=row[0], superuser_reserved=row[1])
    if problem:
        raise SystemExit(problem)
    print(f"Connection budget {budget.describe()} of max_connections {row[0]}", flush=True)


def web_command(port: str) -> list[str]:
    """gunicorn as in production, bound to loopback, reloading on code changes."""
    command = [
        str(BIN / "gunicorn"),
        "-c",
        str(ROOT / "deploy" / "gunicorn.conf.py"),
        "--bind",
        f"127.0.0.1:{port}",
    ]
    if os.environ.get("DEV_RELOAD", "1") != "0":
        command.append("--reload")
    return [*command, "backend.wsgi:application"]


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
        # Small on purpose: 3 sync workers and 2 task processes hold at most 6
        # connections, and a burst of requests queues in gunicorn's backlog.
        env.setdefault("GUNICORN_WORKERS", "3")
        env.setdefault("CELERY_CONCURRENCY", "2")
        # gunicorn's and Celery's processes add up their metrics here (cleared each run).
        metrics_dir = LOCAL / "metrics"
        if "PROMETHEUS_MULTIPROC_DIR" not in env:
            import shutil

            shutil.rmtree(metrics_dir, ignore_errors=True)
            metrics_dir.mkdir(parents=True)
            env["PROMETHEUS_MULTIPROC_DIR"] = str(metrics_dir)
        env.setdefault("HEARTBEAT_FILE", str(LOCAL / "celery-heartbeat"))
        env.setdefault("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
        # Sweep often enough to watch a consultation open and close; links carry the port.
        env.setdefault("CONSULTATION_SWEEP_SECONDS", "10")
        env.setdefault(
            "CONSULTATION_RESPONSE_LINK",
            f"http://{{host}}:{port}/consultations/respond/{{token}}/",
        )
        try:
            check_connection_budget(env)
            public_assets()
            # Public, then only the authority schemas with migrations pending.
            manage(env, "migrate_schemas", "--noinput", "-v", "0")
            manage(env, "seed_demo", "--base-url", f"http://{{host}}:{port}")
            commands = {
                "web": web_command(port),
                "worker": [
                    str(BIN / "celery"),
                    "-A",
                    "workers",
                    "worker",
                    "-l",
                    "info",
                    "-c",
                    env["CELERY_CONCURRENCY"],
                    # No -Q: one worker consumes every queue of workers/routing.py in
                    # development; production runs one deployment per queue.
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
                    "-S",
                    "backend.observability.heartbeat:HeartbeatScheduler",
                ],
            }
            for command in commands.values():
                processes.append(subprocess.Popen(command, env=env, start_new_session=True))
            print(
                "\n"
                f"Ready in {time.monotonic() - started:.0f}s.\n"
                f"  Programme API   http://{base_domain}:{port}/api/v1/\n"
                f"  Authority API   http://demo.{base_domain}:{port}/api/v1/\n"
                f"  OpenAPI specs   http://{base_domain}:{port}/api/schema/"
                "{programme,authority,public}.yaml\n"
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


def npm_packages(
    folder: Path, *, name: str, installed: Callable[[Path], None] | None = None
) -> Path:
    """``folder``/node_modules: the packages its lock files pin, installed by ``npm ci``
    once per machine for each lock file and Node version (deploy/envcache.py) and linked
    into the checkout; ``installed`` then sees the machine's folder. Returns it."""
    locks = [folder / "package.json", folder / "package-lock.json"]
    node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout

    def build(target: Path) -> None:
        for lock in locks:
            shutil.copyfile(lock, target / lock.name)
        print(f"Installing {folder.name}/'s pinned npm packages (npm ci) ...", flush=True)
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=target, check=True
        )
        if installed is not None:
            installed(target)

    return linked_build(
        folder / "node_modules",
        name=name,
        key=fingerprint(locks, node.strip()),
        build=build,
        inner="node_modules",
    )


def public_assets() -> None:
    """The public pages' GOV.UK Frontend assets (web/assets.py), from a web/node_modules
    installed once per machine, as the contract test's packages are: a clean clone links
    it instead of running ``npm ci`` first."""
    if shutil.which("npm") is not None:

        def stamped(target: Path) -> None:  # what web/assets.py checks before installing
            (target / "node_modules" / STAMP.name).write_text(lock_fingerprint())

        npm_packages(ROOT / "web", name="web-npm", installed=stamped)
    assets_build()


def contract_packages() -> None:
    """The contract test's pinned tools (contract/package-lock.json) in
    contract/node_modules, installed by ``npm ci`` once per machine for each lock file
    (deploy/envcache.py)."""
    folder = npm_packages(ROOT / "contract", name="contract-npm")
    print(f"contract/node_modules: {folder / 'node_modules'}", flush=True)


def contract_steps() -> list[list[str]]:
    """Generate a TypeScript client from each committed spec, compile the consumer with
    tsc --strict, and lint the specs with spectral (contract/README.md). Without npm it
    is skipped, loudly."""
    npm = shutil.which("npm")
    if npm is None:
        banner = "!" * 72
        print(
            f"\n{banner}\n!! CONTRACT TEST SKIPPED: npm is not installed, so the typed-client\n"
            f"!! check of openapi/*.yaml did not run. Install Node.js 18+ and npm.\n{banner}",
            flush=True,
        )
        return []
    install = "from deploy.runner import contract_packages; contract_packages()"
    return [[sys.executable, "-c", install], [npm, "test", "--silent"]]


# Not part of what a check reads: caches, installed packages, generated output.
NOT_INPUTS = {"__pycache__", "node_modules", "generated", ".mypy_cache"}


def inputs_key(files: list[Path], *tools: str, root: Path = ROOT) -> str:
    """A hash of the files' names (under ``root``) and bytes, and of the tools' versions."""
    return files_digest(files, *tools, root=root)[:24]


def _binary(name: str) -> str:
    """A program's path, size and modification time: a new version changes them."""
    found = shutil.which(name)
    return f"{name}: none" if found is None else program_stamp(found)


def deploy_input_files() -> list[Path]:
    """What deploy/validate.py reads: the files under deploy/ (the overlays, compose.yaml,
    the validator and its pinned tools' constraints)."""
    return tree_files(ROOT / "deploy", skipped=NOT_INPUTS)


def deploy_inputs() -> str:
    return inputs_key(deploy_input_files(), _binary("kubectl"), _binary("docker"))


def contract_input_files() -> list[Path]:
    """What the contract test reads: the committed specs and contract/ (consumer,
    generator, ruleset, lock files)."""
    specs = sorted((ROOT / "openapi").glob("*.yaml"))
    return tree_files(ROOT / "contract", *specs, skipped=NOT_INPUTS)


def contract_inputs() -> str:
    node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout
    return inputs_key(contract_input_files(), node.strip(), _binary("node"))


@dataclass
class Check:
    """One static check: its steps run one after another. With ``inputs`` (a hash of
    every file and program the check reads), a pass is remembered per machine under
    that hash, and a later run with the same hash shows the remembered output instead
    of running the steps again: deterministic tools give the same answer to the same
    bytes. ``CHECKS_CACHE=off`` runs everything."""

    name: str
    steps: list[list[str]]
    cwd: Path = ROOT
    output: str = ""
    passed: bool = True
    inputs: Callable[[], str] | None = None

    def _remembered(self) -> Path | None:
        from deploy.envcache import cache_root

        root = cache_root()
        if self.inputs is None or root is None or not self.steps:
            return None
        if os.environ.get("CHECKS_CACHE", "").lower() in {"off", "0", "no"}:
            return None
        try:
            key = self.inputs()
        except OSError:  # an input went missing: run the check, which will say why
            return None
        return root / "checks" / f"{self.name}-{key}.passed"

    def run(self) -> Check:
        """Run the steps one after another, stopping at the first failure, output kept,
        each step's wall and CPU time (its own and its children's) noted."""
        remembered = self._remembered()
        if remembered is not None and remembered.is_file():
            self.output = (
                f"$ {self.name}: passed before on this machine with these same inputs "
                f"(key {remembered.stem.rsplit('-', 1)[1]}); "
                "its output then:\n" + remembered.read_text()
            )
            return self
        self._run_steps()
        if self.passed and remembered is not None:
            with contextlib.suppress(OSError):
                remembered.parent.mkdir(parents=True, exist_ok=True)
                partial = remembered.with_suffix(f".{os.getpid()}")
                partial.write_text(self.output)
                os.replace(partial, remembered)
        return self

    def _run_steps(self) -> None:
        for step in self.steps:
            started = time.monotonic()
            process = subprocess.Popen(
                step, cwd=self.cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
            )
            assert process.stdout is not None
            output = process.stdout.read()
            process.stdout.close()
            _, status, usage = os.wait4(process.pid, 0)
            process.returncode = os.waitstatus_to_exitcode(status)
            shown = " ".join(Path(step[0]).name if i == 0 else a for i, a in enumerate(step))
            took = f"{time.monotonic() - started:.0f}s, CPU {usage.ru_utime + usage.ru_stime:.0f}s"
            self.output += f"$ {shown}   ({took})\n{output}"
            if process.returncode != 0:
                self.passed = False
                break


def mypy_check() -> int:
    """mypy with its incremental cache started from the machine's copy (deploy/envcache.py),
    keyed by the virtualenv (mypy, its plugins and stubs): a fresh clone checks only the
    files that differ from the last passing run on this machine, not all of them."""
    from deploy.envcache import seeded_cache

    venv = Path(sys.prefix).resolve().name
    keep = seeded_cache(ROOT / ".mypy_cache", name="mypy-cache", key=venv)
    code = subprocess.run([str(BIN / "mypy"), "."], cwd=ROOT).returncode
    if code == 0:
        keep()
    return code


def static_checks() -> list[Check]:
    return [
        Check(
            "ruff",
            [[str(BIN / "ruff"), "check", "."], [str(BIN / "ruff"), "format", "--check", "."]],
        ),
        Check("mypy", [[sys.executable, "-m", "deploy.runner", "mypy"]]),
        # compose.yaml and the Kubernetes overlays: schemas and policy linter, offline.
        Check("deploy", [[sys.executable, "-m", "deploy.validate"]], inputs=deploy_inputs),
        Check("contract", contract_steps(), cwd=ROOT / "contract", inputs=contract_inputs),
    ]


def pytest_processes() -> int:
    """How many processes pytest spreads the suite over (pytest-xdist): TEST_PROCESSES,
    else one more than the CPUs, because much of the suite waits on servers it starts."""
    configured = os.environ.get("TEST_PROCESSES", "").strip()
    return max(1, int(configured)) if configured else (os.cpu_count() or 1) + 1


def pytest_command(pytest_args: list[str]) -> list[str]:
    command = [sys.executable, "-m", "pytest"]
    chosen = any(
        a == "-n" or a.startswith(("-n", "--numprocesses", "--dist")) or a.endswith("no:xdist")
        for a in pytest_args
    )
    processes = pytest_processes()
    if not chosen and processes > 1:
        # loadfile: each test file runs whole in one process, so a file's fixtures that
        # start a dev runner or a browser start once, and a file's closing checks (every
        # page state was checked for accessibility) see the tests before them.
        command += ["-n", str(processes), "--dist", "loadfile"]
    return [*command, *pytest_args]


def test(pytest_args: list[str]) -> int:
    """The static checks run in one background thread, one after another, while pytest
    runs (much of pytest waits on servers it starts); their output is printed after it."""
    checks = static_checks()
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=1) as pool:
        finished = pool.map(Check.run, checks)
        public_assets()
        chromium_ensure()
        command = pytest_command(pytest_args)
        print(f"$ pytest {' '.join(command[3:])}   (checks run beside it)", flush=True)
        with services(throwaway=True, tests=True) as env:
            code = subprocess.run(command, cwd=ROOT, env=env).returncode
        failures = [] if code == 0 else ["pytest"]
        for check in finished:
            print(check.output, end="", flush=True)
            if not check.passed:
                failures.append(check.name)
    took = time.monotonic() - started
    if failures:
        print(f"FAILED: {', '.join(failures)} ({took:.0f}s)", flush=True)
        return 1
    print(f"All checks passed in {took:.0f}s.", flush=True)
    return 0


def write_bytecode() -> None:
    """Let this command's Python processes cache compiled modules (``__pycache__``, ignored
    by git) even where the environment sets PYTHONDONTWRITEBYTECODE. A test run starts
    about forty Python processes (pytest's workers, servers, workers, manage.py
    commands); without the cache each compiles the project again, and each pytest
    worker rewrites the assertions of every test module again."""
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    sys.dont_write_bytecode = False


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    command, rest = argv[0], argv[1:]
    if command in {"test", "pytest", "bench"}:
        write_bytecode()
    if command == "run":
        return run()
    if command == "test":
        return test(rest)
    if command == "mypy":
        return mypy_check()
    if command == "bench":
        if rest and rest[0].endswith(".py"):
            with services(throwaway=False) as env:
                # A script in bench/ imports its siblings as ``bench.*``.
                env["PYTHONPATH"] = os.pathsep.join(
                    filter(None, [str(ROOT), env.get("PYTHONPATH")])
                )
                return subprocess.run([sys.executable, *rest], env=env).returncode
        with services(throwaway=True) as env:
            return subprocess.run([sys.executable, "-m", "bench", *rest], env=env).returncode
    if command == "pytest":
        public_assets()
        with services(throwaway=True, tests=True) as env:
            return subprocess.run([sys.executable, "-m", "pytest", *rest], env=env).returncode
    with services(throwaway=False) as env:
        return subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), command, *rest], env=env
        ).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
