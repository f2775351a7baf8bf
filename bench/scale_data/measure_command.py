from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from backend.benchmarks.privacy import Viewer
from backend.benchmarks.selectors import benchmark_table, rollup_rows
from backend.benchmarks.services import benchmark_rollup_refresh
from bench.scale_data.direct import (
    DIRECT_FIGURES,
    compared_schemas,
    direct_table_loop,
    direct_table_union,
)
from bench.scale_data.latency import endpoints, measure
from tenants.models import Authority, AuthorityStatus

T = TypeVar("T")
TARGET_RECOMPUTE_PER_400 = 120.0
TARGET_P95_MS = 100.0
TARGET_RATIO = 20.0
# Rounded figures may differ by one unit in the last place when float arithmetic in
# PostgreSQL and Python round a value sitting on a boundary differently.
TOLERANCE = {"days_to_decision_median": 0.1}


def _timed(run: Callable[[], T], repeat: int) -> tuple[T, float]:
    """The result and the median wall time in seconds of ``repeat`` runs."""
    times = []
    result: Any = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - started)
    return result, statistics.median(times)


def _verdict(ok: bool) -> str:
    return "OK" if ok else "MISSED"


class Command(BaseCommand):
    help = (
        "Measure the benchmarks on the current database: full recompute time, p50/p95 of "
        "the comparison endpoints, and the rollup read against a direct query over every "
        "tenant schema (with a check that both give the same figures)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--requests", type=int, default=50, help="Timed requests each.")
        parser.add_argument("--warm-up", type=int, default=5)
        parser.add_argument("--direct-repeat", type=int, default=3)
        parser.add_argument("--skip-recompute", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if not connection.in_atomic_block:
            # A database seeded before the latest benchmark migration (an index) needs it.
            call_command("migrate_schemas", "--shared", verbosity=0)
        authorities = list(
            Authority.objects.exclude(status=AuthorityStatus.WITHDRAWN).order_by("pk")
        )
        if not authorities:
            raise CommandError("No authorities: run bench/seed_scale.py first.")
        count = len(authorities)
        self.stdout.write(f"Measuring on {count} authorities.\n")

        if not options["skip_recompute"]:
            self._recompute(authorities)
        subject = next(
            (a for a in authorities if a.schema_name.startswith("scale-")), authorities[0]
        )
        self._latency(subject, options["requests"], options["warm_up"])
        self._direct(options["direct_repeat"])

    def _recompute(self, authorities: list[Authority]) -> None:
        started = time.perf_counter()
        slices = 0
        for index, authority in enumerate(authorities, start=1):
            slices += benchmark_rollup_refresh(authority=authority)
            if index % 50 == 0:
                self.stdout.write(f"  recomputed {index}/{len(authorities)}")
        elapsed = time.perf_counter() - started
        target = TARGET_RECOMPUTE_PER_400 * len(authorities) / 400
        self.stdout.write(
            f"(a) Full recompute: {len(authorities)} authorities, {slices} slices in "
            f"{elapsed:.1f}s ({1000 * elapsed / len(authorities):.0f} ms per authority); "
            f"target {target:.0f}s: {_verdict(elapsed <= target)}\n"
        )

    def _latency(self, subject: Authority, requests: int, warm_up: int) -> None:
        self.stdout.write(
            f"(b) Endpoint latency, in-process, {requests} requests each after {warm_up} "
            f"warm-up (subject {subject.schema_name}):"
        )
        self.stdout.write(f"    {'endpoint':<40} {'p50 ms':>8} {'p95 ms':>8}  target")
        for endpoint in endpoints(authority=subject):
            result = measure(endpoint, requests=requests, warm_up=warm_up)
            self.stdout.write(
                f"    {endpoint.label:<40} {result.p50_ms:>8.1f} {result.p95_ms:>8.1f}  "
                f"{_verdict(result.p95_ms <= TARGET_P95_MS)}"
            )
        self.stdout.write("")

    def _direct(self, repeat: int) -> None:
        schemas = compared_schemas()
        viewer = Viewer(sees_all_names=True)

        def rollup_read() -> list[Any]:
            return benchmark_table(viewer=viewer, period_key="all", segment="all")

        _, rollup_seconds = _timed(rollup_read, max(repeat, 10))
        union, union_seconds = _timed(lambda: direct_table_union(schemas), repeat)
        loop, loop_seconds = _timed(lambda: direct_table_loop(schemas), repeat)
        direct_seconds = min(union_seconds, loop_seconds)
        ratio = direct_seconds / rollup_seconds if rollup_seconds else float("inf")
        self.stdout.write(
            f"(c) All-time table of every authority ({len(schemas)} schemas), median of runs:"
        )
        self.stdout.write(f"    {'way':<44} {'seconds':>9}")
        self.stdout.write(
            f"    {'rollup read (benchmark_table selector)':<44} {rollup_seconds:>9.4f}"
        )
        self.stdout.write(f"    {'direct: one UNION ALL statement':<44} {union_seconds:>9.4f}")
        self.stdout.write(f"    {'direct: one statement per schema':<44} {loop_seconds:>9.4f}")
        self.stdout.write(
            f"    rollup read is {ratio:.0f}x faster than the faster direct way; "
            f"target {TARGET_RATIO:.0f}x: {_verdict(ratio >= TARGET_RATIO)}\n"
        )
        if union != loop:
            raise CommandError("The two direct ways disagree; the direct query is wrong.")

        # The rollups' exact figures, not the published ones (rounded and withheld for
        # anyone but the authority itself): the check is that the rollups are right.
        by_slug = {
            row.authority.schema_name: row.figures
            for row in rollup_rows(period_key="all", segment="all")
        }
        checked = 0
        mismatches: list[str] = []
        for schema, direct in union.items():
            figures = by_slug.get(schema)
            if figures is None:
                continue  # never refreshed: not in the comparison
            checked += 1
            for key in DIRECT_FIGURES:
                expected, actual = direct[key], figures.get(key)
                same = expected == actual or (
                    expected is not None
                    and actual is not None
                    and abs(expected - actual) <= TOLERANCE.get(key, 0) + 1e-9
                )
                if not same:
                    mismatches.append(f"{schema} {key}: direct {expected} rollup {actual}")
        self.stdout.write(
            f"    agreement: {checked} authorities x {len(DIRECT_FIGURES)} figures, "
            f"{len(mismatches)} mismatches: {'AGREE' if not mismatches else 'DISAGREE'}"
        )
        for line in mismatches[:10]:
            self.stdout.write(f"      {line}")
        sample = sorted(union)[:5]
        self.stdout.write("    sample (direct = rollup):")
        header = "".join(f"{key[:14]:>15}" for key in DIRECT_FIGURES)
        self.stdout.write(f"    {'authority':<12}{header}")
        for schema in sample:
            values = "".join(
                f"{'-' if union[schema][k] is None else union[schema][k]:>15}"
                for k in DIRECT_FIGURES
            )
            self.stdout.write(f"    {schema:<12}{values}")
