"""Onboarding one authority: by cloning the migrated template vs by running migrations.

Both go through ``authority_onboard`` (schema, domain, admin, membership), with
hyphenated slugs. The template is built once first (its one-off cost is
printed, not counted: it is paid once per migration set). Target: <= 0.2.
"""

from __future__ import annotations

import sys
from functools import partial

from bench.common import django_setup, drop_authority, median, onboard, print_ratio, timed


def main(rounds: int = 3) -> None:
    django_setup()
    from tenants.provisioning.template import template_ensure

    build = timed(template_ensure)
    print(f"template build (once per migration set): {build:.2f} s")
    clone, migrate = [], []
    for n in range(rounds):
        clone.append(timed(partial(onboard, f"bench-clone-{n}")))
        migrate.append(timed(partial(onboard, f"bench-migrate-{n}", from_template=False)))
    for n in range(rounds):
        drop_authority(f"bench-clone-{n}")
        drop_authority(f"bench-migrate-{n}")
    print(f"onboarding by clone:      median {median(clone):.3f} s  {clone}")
    print(f"onboarding by migrations: median {median(migrate):.3f} s  {migrate}")
    print_ratio("onboarding_clone_vs_migrations", median(clone) / median(migrate), "<=0.2")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
