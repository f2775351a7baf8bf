from __future__ import annotations

import multiprocessing
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, connections
from django.utils import timezone

from bench.scale_data.cpu import cpu_add, cpu_measured
from bench.scale_data.pool import (
    PoolEntry,
    pool_chunks,
    pool_create,
    pool_drop,
    pool_fill,
    pool_sample,
)
from bench.scale_data.replicate import replica_allowed
from bench.scale_data.seeding import (
    SLUG_PREFIX,
    AuthorityReport,
    AuthoritySpec,
    already_seeded,
    authorities_seed,
    authority_specs,
    catalogue,
    seeded_drop,
    users_create,
)
from tenants.provisioning.template import template_ensure

_JOB: dict[str, Any] = {}


# Authorities provisioned per transaction (see tenants.services.BULK_ONBOARD_BATCH).
CHUNK = 5
# Pool proposals generated per task.
POOL_CHUNK = 100


def _pool_chunk(task: tuple[int, int]) -> tuple[float, dict[str, float], list[PoolEntry]]:
    started = time.monotonic()
    cpu: dict[str, float] = {}
    with cpu_measured(cpu):
        entries = pool_fill(chunk=task[0], count=task[1], seed=_JOB["seed"], now=_JOB["now"])
    return time.monotonic() - started, cpu, entries


def _seed_chunk(
    task: tuple[list[AuthoritySpec], dict[str, list[int]]],
) -> tuple[dict[str, float], list[AuthorityReport]]:
    specs, samples = task
    cpu: dict[str, float] = {}
    with cpu_measured(cpu):
        reports = authorities_seed(specs, samples=samples, now=_JOB["now"], audit=_JOB["audit"])
    return cpu, reports


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
        parser.add_argument(
            "--pool",
            type=int,
            default=2000,
            help="Proposal lives generated once and sampled by every authority "
            "(capped at authorities x proposals).",
        )
        parser.add_argument(
            "--audit",
            choices=["direct", "triggers"],
            default="direct",
            help="Write the audit events directly (default; needs a superuser, falls back) "
            "or let the pghistory triggers fire on every row.",
        )
        parser.add_argument(
            "--now",
            type=datetime.fromisoformat,
            default=None,
            help="The moment the two years of history end (ISO 8601 with a zone; default: "
            "now). The same seed and moment give the same rows.",
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Drop the authorities a previous run seeded (schemas and rows) first.",
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
        if options["replace"]:
            started = time.monotonic()
            dropped = seeded_drop()
            self.stdout.write(
                f"Dropped {dropped} seeded authorities in {time.monotonic() - started:.1f}s "
                "(not counted in the wall time below)"
            )
            total_started += time.monotonic() - started
        existing = already_seeded()
        if existing:
            raise CommandError(
                f"This database already holds {existing} authorities named {SLUG_PREFIX}*; "
                "the scale seed runs once per database. Pass --replace to drop them first, "
                "or point DEV_DATA_DIR at a fresh folder."
            )
        audit = options["audit"]
        if audit == "direct" and not replica_allowed():
            self.stdout.write("Not a superuser: the audit triggers will fire on every row.")
            audit = "triggers"
        specs = authority_specs(count=options["authorities"], seed=options["seed"])
        started = time.monotonic()
        template = template_ensure()  # once, before the workers fork (built if missing)
        self.stdout.write(f"Template schema ready in {time.monotonic() - started:.1f}s")
        started = time.monotonic()
        users_create(specs)
        catalogue()
        self.stdout.write(f"{2 * len(specs)} users created in {time.monotonic() - started:.1f}s")
        _JOB.update(
            proposals=options["proposals"],
            now=options["now"] or timezone.now(),
            seed=options["seed"],
            audit=audit,
        )
        size = max(options["proposals"], min(options["pool"], len(specs) * options["proposals"]))
        phases: Counter[str] = Counter()
        rows: Counter[str] = Counter()
        cpu: dict[str, float] = {}
        seeding_started = time.monotonic()
        pool_create(template)
        try:
            with self._workers(options["workers"]) as run:
                started = time.monotonic()
                entries: list[PoolEntry] = []
                for seconds, used, chunk in run(_pool_chunk, pool_chunks(size, POOL_CHUNK)):
                    phases["pool"] += seconds
                    cpu_add(cpu, used, prefix="pool ")
                    entries.extend(chunk)
                entries.sort(key=lambda e: (e.chunk, e.position))
                self.stdout.write(
                    f"Pool of {len(entries)} proposal lives in {time.monotonic() - started:.1f}s; "
                    f"seeding {len(specs)} authorities x {options['proposals']} proposals "
                    f"with {options['workers']} worker(s), audit events {audit} ..."
                )
                tasks = [
                    (
                        chunk,
                        {
                            spec.slug: pool_sample(
                                entries, count=options["proposals"], seed=spec.seed
                            )
                            for spec in chunk
                        },
                    )
                    for chunk in (specs[n : n + CHUNK] for n in range(0, len(specs), CHUNK))
                ]
                started = time.monotonic()
                index = 0
                for used, reports in run(_seed_chunk, tasks):
                    cpu_add(cpu, used, prefix="authorities ")
                    for report in reports:
                        index += 1
                        phases.update(report.seconds)
                        rows.update(report.rows)
                        if index == len(specs) or index % 20 == 0:
                            self.stdout.write(
                                f"[{index}/{len(specs)}] {report.slug}: "
                                f"{time.monotonic() - started:.0f}s elapsed",
                            )
        finally:
            pool_drop()
        wall = time.monotonic() - total_started
        seeding = time.monotonic() - seeding_started
        self.stdout.write("\nRows written: " + ", ".join(f"{k} {v}" for k, v in rows.items()))
        self.stdout.write(
            "Time per phase, summed over workers: "
            + ", ".join(f"{name} {seconds:.1f}s" for name, seconds in phases.items())
        )
        self.stdout.write(
            "CPU time, summed over workers (Python, and PostgreSQL when it runs on this "
            "machine): "
            + ", ".join(f"{name} {seconds:.1f}s" for name, seconds in sorted(cpu.items()))
            + f"; {sum(cpu.values()) / len(specs):.2f}s per authority, pool included"
        )
        self.stdout.write(
            f"Seeded {len(specs)} authorities x {options['proposals']} proposals in {wall:.1f}s "
            f"({wall / 60:.1f} min) wall time; {seeding:.1f}s ({seeding / 60:.1f} min) after "
            "the public schema, the template and the users were ready."
        )

    @contextmanager
    def _workers(self, workers: int) -> Iterator[Callable[[Callable[[Any], Any], list[Any]], Any]]:
        """Run tasks in-process (1) or in a pool of forked workers, results as they come."""
        if workers == 1:
            yield lambda function, tasks: map(function, tasks)
            return
        # Each forked worker opens its own database connection on first use.
        connections.close_all()
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            yield pool.imap_unordered
