"""Distribution statistics over authorities, only when enough of them contribute.

Quartiles are nearest-rank order statistics, never interpolated: an interpolated
median of two or four values is an average, and an authority that knows its own
value could solve the average for its neighbour's. A nearest-rank statistic is
one contributor's published value, unattributed among at least
``min_contributors``, and it is computed from the published (rounded, withheld)
values only, so it adds nothing the distribution chart does not already show.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from backend.disclosure.policy import Policy
from backend.disclosure.reasons import ReasonCode, Withheld


@dataclass(frozen=True)
class Summary:
    contributors: int
    median: float | None
    lower_quartile: float | None
    upper_quartile: float | None
    best: float | None
    reason: Withheld | None = None


def nearest_rank(sorted_values: Sequence[float], fraction: float) -> float:
    """The value at rank ceil(fraction * n) (1-based): always one of the values."""
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return float(sorted_values[rank - 1])


def summarise(
    values: Sequence[float | None], *, higher_is_better: bool | None, policy: Policy
) -> Summary:
    """Median, quartiles and best of the published values, or withheld with a reason."""
    present = sorted(float(value) for value in values if value is not None)
    if len(present) < policy.min_contributors:
        return Summary(
            len(present), None, None, None, None, Withheld(ReasonCode.TOO_FEW_CONTRIBUTORS)
        )
    best = None
    if higher_is_better is not None:
        best = present[-1] if higher_is_better else present[0]
    return Summary(
        contributors=len(present),
        median=nearest_rank(present, 0.5),
        lower_quartile=nearest_rank(present, 0.25),
        upper_quartile=nearest_rank(present, 0.75),
        best=best,
    )
