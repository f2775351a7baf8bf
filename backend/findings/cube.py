"""Every cell a caller can ask for, summed from the scenario facts in one pass (pure).

A cell is a tuple of ``(dimension, value)`` pairs, sorted by dimension: ``()``
is the whole programme, one pair a single-dimension cell, two pairs a pair
cell. For a multi-valued dimension each fact is also in ``not:<value>`` for
every value its proposal does not have: those complement cells are never
published, but they are what differencing a published cell against its total
gives, so disclosure control protects them like any other cell.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from backend.consultations.scoring import TESTS
from backend.disclosure.secondary import Equation
from backend.findings.dimensions import DIMENSIONS, Dimension

NOT = "not:"
Cell = tuple[tuple[str, str], ...]
TOTAL: Cell = ()


@dataclass(frozen=True)
class Fact:
    """One held consultation, as the cube needs it (``ScenarioFact`` fields)."""

    authority_id: int
    proposal_id: int
    data_kinds: Sequence[str]
    special_category: bool
    criminal_offence: bool
    partner_types: Sequence[str]
    direction: str
    frequency: str
    service_areas: Sequence[str]
    legal_gateway: str
    respondents: int
    acceptable: int
    unacceptable: int
    gap_sum: dict[str, float] = field(default_factory=dict)
    gap_count: dict[str, int] = field(default_factory=dict)


@dataclass
class Totals:
    """The sums of one cell, and which facts are in it (for distinct proposals, authorities)."""

    facts: list[int] = field(default_factory=list)
    respondents: int = 0
    acceptable: int = 0
    unacceptable: int = 0
    gap_sum: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    gap_count: dict[str, int] = field(default_factory=lambda: defaultdict(int))


def memberships(dimension: Dimension, fact: Fact) -> list[str]:
    """The values of ``dimension`` a fact is in, complements of a multi-valued one included."""
    has = dimension.values_of(fact)
    if not dimension.multi_valued:
        return list(has)
    return [value if value in has else NOT + value for value in dimension.values]


def cell_key(*pairs: tuple[str, str]) -> Cell:
    return tuple(sorted(pairs))


def dimension_pairs() -> list[tuple[str, str]]:
    return list(itertools.combinations(sorted(DIMENSIONS), 2))


def fold(facts: Sequence[Fact]) -> dict[Cell, Totals]:
    """Sum every fact into the total, each of its single cells and each of its pair cells."""
    cells: dict[Cell, Totals] = defaultdict(Totals)
    keys = sorted(DIMENSIONS)
    for index, fact in enumerate(facts):
        member = {key: memberships(DIMENSIONS[key], fact) for key in keys}
        targets: list[Cell] = [TOTAL]
        targets += [((key, value),) for key in keys for value in member[key]]
        for first, second in itertools.combinations(keys, 2):
            targets += [((first, a), (second, b)) for a in member[first] for b in member[second]]
        for target in targets:
            totals = cells[target]
            totals.facts.append(index)
            totals.respondents += fact.respondents
            totals.acceptable += fact.acceptable
            totals.unacceptable += fact.unacceptable
            for test in TESTS:
                if fact.gap_count.get(test):
                    totals.gap_sum[test] += fact.gap_sum.get(test, 0.0)
                    totals.gap_count[test] += fact.gap_count[test]
    return cells


def _all_memberships(dimension: Dimension) -> list[str]:
    if not dimension.multi_valued:
        return list(dimension.values)
    return [*dimension.values, *(NOT + value for value in dimension.values)]


def _split(dimension: Dimension) -> list[list[str]]:
    """The ways ``dimension`` partitions a set of facts exactly: all its values at once
    (single-valued), or each value against its complement (multi-valued)."""
    if not dimension.multi_valued:
        return [list(dimension.values)]
    return [[value, NOT + value] for value in dimension.values]


def equations() -> list[Equation]:
    """Every exact ``total = sum(parts)`` among the cells (all parts are disjoint)."""
    found: list[Equation] = []
    for key, dimension in DIMENSIONS.items():
        for parts in _split(dimension):
            found.append(Equation(TOTAL, tuple(((key, value),) for value in parts)))
    for first, second in dimension_pairs():
        for outer, inner in ((first, second), (second, first)):
            for held in _all_memberships(DIMENSIONS[outer]):
                for parts in _split(DIMENSIONS[inner]):
                    found.append(
                        Equation(
                            ((outer, held),),
                            tuple(cell_key((outer, held), (inner, value)) for value in parts),
                        )
                    )
    return found


def published_cells(by: Sequence[str]) -> list[Cell]:
    """The cells a query ``by`` answers with: every value (no complements), in catalogue order."""
    if len(by) == 1:
        return [((by[0], value),) for value in DIMENSIONS[by[0]].values]
    first, second = by
    return [
        cell_key((first, a), (second, b))
        for a in DIMENSIONS[first].values
        for b in DIMENSIONS[second].values
    ]


def facts_from_rows(rows: Iterable[dict[str, Any]]) -> list[Fact]:
    names = set(Fact.__dataclass_fields__)
    return [Fact(**{k: v for k, v in row.items() if k in names}) for row in rows]
