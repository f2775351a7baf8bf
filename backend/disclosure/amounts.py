"""Money per person: an amount divided by a count that disclosure control publishes."""

from __future__ import annotations

from decimal import Decimal

from backend.disclosure.counts import Published, first_withheld
from backend.disclosure.reasons import ReasonCode, Withheld

PENNY = Decimal("0.01")


def publish_amount_per_count(
    amount: Decimal, *, count: Published, basis: str
) -> tuple[Decimal | None, Withheld | None]:
    """``amount`` over the *published* (rounded) ``count``, or None and why.

    Withheld whenever the count is: the amount divided by the figure gives the
    count back (a cost of £1,200 at £400 a head is 3 people). Dividing by the
    rounded count, not the exact one, keeps that division from undoing the
    rounding. A published count of zero gives None with no reason (nobody to
    divide among, nothing withheld).
    """
    if first_withheld({basis: count}) is not None:
        return None, Withheld(ReasonCode.DERIVED_FROM_WITHHELD, basis)
    if not count.value:
        return None, None
    return (amount / Decimal(int(count.value))).quantize(PENNY), None
