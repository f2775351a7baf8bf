"""Secondary suppression across one authority's slices, decided when they are computed.

A caller can ask for any period and segment, so the slices of one authority
form equations (``backend.disclosure.secondary``): all time is the sum of its
quarters, a quarter the sum of its months, and in each period every
consultation is counted under exactly one method (and under its proposal's
service areas, which can overlap, so that equation is treated as exact to be
safe). For each people count the protected cells are marked in the slice's
``sample_sizes["secondary"]``; the read side withholds them from everyone but
the authority itself.
"""

from __future__ import annotations

from collections import defaultdict

from backend.benchmarks.compute import Slice
from backend.benchmarks.figures import PEOPLE_COUNTS
from backend.disclosure.policy import Policy
from backend.disclosure.secondary import Equation, primary, protect

Cell = tuple[str, str]  # (period_key, segment)


def _quarter_of(month_key: str) -> str:
    year, month = month_key.split("-")
    return f"{year}-Q{(int(month) - 1) // 3 + 1}"


def slice_equations(slices: list[Slice]) -> list[Equation]:
    by_kind: dict[str, set[str]] = defaultdict(set)
    segments: set[str] = set()
    for item in slices:
        by_kind[item.period_kind].add(item.period_key)
        segments.add(item.segment)
    periods = ["all", *sorted(by_kind["quarter"]), *sorted(by_kind["month"])]
    equations: list[Equation] = []
    for segment in segments:
        quarters = tuple((q, segment) for q in sorted(by_kind["quarter"]))
        equations.append(Equation(("all", segment), quarters))
        for quarter in sorted(by_kind["quarter"]):
            months = tuple(
                (m, segment) for m in sorted(by_kind["month"]) if _quarter_of(m) == quarter
            )
            equations.append(Equation((quarter, segment), months))
    for period in periods:
        for prefix in ("method:", "service_area:"):
            parts = tuple((period, s) for s in sorted(segments) if s.startswith(prefix))
            if parts:
                equations.append(Equation((period, "all"), parts))
    return equations


def mark_secondary(slices: list[Slice], policy: Policy) -> None:
    """Record in each slice which people counts are withheld only to protect others."""
    equations = slice_equations(slices)
    for count in PEOPLE_COUNTS:
        values: dict[Cell, int] = {
            (item.period_key, item.segment): int(item.sample_sizes.get(count, 0)) for item in slices
        }
        small = primary(values, policy)
        hidden = protect(values, equations, policy, withheld=small)
        for item in slices:
            cell = (item.period_key, item.segment)
            if cell in hidden and cell not in small:
                item.sample_sizes.setdefault("secondary", []).append(count)
