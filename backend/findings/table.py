"""The whole published findings table, computed from the facts in one go (no database writes).

``compute_table`` sums every cell, protects them all at once, and renders every
cell a query can return (the total, each dimension's values, each pair's
values) into plain JSON: what ``FindingsTable`` stores and every request reads.
Complement cells are protected but never rendered: they are never published.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from backend.consultations.scoring import TESTS
from backend.disclosure.counts import round_count
from backend.disclosure.reasons import ReasonCode, Withheld
from backend.findings.cube import TOTAL, Cell, Fact, Totals, facts_from_rows, fold, published_cells
from backend.findings.dimensions import DIMENSIONS
from backend.findings.disclosure import RESPONDENTS, FindingsPolicy, gap_measure, withheld_cells

FACT_FIELDS = (
    "authority_id",
    "proposal_id",
    "data_kinds",
    "special_category",
    "criminal_offence",
    "partner_types",
    "direction",
    "frequency",
    "service_areas",
    "legal_gateway",
    "respondents",
    "acceptable",
    "unacceptable",
    "gap_sum",
    "gap_count",
)


@dataclass(frozen=True)
class Protected:
    """The cube of one state of the facts, with its withheld cells per measure."""

    facts: list[Fact]
    cells: dict[Cell, Totals]
    withheld: dict[str, dict[Cell, Withheld]]
    rules: FindingsPolicy


def cell_name(cell: Cell) -> str:
    """The stored key of a cell: ``""`` for the total, else ``dim=value`` joined by ``&``."""
    return "&".join(f"{dimension}={value}" for dimension, value in cell)


def policy_body(rules: FindingsPolicy) -> dict[str, int]:
    return {
        "threshold": rules.policy.threshold,
        "rounding_base": rules.policy.rounding_base,
        "decimals": rules.policy.decimals,
        "min_proposals": rules.min_proposals,
        "min_authorities": rules.min_authorities,
    }


def facts_version(rows: Sequence[dict[str, Any]], rules: FindingsPolicy) -> str:
    """A fingerprint of the facts and the rules: equal fingerprints give equal tables."""
    digest = hashlib.sha256()
    digest.update(json.dumps(policy_body(rules), sort_keys=True).encode())
    for row in rows:
        digest.update(json.dumps(row, sort_keys=True, default=str).encode())
    return digest.hexdigest()


def protect(rows: Sequence[dict[str, Any]], rules: FindingsPolicy) -> Protected:
    facts = facts_from_rows(rows)
    cells = fold(facts)
    return Protected(
        facts=facts, cells=dict(cells), withheld=withheld_cells(cells, facts, rules), rules=rules
    )


def render_cell(protected: Protected, cell: Cell) -> dict[str, Any]:
    """One cell as the API shows it: figures, or nulls with the reasons they are withheld."""
    rules = protected.rules
    totals = protected.cells.get(cell, Totals())
    withheld: dict[str, dict[str, Any]] = {}
    hidden = protected.withheld[RESPONDENTS].get(cell)
    row: dict[str, Any] = {"cell": dict(cell)}
    if hidden is not None:
        reason = rules.reason_dict(hidden)
        for key in ("respondents", "proposals", "authorities"):
            row[key] = None
            withheld[key] = reason
        row["net_acceptability"] = None
        derived = rules.reason_dict(Withheld(ReasonCode.DERIVED_FROM_WITHHELD, RESPONDENTS))
        withheld["net_acceptability"] = derived
        row["gap"] = {test: None for test in TESTS}
        for test in TESTS:
            withheld[f"gap.{test}"] = derived
        row["withheld"] = withheld
        return row
    contributing = [protected.facts[index] for index in totals.facts]
    row["respondents"] = round_count(totals.respondents, rules.policy)
    row["proposals"] = len({(fact.authority_id, fact.proposal_id) for fact in contributing})
    row["authorities"] = len({fact.authority_id for fact in contributing})
    row["net_acceptability"] = (
        round((totals.acceptable - totals.unacceptable) / totals.respondents, rules.policy.decimals)
        if totals.respondents
        else None
    )
    gaps: dict[str, float | None] = {}
    for test in TESTS:
        gap_hidden = protected.withheld[gap_measure(test)].get(cell)
        count = totals.gap_count.get(test, 0)
        if gap_hidden is not None:
            gaps[test] = None
            withheld[f"gap.{test}"] = rules.reason_dict(gap_hidden)
        else:
            gaps[test] = (
                round(totals.gap_sum[test] / count, rules.policy.decimals) if count else None
            )
    row["gap"] = gaps
    row["withheld"] = withheld
    return row


def every_query() -> list[list[str]]:
    """Every ``by`` a caller can ask for, up to the order of a pair (cells are sorted)."""
    keys = list(DIMENSIONS)
    return [[key] for key in keys] + [list(pair) for pair in itertools.combinations(keys, 2)]


def compute_table(rows: Sequence[dict[str, Any]], rules: FindingsPolicy) -> dict[str, Any]:
    """Every publishable cell of the facts ``rows``, protected together, keyed by ``cell_name``."""
    protected = protect(rows, rules)
    cells = {cell_name(TOTAL): render_cell(protected, TOTAL)}
    for by in every_query():
        for cell in published_cells(by):
            cells[cell_name(cell)] = render_cell(protected, cell)
    return cells
