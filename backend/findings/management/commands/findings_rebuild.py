from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from backend.findings.services import scenario_facts_rebuild
from tenants.models import Authority


class Command(BaseCommand):
    help = "Rebuild the programme findings' scenario facts from every authority's schema."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slugs", nargs="*", help="Only these authorities.")

    def handle(self, *args: Any, **options: Any) -> None:
        authorities = Authority.objects.order_by("pk")
        if options["slugs"]:
            authorities = authorities.filter(schema_name__in=options["slugs"])
        started = time.monotonic()
        total = 0
        for authority in authorities.iterator():
            count = scenario_facts_rebuild(authority=authority)
            total += count
            self.stdout.write(f"{authority.schema_name}: {count} consultations")
        elapsed = time.monotonic() - started
        self.stdout.write(f"Rebuilt {total} scenario facts in {elapsed:.1f}s.")
