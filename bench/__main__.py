"""Run every benchmark (or those named) and print one table of ratios.

``python3 deploy/dev.py bench [name ...]`` calls this with DATABASE_URL and
REDIS_URL pointing at throwaway servers. The public schema is migrated and the
template built once; each script then runs in a database of its own, copied
from that one (``CREATE DATABASE ... TEMPLATE``), so no script sees another's
authorities. Sizes come from the environment: BENCH_MIGRATE_AUTHORITIES (400),
BENCH_SCALE_AUTHORITIES (1000).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

import psycopg

from deploy.services import copy_database

SCRIPTS = ["onboarding", "migrate_noop", "task_throughput", "search_path", "list_view", "scale"]
SCRIPTS += ["answer_throughput"]


def _admin_url(url: str) -> tuple[str, str]:
    base, name = url.rsplit("/", 1)
    return f"{base}/postgres", name


def _copy_database(admin: str, source: str, database: str) -> None:
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database}"')
        copy_database(conn, source=source, target=database)


def main(argv: list[str]) -> int:
    names = argv or SCRIPTS
    url = os.environ["DATABASE_URL"]
    admin, source = _admin_url(url)
    prepare = "from tenants.provisioning.template import template_ensure; template_ensure()"
    subprocess.run(
        [sys.executable, "manage.py", "migrate_schemas", "--shared", "-v", "0"], check=True
    )
    subprocess.run([sys.executable, "manage.py", "shell", "-c", prepare], check=True)
    rows = []
    for name in names:
        database = f"bench_{name}"
        _copy_database(admin, source, database)
        print(f"\n=== {name}", flush=True)
        started = time.monotonic()
        env = {**os.environ, "DATABASE_URL": f"{url.rsplit('/', 1)[0]}/{database}"}
        result = subprocess.run(
            [sys.executable, "-m", f"bench.{name}"], env=env, capture_output=True, text=True
        )
        print(result.stdout, end="")
        if result.returncode:
            print(result.stderr[-3000:])
        ratio = [line for line in result.stdout.splitlines() if line.startswith("RATIO ")]
        _, label, value, target = ratio[-1].split() if ratio else ("", name, "failed", "")
        rows.append((label, value, target, time.monotonic() - started))
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    print(f"\n{'benchmark':<50} {'ratio':>8} {'target':>8} {'took':>7}")
    for label, value, target, took in rows:
        print(f"{label:<50} {value:>8} {target:>8} {took:>6.0f}s")
    return 0 if all(value != "failed" for _, value, _, _ in rows) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
