"""Measure the benchmarks on a seeded programme (`deploy/dev.py bench bench/measure_scale.py`).

Full rollup recompute, p50/p95 of the comparison endpoints, and the rollup read
against a direct query over every tenant schema (bench/scale_data/measure_command.py).
"""

from __future__ import annotations

import sys

from bench.common import django_setup


def main(argv: list[str]) -> None:
    django_setup()
    from bench.scale_data.measure_command import Command

    Command().run_from_argv(["measure_scale", "measure_scale", *argv])


if __name__ == "__main__":
    main(sys.argv[1:])
