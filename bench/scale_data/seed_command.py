from __future__ import annotations

import multiprocessing
import time
from collections import Counter
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, connections
from django.utils import timezone

from bench.scale_data.seeding import (
    SLUG_PREFIX,
    AuthorityReport,
    AuthoritySpec,
    already_seeded,
    authorities_seed,
    authority_specs,
    catalogue,
    users_create,
)
from tenants.provisioning.template import template_ensure

_JOB: dict[str, Any] = {}


# Authorities provisioned per transaction (see tenants.services.BULK_ONBOARD_BATCH).
CHUNK = 5


def _seed_chunk(specs: list[AuthoritySpec]) -> list[AuthorityReport]:
    return authorities_seed(specs, proposals=_JOB["proposals"], now=_JOB["now"])


class Command(BaseCommand):
    help = (
        "Build a synthetic programme at scale (authorities named scale-NNNN, two years of "
        "proposals, assessments, consultations and decisions each). Refuses to run twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--authorities", type=int, default=400)
        parser.add_argument("--proposals", type=int, default=200, help="Per authority.")
        parser.add_argument("--seed", type=int, default=2026, help="Same seed, same programme.")
        parser.add_argument(
            "--workers",
            type=int,
            default=2,
            help="Processes provisioning and filling authorities in parallel (1 = in-process).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        total_started = time.monotonic()
        if connection.in_atomic_block and options["workers"] != 1:
            raise CommandError("Inside a transaction (tests) only --workers 1 can see the data.")
        if not connection.in_atomic_block:
            started = time.monotonic()
            # The dev runner migrates only for `run`; a fresh data folder needs the public schema.
            call_command("migrate_schemas", "--shared", verbosity=0)
            self.stdout.write(f"Public schema migrated in {time.monotonic() - started:.1f}s")
        existing = already_seeded()
        if existing:
            raise CommandError(
                f"This database already holds {existing} authorities named {SLUG_PREFIX}*; "
                "the scale seed runs once per database. Point DEV_DATA_DIR at a fresh folder "
                "to seed again."
            )
        specs = authority_specs(count=options["authorities"], seed=options["seed"])
        started = time.monotonic()
        template_ensure()  # once, before the workers fork (built by migrations if missing)
        self.stdout.write(f"Template schema ready in {time.monotonic() - started:.1f}s")
        started = time.monotonic()
        users_create(specs)
        catalogue()
        self.stdout.write(
            f"{2 * len(specs)} users created in {time.monotonic() - started:.1f}s; seeding "
            f"{len(specs)} authorities x {options['proposals']} proposals "
            f"with {options['workers']} worker(s) ..."
        )
        _JOB.update(proposals=options["proposals"], now=timezone.now())

        phases: Counter[str] = Counter()
        rows: Counter[str] = Counter()
        seeding_started = started = time.monotonic()
        for index, report in enumerate(self._reports(specs, options["workers"]), start=1):
            phases.update(report.seconds)
            rows.update(report.rows)
            if index == len(specs) or index % 10 == 0:
                self.stdout.write(
                    f"[{index}/{len(specs)}] {report.slug}: "
                    f"{time.monotonic() - started:.0f}s elapsed",
                )
        wall = time.monotonic() - total_started
        seeding = time.monotonic() - seeding_started
        self.stdout.write("\nRows written: " + ", ".join(f"{k} {v}" for k, v in rows.items()))
        self.stdout.write(
            "Time per phase, summed over workers: "
            + ", ".join(f"{name} {seconds:.1f}s" for name, seconds in phases.items())
        )
        self.stdout.write(
            f"Seeded {len(specs)} authorities x {options['proposals']} proposals in {wall:.1f}s "
            f"({wall / 60:.1f} min) wall time; {seeding:.1f}s ({seeding / 60:.1f} min) after "
            "the public schema, the template and the users were ready."
        )

    def _reports(self, specs: list[AuthoritySpec], workers: int) -> Any:
        chunks = [specs[n : n + CHUNK] for n in range(0, len(specs), CHUNK)]
        if workers == 1:
            for chunk in chunks:
                yield from _seed_chunk(chunk)
            return
        # Each forked worker opens its own database connection on first use.
        connections.close_all()
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            for reports in pool.imap_unordered(_seed_chunk, chunks):
                yield from reports
