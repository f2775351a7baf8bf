"""Findings through disclosure control: which cells are withheld, and why (pure).

Each cell's people counts (respondents, and for each test the responses
behind the gap) are protected over every cell a caller can ask for, at once,
with the disclosure layer's solver: a cell is withheld when it describes
1..threshold people, fewer than ``min_proposals`` proposals or fewer than
``min_authorities`` authorities; then more cells are withheld until no
withheld cell (nor a group of withheld parts describing too few) is the total
minus the published parts of any equation, complements of multi-valued
dimensions included. So each cell is withheld or published the same way
whichever query returns it.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from django.conf import settings

from backend.consultations.scoring import TESTS
from backend.disclosure.counts import is_small
from backend.disclosure.policy import Policy
from backend.disclosure.reasons import ReasonCode, Withheld
from backend.disclosure.secondary import protect
from backend.findings.cube import Cell, Fact, Totals, equations

RESPONDENTS = "respondents"


def gap_measure(test: str) -> str:
    return f"gap_responses.{test}"


MEASURES = (RESPONDENTS, *(gap_measure(test) for test in TESTS))


@dataclass(frozen=True)
class FindingsPolicy:
    """The disclosure policy plus the findings' own minimums (docs/findings.md)."""

    policy: Policy
    min_proposals: int
    min_authorities: int

    @classmethod
    def from_settings(cls) -> FindingsPolicy:
        return cls(
            policy=Policy.from_settings(),
            min_proposals=settings.FINDINGS_MIN_PROPOSALS,
            min_authorities=settings.FINDINGS_MIN_AUTHORITIES,
        )

    def reason_dict(self, reason: Withheld) -> dict[str, object]:
        return reason.as_dict(
            threshold=self.policy.threshold,
            min_contributors=self.min_authorities,
            min_proposals=self.min_proposals,
        )


def measure_of(totals: Totals, measure: str) -> int:
    if measure == RESPONDENTS:
        return totals.respondents
    return totals.gap_count.get(measure.split(".", 1)[1], 0)


def _fact_measure(fact: Fact, measure: str) -> int:
    if measure == RESPONDENTS:
        return fact.respondents
    return fact.gap_count.get(measure.split(".", 1)[1], 0)


class _Judge:
    """Whether some cells, taken together, describe too few of one measure."""

    def __init__(
        self,
        cells: Mapping[Cell, Totals],
        facts: Sequence[Fact],
        measure: str,
        rules: FindingsPolicy,
    ) -> None:
        self.cells = cells
        self.facts = facts
        self.measure = measure
        self.rules = rules

    def reason(self, group: Collection[Cell]) -> Withheld | None:
        """Why the group cannot be published on its own, or None."""
        members: set[int] = set()
        count = 0
        for cell in group:
            totals = self.cells.get(cell)
            if totals is not None:
                members.update(totals.facts)
                count += measure_of(totals, self.measure)
        if count == 0:
            return None  # describes nobody
        if is_small(count, self.rules.policy):
            return Withheld(ReasonCode.SMALL_COUNT, self.measure)
        contributing = [
            self.facts[index] for index in members if _fact_measure(self.facts[index], self.measure)
        ]
        if len({fact.authority_id for fact in contributing}) < self.rules.min_authorities:
            return Withheld(ReasonCode.TOO_FEW_CONTRIBUTORS, "authorities")
        proposals = {(fact.authority_id, fact.proposal_id) for fact in contributing}
        if len(proposals) < self.rules.min_proposals:
            return Withheld(ReasonCode.TOO_FEW_PROPOSALS, "proposals")
        return None

    def disclosive(self, group: Collection[Cell]) -> bool:
        return self.reason(group) is not None


def withheld_cells(
    cells: Mapping[Cell, Totals], facts: Sequence[Fact], rules: FindingsPolicy
) -> dict[str, dict[Cell, Withheld]]:
    """For each measure, every withheld cell (complements included) with its reason."""
    system = equations()
    every_cell: set[Cell] = set(cells)
    for equation in system:
        every_cell.add(equation.total)
        every_cell.update(equation.parts)
    result: dict[str, dict[Cell, Withheld]] = {}
    for measure in MEASURES:
        judge = _Judge(cells, facts, measure, rules)
        values = {
            cell: measure_of(cells[cell], measure) if cell in cells else 0 for cell in every_cell
        }
        primary: dict[Cell, Withheld] = {}
        for cell in cells:
            reason = judge.reason([cell])
            if reason is not None:
                primary[cell] = reason
        hidden = protect(
            values, system, rules.policy, withheld=set(primary), disclosive=judge.disclosive
        )
        result[measure] = {
            cell: primary.get(cell, Withheld(ReasonCode.SECONDARY, measure)) for cell in hidden
        }
    return result
