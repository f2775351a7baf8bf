"""``migrate_schemas`` with nothing pending: across N authorities vs across one.

Runs the command as a deployment does (a fresh process), three times at one
authority, then grows the programme to N authorities (clones) and runs it
three times again. The ratio is the median at N over the median at one.
Target at N=400: <= 3.
"""

from __future__ import annotations

import os
import subprocess
import sys

from bench.common import bulk_authorities, django_setup, median, print_ratio, timed


def _migrate() -> None:
    subprocess.run(
        [sys.executable, "manage.py", "migrate_schemas", "--noinput", "-v", "0"], check=True
    )


def main(count: int = 400) -> None:
    django_setup()
    bulk_authorities(1, prefix="migrate")
    _migrate()  # applies anything pending, warms the disk cache
    one = [timed(_migrate) for _ in range(3)]
    grown = timed(lambda: bulk_authorities(count, prefix="migrate"))
    print(f"grew to {count} authorities by clone in {grown:.0f} s")
    many = [timed(_migrate) for _ in range(3)]
    print(f"migrate_schemas, nothing pending, 1 authority:   median {median(one):.2f} s {one}")
    print(f"migrate_schemas, nothing pending, {count} authorities: median {median(many):.2f} s")
    print_ratio(f"migrate_noop_{count}_vs_1", median(many) / median(one), "<=3")


if __name__ == "__main__":
    main(
        int(sys.argv[1])
        if len(sys.argv) > 1
        else int(os.environ.get("BENCH_MIGRATE_AUTHORITIES", 400))
    )
