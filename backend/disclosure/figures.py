"""Named figures computed from counts (benchmark rows): publish each by its rule."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from backend.disclosure.counts import (
    Published,
    publish_count,
    publish_derived,
    publish_rescaled,
)
from backend.disclosure.policy import Policy
from backend.disclosure.reasons import ReasonCode, Withheld


@dataclass(frozen=True)
class FigureRule:
    """How one figure relates to the counts behind it.

    ``count``: the figure *is* this count (published rounded, withheld when small).
    ``bases``: the counts it is derived from; withheld when any of them is.
    ``numerator``/``denominator``: a count above or below the line, so the
    figure is recomputed from the rounded count (rates, cost per participant,
    per-100k). ``per_population``: divided by the authority's population, which
    it would reveal for an authority that is not named.
    """

    key: str
    count: str | None = None
    bases: tuple[str, ...] = ()
    numerator: str | None = None
    denominator: str | None = None
    per_population: bool = False
    decimals: int | None = None


@dataclass(frozen=True)
class Audience:
    """Who sees one authority's figures: itself (exact) or someone else."""

    own: bool
    pseudonymous: bool


OWN = Audience(own=True, pseudonymous=False)


def publish_figure(
    rule: FigureRule,
    value: Any,
    *,
    counts: Mapping[str, int],
    secondary: Collection[str],
    audience: Audience,
    policy: Policy,
) -> Published:
    """One figure of one authority as ``audience`` may see it."""
    if audience.own:
        return Published(value)
    if rule.per_population and audience.pseudonymous:
        return Published(None, Withheld(ReasonCode.QUASI_IDENTIFIER, "population"))

    def count(name: str) -> Published:
        return publish_count(counts.get(name), policy, basis=name, secondary=name in secondary)

    if rule.count is not None:
        return count(rule.count)
    bases = {name: count(name) for name in rule.bases}
    if rule.numerator or rule.denominator:
        return publish_rescaled(
            value,
            exact=counts,
            bases=bases,
            numerator=rule.numerator,
            denominator=rule.denominator,
            policy=policy,
            decimals=rule.decimals,
        )
    return publish_derived(value, bases=bases, policy=policy)


def publish_figures(
    figures: Mapping[str, Any],
    *,
    rules: Mapping[str, FigureRule],
    counts: Mapping[str, int],
    secondary: Collection[str],
    audience: Audience,
    policy: Policy,
) -> tuple[dict[str, Any], dict[str, Withheld]]:
    """Every catalogued figure as ``audience`` may see it, and why any are withheld.

    A figure without a rule is not published to anyone but its own authority
    (fail closed: a figure added to the computation without a rule stays home).
    """
    if audience.own:
        return dict(figures), {}
    shown: dict[str, Any] = {}
    reasons: dict[str, Withheld] = {}
    for key, value in figures.items():
        rule = rules.get(key)
        if rule is None:
            continue
        published = publish_figure(
            rule, value, counts=counts, secondary=secondary, audience=audience, policy=policy
        )
        shown[key] = published.value
        if published.reason is not None:
            reasons[key] = published.reason
    return shown, reasons


NAMED = Audience(own=False, pseudonymous=False)


def published_document(
    figures: Mapping[str, Any],
    *,
    rules: Mapping[str, FigureRule],
    counts: Mapping[str, int],
    secondary: Collection[str],
    policy: Policy,
) -> dict[str, Any]:
    """The figures as someone who knows the authority's name may see them, with reasons,
    as a JSON document to store beside the exact figures (computed once, read often)."""
    shown, reasons = publish_figures(
        figures, rules=rules, counts=counts, secondary=secondary, audience=NAMED, policy=policy
    )
    return {
        "figures": shown,
        "withheld": {
            key: {"code": str(reason.code), "basis": reason.basis}
            for key, reason in reasons.items()
        },
    }


def from_document(
    document: Mapping[str, Any],
    *,
    rules: Mapping[str, FigureRule],
    audience: Audience,
) -> tuple[dict[str, Any], dict[str, Withheld]]:
    """Read a stored ``published_document`` for ``audience`` (not the authority itself).

    For an authority the audience does not know by name, the figures divided by
    its population are withheld as well. A missing document withholds everything.
    """
    figures = dict(document.get("figures") or {})
    reasons = {
        key: Withheld(ReasonCode(reason["code"]), reason.get("basis"))
        for key, reason in (document.get("withheld") or {}).items()
    }
    if not document:
        unknown = Withheld(ReasonCode.BASIS_UNKNOWN, "published")
        return {key: None for key in rules}, {key: unknown for key in rules}
    if audience.pseudonymous:
        for key in figures:
            rule = rules.get(key)
            if rule is not None and rule.per_population:
                figures[key] = None
                reasons[key] = Withheld(ReasonCode.QUASI_IDENTIFIER, "population")
    return figures, reasons
