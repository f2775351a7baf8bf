"""Build a synthetic programme at scale (`python3 deploy/dev.py bench bench/seed_scale.py --help`).

Authorities named scale-NNNN, each with two years of proposals, assessments,
consultations and decisions; see bench/scale_data/seeding.py for what is written and how.
"""

from __future__ import annotations

import sys

from bench.common import django_setup


def main(argv: list[str]) -> None:
    django_setup()
    from bench.scale_data.seed_command import Command

    Command().run_from_argv(["seed_scale", "seed_scale", *argv])


if __name__ == "__main__":
    main(sys.argv[1:])
