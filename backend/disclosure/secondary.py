"""Secondary suppression: no withheld count may be recovered by subtraction.

A table that publishes a total and its parts (acceptability categories and the
number who responded), or two tables a caller can ask for whose cells add up
(a quarter and its months, all time and its quarters, every consultation and
the consultations by each method) form *equations*: ``total = sum(parts)``. If
exactly one cell of an equation is withheld, it is the total minus the others;
if the withheld parts together describe 1..threshold people, their sum is. The
fix is to withhold more cells, smallest first, until neither is true, and to go
round every equation again until nothing changes (a cell withheld for one
equation can expose another).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from backend.disclosure.counts import is_small
from backend.disclosure.policy import Policy

Cell = TypeVar("Cell", bound=Hashable)


@dataclass(frozen=True)
class Equation:
    """``total`` equals the sum of ``parts`` (or, for overlapping parts, is bounded by it)."""

    total: Any
    parts: tuple[Any, ...]


def primary(values: Mapping[Cell, int], policy: Policy) -> set[Cell]:
    """The cells withheld for being small themselves."""
    return {cell for cell, value in values.items() if is_small(value, policy)}


# Whether a group of withheld cells, taken together, would describe too few (people,
# proposals, authorities...): the default is "their values add up to 1..threshold".
Disclosive = Callable[[Collection[Any]], bool]


def _exposed(
    equation: Equation,
    values: Mapping[Cell, int],
    withheld: set[Cell],
    policy: Policy,
    disclosive: Disclosive | None = None,
) -> bool:
    cells = (equation.total, *equation.parts)
    unknown = [cell for cell in cells if cell in withheld]
    if not unknown:
        return False
    if len(unknown) == 1:
        return True
    if equation.total in withheld:
        return False
    # Only parts are withheld: their sum is the total minus the published parts.
    if disclosive is not None:
        return disclosive(unknown)
    hidden = sum(values.get(cell, 0) for cell in unknown)
    return is_small(hidden, policy)


def _next_to_withhold(equation: Equation, values: Mapping[Cell, int], withheld: set[Cell]) -> Cell:
    """The smallest published non-zero part (least information lost), else the total."""
    candidates = [
        cell for cell in equation.parts if cell not in withheld and values.get(cell, 0) > 0
    ]
    if candidates:
        return min(candidates, key=lambda cell: (values.get(cell, 0), str(cell)))
    return equation.total


def protect(
    values: Mapping[Cell, int],
    equations: Iterable[Equation],
    policy: Policy,
    *,
    withheld: Iterable[Cell] | None = None,
    disclosive: Disclosive | None = None,
) -> set[Cell]:
    """Every cell to withhold: the primary ones and enough others that none can be solved.

    Cells missing from ``values`` are zero. ``disclosive`` replaces the test of
    whether several withheld parts together describe too few (findings also
    count the proposals and authorities behind them). Terminates: each round
    withholds at least one more cell or stops, and there are finitely many cells.
    """
    equations = list(equations)
    hidden = set(primary(values, policy) if withheld is None else withheld)
    changed = True
    while changed:
        changed = False
        for equation in equations:
            while _exposed(equation, values, hidden, policy, disclosive):
                cell = _next_to_withhold(equation, values, hidden)
                if cell in hidden:  # nothing left to withhold in this equation
                    break
                hidden.add(cell)
                changed = True
    return hidden
