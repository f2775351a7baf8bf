"""Counts: withhold small ones, round the rest, and follow a withheld count into every
figure derived from it (pure functions)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from backend.disclosure.policy import Policy
from backend.disclosure.reasons import ReasonCode, Withheld


@dataclass(frozen=True)
class Published:
    """A figure as published: its value, or None and the reason it is withheld."""

    value: float | None
    reason: Withheld | None = None

    @property
    def withheld(self) -> bool:
        return self.reason is not None


def is_small(count: int, policy: Policy) -> bool:
    """1..threshold: a zero describes nobody, so it is not small."""
    return 0 < count <= policy.threshold


def round_count(count: int, policy: Policy) -> int:
    """To the nearest multiple of the rounding base, halves up (8 → 10, 12 → 10, 13 → 15)."""
    base = policy.rounding_base
    if base <= 1:
        return count
    return math.floor(count / base + 0.5) * base


def publish_count(
    count: int | None, policy: Policy, *, basis: str, secondary: bool = False
) -> Published:
    """A count as anyone but its own authority may see it."""
    if count is None:
        return Published(None, Withheld(ReasonCode.BASIS_UNKNOWN, basis))
    if is_small(count, policy):
        return Published(None, Withheld(ReasonCode.SMALL_COUNT, basis))
    if secondary:
        return Published(None, Withheld(ReasonCode.SECONDARY, basis))
    return Published(round_count(count, policy))


def first_withheld(bases: Mapping[str, Published]) -> str | None:
    return next((name for name, published in bases.items() if published.withheld), None)


def publish_derived(
    value: float | None, *, bases: Mapping[str, Published], policy: Policy
) -> Published:
    """A share, mean, rate or cost computed from ``bases``: withheld if any basis is."""
    withheld = first_withheld(bases)
    if withheld is not None:
        return Published(None, Withheld(ReasonCode.DERIVED_FROM_WITHHELD, withheld))
    if value is None:
        return Published(None)
    return Published(round(float(value), policy.decimals))


def publish_rescaled(
    value: float | None,
    *,
    exact: Mapping[str, int],
    bases: Mapping[str, Published],
    numerator: str | None,
    denominator: str | None,
    policy: Policy,
    decimals: int | None = None,
) -> Published:
    """A ratio with a count above or below the line, recomputed from the *rounded* counts.

    An exact rate next to rounded counts would give the exact counts back (a
    response rate of 0.3333 with about 40 invited means 13 of 39); recomputing
    it from the published counts keeps the rounding's protection.
    """
    derived = publish_derived(value, bases=bases, policy=policy)
    if derived.withheld or value is None:
        return derived
    scaled = float(value)
    if numerator is not None and exact[numerator]:
        published_numerator = bases[numerator].value or 0
        scaled *= published_numerator / exact[numerator]
    if denominator is not None:
        published_denominator = bases[denominator].value or 0
        if not published_denominator:
            return Published(None)
        scaled *= exact[denominator] / published_denominator
    # Settle floating-point noise first (0.37499999 is 15/40) so halves round as they should.
    return Published(round(round(scaled, 9), policy.decimals if decimals is None else decimals))
