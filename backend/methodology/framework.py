"""The framework's three tests and five features, with default scoring rules.

A blank draft starts from these; the 1.0 seed migration carries its own frozen
copy so that later edits here never change what the migration created.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TypedDict


class CriterionDefault(TypedDict):
    kind: str
    key: str
    name: str
    description: str
    order: int
    met_threshold: Decimal
    partly_met_threshold: Decimal
    lowest_required_means_not_met: bool


def _criterion(kind: str, order: int, key: str, name: str, description: str) -> CriterionDefault:
    return {
        "kind": kind,
        "key": key,
        "name": name,
        "description": description,
        "order": order,
        "met_threshold": Decimal("0.750"),
        "partly_met_threshold": Decimal("0.500"),
        "lowest_required_means_not_met": True,
    }


DEFAULT_CRITERIA: list[CriterionDefault] = [
    _criterion(
        "test",
        1,
        "purposeful",
        "Purposeful",
        "The sharing has a clear, specific aim that serves people and the public.",
    ),
    _criterion(
        "test",
        2,
        "proportionate",
        "Proportionate",
        "Only the data needed is shared, and no less intrusive way would do the job.",
    ),
    _criterion(
        "test",
        3,
        "responsible",
        "Responsible",
        "The data is handled lawfully, securely and openly, with the public involved.",
    ),
    _criterion(
        "feature",
        1,
        "better_services",
        "Better services and outcomes",
        "Services improve in quality and people's lives and wellbeing get better as a result.",
    ),
    _criterion(
        "feature",
        2,
        "wider_public_good",
        "Good for the wider public",
        "The gains reach society at large, beyond the individuals whose data is used.",
    ),
    _criterion(
        "feature",
        3,
        "respects_individuals",
        "Respect for the individual",
        "How the data is used, and why, treats each person with respect.",
    ),
    _criterion(
        "feature",
        4,
        "public_resources",
        "Good use of public resources",
        "Money, staff time and effort are spent well on what people need from services.",
    ),
    _criterion(
        "feature",
        5,
        "tangible_benefits",
        "Benefits that are real and valued",
        "Providers and the public can see the benefits, recognise them and value them.",
    ),
]

TEST_KEYS = [c["key"] for c in DEFAULT_CRITERIA if c["kind"] == "test"]
FEATURE_KEYS = [c["key"] for c in DEFAULT_CRITERIA if c["kind"] == "feature"]
