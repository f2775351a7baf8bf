from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from backend.operations.backup import authority_restore


class Command(BaseCommand):
    help = (
        "Restore an authority exported by export_authority, under its slug or --slug. "
        "All or nothing; refuses an existing slug or an export from other migrations."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--slug", help="Restore under this slug instead of the original.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = authority_restore(path=options["path"], slug=options["slug"])
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(
            f"Restored {summary.slug}: {len(summary.tables)} tables "
            f"({sum(summary.tables.values())} rows), {sum(summary.shared.values())} shared rows."
        )
