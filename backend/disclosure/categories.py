"""A set of categories that add up to a total (answers on a scale): combine, withhold,
protect, and give shares computed from the published counts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from backend.disclosure.counts import Published, is_small, round_count
from backend.disclosure.policy import Policy
from backend.disclosure.reasons import ReasonCode, Withheld
from backend.disclosure.secondary import Equation, protect


@dataclass(frozen=True)
class CategoryTable:
    """Published shares of each category, and why any are withheld.

    ``combined`` tells whether the categories were merged into ``groups`` to
    keep them publishable.
    """

    combined: bool
    shares: dict[str, float | None]
    counts: dict[str, int | None]
    withheld: dict[str, Withheld] = field(default_factory=dict)


def _combine(counts: Mapping[str, int], groups: Mapping[str, Sequence[str]]) -> dict[str, int]:
    return {
        group: sum(counts.get(member, 0) for member in members) for group, members in groups.items()
    }


def publish_categories(
    counts: Mapping[str, int],
    *,
    total: Published,
    policy: Policy,
    groups: Mapping[str, Sequence[str]] | None = None,
    basis: str,
) -> CategoryTable:
    """Categories of one total, as anyone but the authority may see them.

    The fine categories are published if none of them is small; otherwise they
    are first combined into ``groups`` (acceptable with very acceptable...), and
    only then withheld, with secondary suppression against the total so that no
    withheld category is the total minus the others. Shares are the rounded
    category counts over the rounded total. Everything is withheld when the
    total is.
    """
    cells = dict(counts)
    combined = False
    if groups is not None and any(is_small(value, policy) for value in cells.values()):
        cells = _combine(cells, groups)
        combined = True
    if total.withheld:
        reason = Withheld(ReasonCode.DERIVED_FROM_WITHHELD, basis)
        return CategoryTable(
            combined,
            {key: None for key in cells},
            {key: None for key in cells},
            {key: reason for key in cells},
        )
    total_cell = "__total__"
    values = {**cells, total_cell: sum(cells.values())}
    hidden = protect(values, [Equation(total_cell, tuple(cells))], policy)
    withheld: dict[str, Withheld] = {}
    shares: dict[str, float | None] = {}
    published: dict[str, int | None] = {}
    denominator = total.value or 0
    for key, value in cells.items():
        if key in hidden:
            code = ReasonCode.SMALL_COUNT if is_small(value, policy) else ReasonCode.SECONDARY
            withheld[key] = Withheld(code, basis)
            shares[key] = None
            published[key] = None
            continue
        rounded = round_count(value, policy)
        published[key] = rounded
        shares[key] = round(rounded / denominator, policy.decimals) if denominator else None
    return CategoryTable(combined, shares, published, withheld)
