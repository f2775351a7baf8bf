"""Distribution statistics over one figure across authorities (pure functions)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


def percentile(sorted_values: Sequence[float], fraction: float) -> float | None:
    """Linear-interpolated percentile of already sorted values (fraction in 0..1)."""
    if not sorted_values:
        return None
    if len(sorted_values) == 1:
        return float(sorted_values[0])
    position = (len(sorted_values) - 1) * fraction
    lower = math.floor(position)
    upper = math.ceil(position)
    weight = position - lower
    return float(sorted_values[lower] * (1 - weight) + sorted_values[upper] * weight)


@dataclass(frozen=True)
class Distribution:
    count: int
    minimum: float | None
    lower_quartile: float | None
    median: float | None
    upper_quartile: float | None
    maximum: float | None
    best: float | None


def distribution(values: Sequence[float | None], higher_is_better: bool | None) -> Distribution:
    present = sorted(float(v) for v in values if v is not None)
    best: float | None = None
    if present and higher_is_better is not None:
        best = present[-1] if higher_is_better else present[0]
    return Distribution(
        count=len(present),
        minimum=present[0] if present else None,
        lower_quartile=percentile(present, 0.25),
        median=percentile(present, 0.5),
        upper_quartile=percentile(present, 0.75),
        maximum=present[-1] if present else None,
        best=best,
    )
