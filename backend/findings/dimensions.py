"""The scenario dimensions findings can be cut by, and the values each fact has in them.

Single-valued dimensions put each consultation in exactly one value; the
multi-valued ones (data kind, partner type, service area) put it in every
value its proposal has, so their cells overlap and do not add up to the total:
a cell means "proposals that include this value" (docs/findings.md, counting
rule). Only controlled attributes are dimensions: free text (a data
category's name, a partner's name) never is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from backend.proposals.models import (
    DataKind,
    Direction,
    Frequency,
    LegalGateway,
    PartnerType,
    ServiceArea,
)

NONE = "none"
YES_NO = (("yes", "Yes"), ("no", "No"))


@dataclass(frozen=True)
class Dimension:
    key: str
    label: str
    choices: tuple[tuple[str, str], ...]
    multi_valued: bool
    values_of: Callable[[Any], tuple[str, ...]]

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(value for value, _ in self.choices)


def _flag(name: str) -> Callable[[Any], tuple[str, ...]]:
    return lambda fact: ("yes" if getattr(fact, name) else "no",)


def _single(name: str) -> Callable[[Any], tuple[str, ...]]:
    return lambda fact: (getattr(fact, name),)


def _many(name: str, empty: str) -> Callable[[Any], tuple[str, ...]]:
    return lambda fact: tuple(sorted(set(getattr(fact, name)))) or (empty,)


DIMENSIONS: dict[str, Dimension] = {
    dimension.key: dimension
    for dimension in (
        Dimension(
            "data_kind",
            "Kind of data shared",
            tuple(DataKind.choices),
            True,
            _many("data_kinds", DataKind.UNSPECIFIED),
        ),
        Dimension(
            "special_category",
            "Special category data (UK GDPR Article 9)",
            YES_NO,
            False,
            _flag("special_category"),
        ),
        Dimension(
            "criminal_offence",
            "Criminal offence data (UK GDPR Article 10)",
            YES_NO,
            False,
            _flag("criminal_offence"),
        ),
        Dimension(
            "partner_type",
            "Type of partner organisation",
            (*PartnerType.choices, (NONE, "No partner recorded")),
            True,
            _many("partner_types", NONE),
        ),
        Dimension(
            "direction",
            "Direction of sharing",
            tuple(Direction.choices),
            False,
            _single("direction"),
        ),
        Dimension(
            "frequency",
            "Frequency of sharing",
            tuple(Frequency.choices),
            False,
            _single("frequency"),
        ),
        Dimension(
            "service_area",
            "Service area",
            (*ServiceArea.choices, (NONE, "No service area recorded")),
            True,
            _many("service_areas", NONE),
        ),
        Dimension(
            "legal_gateway",
            "Legal gateway",
            tuple(LegalGateway.choices),
            False,
            _single("legal_gateway"),
        ),
    )
}
