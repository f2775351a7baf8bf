"""The funding position as the coordinators see it: its people counts through disclosure control.

The ledger's money is the programme's own, but the number of people who
responded to each authority's consultations is a count of residents, and the
cost per participant is derived from it, so both leave the authorities the way
every programme-wide figure does (docs/disclosure.md): a count of 1..threshold
is withheld with its reason, the others are rounded, the total is protected by
secondary suppression (total minus the published lines must not give a
withheld line back), and a cost per participant is computed from the rounded
count and withheld with it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from backend.disclosure.amounts import publish_amount_per_count
from backend.disclosure.counts import Published, publish_count
from backend.disclosure.policy import Policy
from backend.disclosure.reasons import Withheld
from backend.disclosure.secondary import Equation, protect
from backend.programme.selectors import FundingLine, FundingPosition, funding_position

PARTICIPANTS = "participants"
COST_PER_PARTICIPANT = "cost_per_participant"
TOTAL = "total"


@dataclass(frozen=True)
class PublishedFundingLine:
    """One funder's line with its people figures as published (money exact)."""

    line: FundingLine
    participants: int | None
    cost_per_participant: Decimal | None
    withheld: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class PublishedFundingPosition:
    """The programme's position with its people figures as published (money exact)."""

    position: FundingPosition
    participants: int | None
    cost_per_participant: Decimal | None
    lines: list[PublishedFundingLine]
    withheld: dict[str, dict[str, Any]] = field(default_factory=dict)


def _people_figures(
    participants: int, costs: Decimal, *, secondary: bool, policy: Policy
) -> tuple[int | None, Decimal | None, dict[str, dict[str, Any]]]:
    count = publish_count(participants, policy, basis=PARTICIPANTS, secondary=secondary)
    per_person, per_person_reason = publish_amount_per_count(costs, count=count, basis=PARTICIPANTS)
    reasons: dict[str, Withheld] = {}
    if count.reason is not None:
        reasons[PARTICIPANTS] = count.reason
    if per_person_reason is not None:
        reasons[COST_PER_PARTICIPANT] = per_person_reason
    withheld = {
        key: reason.as_dict(threshold=policy.threshold, min_contributors=policy.min_contributors)
        for key, reason in reasons.items()
    }
    return _as_int(count), per_person, withheld


def _as_int(count: Published) -> int | None:
    return None if count.value is None else int(count.value)


def funding_position_published(
    *, on_or_before: date | None = None, policy: Policy | None = None
) -> PublishedFundingPosition:
    """``funding_position`` with every people count and cost per participant published."""
    policy = policy or Policy.from_settings()
    position = funding_position(on_or_before=on_or_before)
    cells: dict[Any, int] = {index: line.participants for index, line in enumerate(position.lines)}
    cells[TOTAL] = position.participants
    hidden = protect(cells, [Equation(TOTAL, tuple(range(len(position.lines))))], policy)

    lines = []
    for index, line in enumerate(position.lines):
        participants, per_person, withheld = _people_figures(
            line.participants,
            line.consultation_costs,
            secondary=index in hidden,
            policy=policy,
        )
        lines.append(PublishedFundingLine(line, participants, per_person, withheld))
    participants, per_person, withheld = _people_figures(
        position.participants,
        position.consultation_costs,
        secondary=TOTAL in hidden,
        policy=policy,
    )
    return PublishedFundingPosition(position, participants, per_person, lines, withheld)
