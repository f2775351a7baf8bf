from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from backend.operations.migrations_state import unapplied_migrations


class Command(BaseCommand):
    help = (
        "Wait until every schema has this code's migrations (the release's migration "
        "Job applies them); exit 1 after --timeout seconds. The web pods' init container."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--timeout", type=float, default=600.0)
        parser.add_argument("--interval", type=float, default=5.0)

    def handle(self, *args: Any, **options: Any) -> None:
        deadline = time.monotonic() + options["timeout"]
        while True:
            try:
                missing = unapplied_migrations()
            except Exception as exc:  # the database may not answer yet
                missing = {"(database)": 0}
                self.stderr.write(f"Waiting for the database: {exc.__class__.__name__}")
            finally:
                # A fresh connection per check; never inside a caller's transaction.
                if not connection.in_atomic_block:
                    connection.close()
            if not missing:
                self.stdout.write("Every schema is migrated.")
                return
            if time.monotonic() > deadline:
                raise CommandError(f"Migrations still missing after the timeout: {missing}")
            self.stdout.write(f"Waiting for migrations: {missing}")
            time.sleep(options["interval"])
