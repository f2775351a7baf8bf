from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from backend.operations.backup import authority_export
from tenants.models import Authority


class Command(BaseCommand):
    help = "Export one authority (its schema and its rows in shared tables) to a file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")
        parser.add_argument("--output", type=Path, help="Default: <slug>-<date>.jsonl.gz")

    def handle(self, *args: Any, **options: Any) -> None:
        from django.utils import timezone

        slug = options["slug"]
        if not Authority.objects.filter(schema_name=slug).exists():
            raise CommandError(f"No authority '{slug}'.")
        path = options["output"] or Path(f"{slug}-{timezone.now():%Y%m%d-%H%M%S}.jsonl.gz")
        summary = authority_export(slug=slug, path=path)
        rows = sum(summary.tables.values())
        self.stdout.write(
            f"Exported {slug}: {len(summary.tables)} tables ({rows} rows), "
            f"{sum(summary.shared.values())} shared rows, "
            f"{sum(summary.referenced.values())} referenced programme rows -> {path}"
        )
