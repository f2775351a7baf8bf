"""Reads: the findings table for one or two dimensions, as anyone outside an authority sees it.

Reads the public ``ScenarioFact`` rows only. The whole cube and its
protection are computed once per state of the facts (and of the settings)
and kept in memory, so every query of the same state answers from the same
decision about which cells are withheld.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, Max

from backend.consultations.scoring import TESTS
from backend.disclosure.counts import round_count
from backend.disclosure.reasons import ReasonCode, Withheld
from backend.findings.cube import TOTAL, Cell, Fact, Totals, facts_from_rows, fold, published_cells
from backend.findings.dimensions import DIMENSIONS
from backend.findings.disclosure import RESPONDENTS, FindingsPolicy, gap_measure, withheld_cells
from backend.findings.models import FindingsPublication, ScenarioFact

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
    computed_at: datetime | None


_lock = threading.Lock()
_memo: dict[tuple[Any, ...], Protected] = {}


def _state() -> tuple[Any, ...]:
    summary = ScenarioFact.objects.aggregate(
        count=Count("id"), last=Max("computed_at"), top=Max("id")
    )
    return (summary["count"], summary["last"], summary["top"])


def findings_protected(*, rules: FindingsPolicy | None = None) -> Protected:
    """The cube and its protection for the facts as they are now."""
    rules = rules or FindingsPolicy.from_settings()
    key = (*_state(), rules)
    with _lock:
        found = _memo.get(key)
    if found is not None:
        return found
    facts: list[Fact] = facts_from_rows(ScenarioFact.objects.order_by("id").values(*FACT_FIELDS))
    cells = fold(facts)
    protected = Protected(
        facts=facts,
        cells=dict(cells),
        withheld=withheld_cells(cells, facts, rules),
        rules=rules,
        computed_at=key[1],
    )
    with _lock:
        _memo.clear()  # only the latest state is ever asked for again
        _memo[key] = protected
    return protected


def _row(protected: Protected, cell: Cell) -> dict[str, Any]:
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


def findings_table(*, by: Sequence[str]) -> dict[str, Any]:
    """Net acceptability and the gap by one dimension or a pair, with the programme total.

    ``by`` holds one or two distinct keys of ``DIMENSIONS`` (the API validates them).
    """
    protected = findings_protected()
    rules = protected.rules
    rows = [_row(protected, cell) for cell in published_cells(list(by))]
    return {
        "by": list(by),
        "total": _row(protected, TOTAL),
        "results": rows,
        "facts_computed_at": protected.computed_at,
        "policy": {
            "threshold": rules.policy.threshold,
            "rounding_base": rules.policy.rounding_base,
            "decimals": rules.policy.decimals,
            "min_proposals": rules.min_proposals,
            "min_authorities": rules.min_authorities,
        },
    }


def findings_dimensions() -> list[dict[str, Any]]:
    """The catalogue of dimensions and their values, for clients building a query."""
    return [
        {
            "key": dimension.key,
            "name": dimension.label,
            "multi_valued": dimension.multi_valued,
            "values": [{"value": value, "name": label} for value, label in dimension.choices],
        }
        for dimension in DIMENSIONS.values()
    ]


def findings_published() -> bool:
    """Whether a coordinator has published the findings (off when never set)."""
    return FindingsPublication.objects.filter(pk=1, published=True).exists()
