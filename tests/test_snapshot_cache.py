"""The built test database kept between runs (deploy/testdb.py, tests/snapshot.py): a run
copies the database an earlier run built from the same sources, builds when there is
none or the sources changed, and the test command keeps and restores the server's
data folder per machine."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.db import connection
from psycopg.conninfo import make_conninfo

from deploy import testdb
from tests.snapshot import RUN_ID, admin_connection, database_from_snapshot


def test_the_key_follows_the_sources_and_nothing_else(tmp_path: Path) -> None:
    migration = tmp_path / "backend" / "things" / "migrations" / "0001_initial.py"
    migration.parent.mkdir(parents=True)
    migration.write_text("operations = []\n")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "notes.md").write_text("draft\n")
    (tmp_path / "web" / "node_modules" / "lib").mkdir(parents=True)
    (tmp_path / "web" / "node_modules" / "lib" / "x.py").write_text("# vendored\n")
    first = testdb.source_digest(tmp_path)

    (tmp_path / "docs" / "notes.md").write_text("final\n")
    (tmp_path / "web" / "node_modules" / "lib" / "x.py").write_text("# another\n")
    assert testdb.source_digest(tmp_path) == first

    migration.write_text("operations = ['AddField']\n")
    assert testdb.source_digest(tmp_path) != first
    migration.write_text("operations = []\n")
    assert testdb.source_digest(tmp_path) == first
    (migration.parent / "0002_more.py").write_text("operations = []\n")
    assert testdb.source_digest(tmp_path) != first


def _conninfo(settings: dict[str, Any], database: str) -> str:
    return make_conninfo(
        dbname=database,
        host=settings.get("HOST") or None,
        port=settings.get("PORT") or None,
        user=settings.get("USER") or None,
    )


class Harness:
    """A stand-in build (one table, one row) given to database_from_snapshot."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, cache: Path) -> None:
        self.settings: dict[str, Any] = connection.settings_dict
        self.database = f"test_cache_{uuid.uuid4().hex[:8]}_gw0"
        self.builds = 0
        self.setups = 0
        self.monkeypatch = monkeypatch
        monkeypatch.setenv("PUBLICBENEFIT_CACHE", str(cache))
        self.key("a" * 16)

    def key(self, value: str) -> None:
        self.monkeypatch.setenv(testdb.KEY_VARIABLE, value)

    def databases(self) -> set[str]:
        prefix = self.database.rsplit("_gw", 1)[0]
        with admin_connection(**self.settings) as admin:
            rows = admin.execute(
                "SELECT datname FROM pg_database WHERE starts_with(datname, %s)", [prefix]
            ).fetchall()
        return {row[0] for row in rows}

    def run(self, *, xdist: bool = True, kept: bool = True) -> tuple[str, str]:
        """One test run's first process: (outcome, the row its database holds)."""
        if xdist:
            self.monkeypatch.setenv(RUN_ID, uuid.uuid4().hex)
        else:
            self.monkeypatch.delenv(RUN_ID, raising=False)
        database = self.database

        def build() -> None:
            self.builds += 1
            with admin_connection(**self.settings) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{database}"')
                admin.execute(f'CREATE DATABASE "{database}"')
            with psycopg.connect(_conninfo(self.settings, database), autocommit=True) as built:
                built.execute("CREATE TABLE built (note text)")
                built.execute("INSERT INTO built VALUES (%s)", [f"build {self.builds}"])

        def setup_copied() -> None:
            self.setups += 1

        outcome = database_from_snapshot(
            settings=self.settings,
            test_database=database,
            build=build,
            setup_copied=setup_copied,
            close_connections=lambda: None,
            kept=kept,
        )
        with psycopg.connect(_conninfo(self.settings, database)) as given:
            row = given.execute("SELECT note FROM built").fetchone()
        return outcome, row[0] if row else ""

    def drop_all(self) -> None:
        names = self.databases()
        with admin_connection(**self.settings) as admin:
            for name in names:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def harness(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Harness]:
    made = Harness(monkeypatch, tmp_path)
    try:
        yield made
    finally:
        made.drop_all()


@pytest.mark.parametrize("xdist", [True, False], ids=["xdist", "one process"])
def test_a_second_run_copies_what_the_first_built(harness: Harness, xdist: bool) -> None:
    assert harness.run(xdist=xdist) == ("built", "build 1")
    built = harness.database.replace("_gw0", f"_built_{'a' * 16}")
    assert built in harness.databases()

    assert harness.run(xdist=xdist) == ("kept", "build 1")
    assert harness.builds == 1
    assert harness.setups == 1  # finished like any copy (Django's setup, migrate included)


def test_changed_sources_build_again_and_drop_the_old_build(harness: Harness) -> None:
    harness.run()
    harness.key("b" * 16)
    assert harness.run() == ("built", "build 2")
    kept = {name for name in harness.databases() if "_built_" in name}
    assert kept == {harness.database.replace("_gw0", f"_built_{'b' * 16}")}
    harness.key("a" * 16)
    assert harness.run() == ("built", "build 3")


def test_with_the_cache_off_every_run_builds(
    harness: Harness, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PUBLICBENEFIT_CACHE", "off")
    assert harness.run() == ("built", "build 1")
    assert harness.run() == ("built", "build 2")
    assert not {name for name in harness.databases() if "_built_" in name}
    monkeypatch.setenv("PUBLICBENEFIT_CACHE", str(tmp_path))
    assert harness.run(kept=False) == ("built", "build 3")


def test_the_test_command_keeps_the_data_folder_and_starts_from_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from deploy.runner import services

    monkeypatch.setenv("PUBLICBENEFIT_CACHE", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv(testdb.KEY_VARIABLE, raising=False)
    key = "c" * 16
    monkeypatch.setattr(testdb, "key", lambda: key)

    def databases(url: str) -> set[str]:
        with psycopg.connect(url) as conn:
            return {row[0] for row in conn.execute("SELECT datname FROM pg_database")}

    with services(throwaway=True, tests=True) as env:
        assert env[testdb.KEY_VARIABLE] == key
        with psycopg.connect(env["DATABASE_URL"], autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "test_x_built_{key}"')
            conn.execute('CREATE DATABASE "test_x_gw0"')  # a worker's: not kept
    assert (tmp_path / "test-postgres" / key / ".complete").exists()

    with services(throwaway=True, tests=True) as env:
        names = databases(env["DATABASE_URL"])
        # A run that built nothing for its key keeps nothing and drops nothing.
        with psycopg.connect(env["DATABASE_URL"], autocommit=True) as conn:
            conn.execute('CREATE DATABASE "test_x_gw1"')
        assert testdb.only_the_built_database(env["DATABASE_URL"], "d" * 16) is False
        assert "test_x_gw1" in databases(env["DATABASE_URL"])
    assert f"test_x_built_{key}" in names
    assert "test_x_gw0" not in names
    assert sorted(path.name for path in (tmp_path / "test-postgres").iterdir()) == [key]
