"""Reads of the programme's records, and the funding position the coordinators watch."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from backend.programme.models import (
    ConsultationCost,
    Enrolment,
    FundingEntry,
    FundingEntryKind,
    Workshop,
)
from tenants.models import Authority

ZERO = Decimal("0.00")


def workshop_list() -> QuerySet[Workshop]:
    return Workshop.objects.annotate(enrolment_count=Count("enrolments"))


def enrolment_list() -> QuerySet[Enrolment]:
    return Enrolment.objects.select_related("workshop", "authority").prefetch_related("transitions")


def funding_entry_list() -> QuerySet[FundingEntry]:
    return FundingEntry.objects.select_related("authority")


@dataclass
class FundingLine:
    """One funder's (or one authority's) position in the ledger."""

    authority: Authority | None
    funder_name: str
    pledged: Decimal = ZERO
    received: Decimal = ZERO
    consultation_costs: Decimal = ZERO
    participants: int = 0
    proposals_consulted: int = 0

    @property
    def outstanding(self) -> Decimal:
        return max(self.pledged - self.received, ZERO)


@dataclass
class FundingPosition:
    """The programme's money: in, promised, spent on consultations, and what that bought.

    Exact figures: ``participants`` counts residents, so it (and anything per
    participant) leaves only through ``backend.programme.publication``.
    """

    pledged: Decimal
    received: Decimal
    consultation_costs: Decimal
    participants: int
    proposals_consulted: int
    lines: list[FundingLine] = field(default_factory=list)

    @property
    def outstanding(self) -> Decimal:
        return sum((line.outstanding for line in self.lines), ZERO)

    @property
    def balance(self) -> Decimal:
        return self.received - self.consultation_costs

    @property
    def cost_per_proposal(self) -> Decimal | None:
        if not self.proposals_consulted:
            return None
        return (self.consultation_costs / self.proposals_consulted).quantize(Decimal("0.01"))


def funding_position(*, on_or_before: date | None = None) -> FundingPosition:
    """Totals and one line per funder, from the ledger and the consultation cost copies.

    Four grouped queries whatever the number of funders or consultations.
    """
    entries = FundingEntry.objects.all()
    costs = ConsultationCost.objects.all()
    if on_or_before is not None:
        entries = entries.filter(on__lte=on_or_before)
        costs = costs.filter(closed_on__lte=on_or_before)
    pledge = Sum("amount", filter=Q(kind=FundingEntryKind.PLEDGE), default=ZERO)
    receipt = Sum("amount", filter=Q(kind=FundingEntryKind.RECEIPT), default=ZERO)

    lines: dict[tuple[int | None, str], FundingLine] = {}
    authorities = Authority.objects.in_bulk(
        set(entries.exclude(authority=None).values_list("authority_id", flat=True))
        | set(costs.values_list("authority_id", flat=True))
    )

    def line_for(authority_id: int | None, funder_name: str) -> FundingLine:
        key = (authority_id, "" if authority_id else funder_name)
        if key not in lines:
            lines[key] = FundingLine(
                authority=authorities.get(authority_id) if authority_id else None,
                funder_name=funder_name,
            )
        return lines[key]

    for row in entries.values("authority_id", "funder_name").annotate(p=pledge, r=receipt):
        line = line_for(row["authority_id"], row["funder_name"])
        line.pledged += row["p"]
        line.received += row["r"]
    for cost_row in costs.values("authority_id").annotate(
        c=Sum("cost", default=ZERO),
        n=Sum("participants", default=0),
        proposals=Count("proposal_id", distinct=True),
    ):
        line = line_for(cost_row["authority_id"], "")
        line.consultation_costs = cost_row["c"]
        line.participants = cost_row["n"]
        line.proposals_consulted = cost_row["proposals"]

    ordered = sorted(
        lines.values(),
        key=lambda line: (
            line.authority is None,
            (line.authority.name if line.authority else line.funder_name).lower(),
        ),
    )
    return FundingPosition(
        pledged=sum((line.pledged for line in ordered), ZERO),
        received=sum((line.received for line in ordered), ZERO),
        consultation_costs=sum((line.consultation_costs for line in ordered), ZERO),
        participants=sum(line.participants for line in ordered),
        proposals_consulted=sum(line.proposals_consulted for line in ordered),
        lines=ordered,
    )
