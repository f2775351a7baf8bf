"""The findings request before and after the stored table, at 200 and 1,000 consultations.

Facts are drawn at random (seeded) over 12 authorities, straight into
``ScenarioFact`` (the facts' own tests cover how they are copied). For each size:

- before: what a request paid after any fact change when each web process
  computed the table itself: read the facts, sum and protect every cell, render
  the asked-for query (the code is the same as the old per-process path);
- task: ``findings_table_refresh`` (what ``findings.refresh_table`` runs);
- after: ``findings_table`` as the view calls it, first read of a new table in
  a process (loads and parses the stored row) and then the median of 20 reads.

Run: ``python3 deploy/dev.py bench findings_table``. The ratio is the
1,000-consultation request after (first read) over before; target <= 0.05.
"""

from __future__ import annotations

import random
import time

from bench.common import django_setup, median, print_ratio, timed

django_setup()

from django.utils import timezone  # noqa: E402

from backend.findings.cube import published_cells  # noqa: E402
from backend.findings.dimensions import DIMENSIONS  # noqa: E402
from backend.findings.disclosure import FindingsPolicy  # noqa: E402
from backend.findings.models import FindingsTable, ScenarioFact  # noqa: E402
from backend.findings.selectors import findings_table  # noqa: E402
from backend.findings.services import findings_table_refresh  # noqa: E402
from backend.findings.table import FACT_FIELDS, protect, render_cell  # noqa: E402
from tenants.models import Authority  # noqa: E402

QUERY = ["special_category", "service_area"]
AUTHORITIES = 12


def _values(key: str) -> list[str]:
    return [value for value in DIMENSIONS[key].values if not value.startswith("not:")]


def _some(rng: random.Random, key: str) -> list[str]:
    return rng.sample(_values(key), rng.randint(1, 3))


def _authorities() -> list[int]:
    Authority.objects.bulk_create(  # no save(): these need no schema, only ids for the facts
        [
            Authority(schema_name=f"facts-{n:02d}", name=f"Facts {n}", kind="district",
                      status="active")
            for n in range(AUTHORITIES)
        ]
    )  # fmt: skip
    ours = Authority.objects.filter(schema_name__startswith="facts-")
    return list(ours.values_list("pk", flat=True))


def _grow(rng: random.Random, authorities: list[int], count: int) -> None:
    now = timezone.now()
    have = ScenarioFact.objects.count()
    facts = []
    for n in range(have, count):
        respondents = rng.randint(5, 120)
        acceptable = rng.randint(0, respondents)
        facts.append(
            ScenarioFact(
                authority_id=rng.choice(authorities),
                consultation_id=n + 1,
                proposal_id=n // 2 + 1,
                held_at=now,
                data_kinds=_some(rng, "data_kind"),
                special_category=rng.random() < 0.3,
                criminal_offence=rng.random() < 0.1,
                partner_types=_some(rng, "partner_type"),
                direction=rng.choice(_values("direction")),
                frequency=rng.choice(_values("frequency")),
                service_areas=_some(rng, "service_area"),
                legal_gateway=rng.choice(_values("legal_gateway")),
                respondents=respondents,
                acceptable=acceptable,
                unacceptable=rng.randint(0, respondents - acceptable),
                gap_sum={"purposeful": -0.1 * respondents},
                gap_count={"purposeful": respondents},
                computed_at=now,
            )
        )
    ScenarioFact.objects.bulk_create(facts)


def _before() -> None:
    rules = FindingsPolicy.from_settings()
    rows = list(ScenarioFact.objects.order_by("id").values(*FACT_FIELDS))
    protected = protect(rows, rules)
    [render_cell(protected, cell) for cell in published_cells(QUERY)]


def main() -> None:
    rng = random.Random(14)
    authorities = _authorities()
    ratio = 0.0
    for size in (200, 1000):
        _grow(rng, authorities, size)
        before = timed(_before)
        task = timed(findings_table_refresh)
        started = time.perf_counter()
        findings_table(by=QUERY)
        first = time.perf_counter() - started
        warm = median(timed(lambda: findings_table(by=QUERY)) for _ in range(20))
        stored = FindingsTable.objects.get(pk=1)
        print(
            f"{size:>5} consultations: before {before * 1000:8.0f} ms per request after a change"
            f" | task {task * 1000:8.0f} ms | after: first read {first * 1000:6.1f} ms,"
            f" then {warm * 1000:5.2f} ms | {len(stored.cells)} cells stored",
            flush=True,
        )
        ratio = first / before
    print_ratio("findings_request_after_over_before", ratio, "<=0.05")


if __name__ == "__main__":
    main()
