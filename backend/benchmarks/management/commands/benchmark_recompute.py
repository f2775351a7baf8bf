from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from backend.benchmarks.services import benchmark_rollup_refresh
from backend.benchmarks.tasks import benchmark_recompute_all
from tenants.models import Authority, AuthorityStatus


class Command(BaseCommand):
    help = "Recompute every authority's benchmark rollups now, showing progress."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slugs", nargs="*", help="Only these authorities.")
        parser.add_argument(
            "--enqueue", action="store_true", help="Fan out to the Celery workers instead."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            count = benchmark_recompute_all.delay()
            self.stdout.write(f"Enqueued the fan-out ({count.id}).")
            return
        authorities = Authority.objects.exclude(status=AuthorityStatus.WITHDRAWN).order_by("pk")
        if options["slugs"]:
            authorities = authorities.filter(schema_name__in=options["slugs"])
        total = authorities.count()
        started = time.monotonic()
        slices = 0
        for index, authority in enumerate(authorities.iterator(), start=1):
            slices += benchmark_rollup_refresh(authority=authority)
            if index == total or index % 10 == 0:
                elapsed = time.monotonic() - started
                self.stdout.write(
                    f"[{index}/{total}] {authority.schema_name}: {slices} slices, {elapsed:.1f}s"
                )
        elapsed = time.monotonic() - started
        self.stdout.write(f"Recomputed {total} authorities ({slices} slices) in {elapsed:.1f}s.")
