"""Why a figure is withheld, in a form a program can act on."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class ReasonCode(StrEnum):
    SMALL_COUNT = "small_count"
    DERIVED_FROM_WITHHELD = "derived_from_withheld"
    SECONDARY = "secondary"
    TOO_FEW_CONTRIBUTORS = "too_few_contributors"
    TOO_FEW_PROPOSALS = "too_few_proposals"
    QUASI_IDENTIFIER = "quasi_identifier"
    BASIS_UNKNOWN = "basis_unknown"


DETAILS = {
    ReasonCode.SMALL_COUNT: "The count is {threshold} or fewer.",
    ReasonCode.DERIVED_FROM_WITHHELD: "Computed from a withheld count ({basis}).",
    ReasonCode.SECONDARY: (
        "Withheld so that another withheld count cannot be recovered by subtraction."
    ),
    ReasonCode.TOO_FEW_CONTRIBUTORS: "Fewer than {min_contributors} authorities contribute.",
    ReasonCode.TOO_FEW_PROPOSALS: "Fewer than {min_proposals} proposals contribute.",
    ReasonCode.QUASI_IDENTIFIER: "Would identify an authority that is not named ({basis}).",
    ReasonCode.BASIS_UNKNOWN: "The count behind it is not recorded yet ({basis}).",
}


@dataclass(frozen=True)
class Withheld:
    """A withheld figure's reason: a code, and the count or attribute it rests on."""

    code: ReasonCode
    basis: str | None = None

    def as_dict(
        self, *, threshold: int = 7, min_contributors: int = 5, min_proposals: int = 5
    ) -> dict[str, Any]:
        detail = DETAILS[self.code].format(
            threshold=threshold,
            min_contributors=min_contributors,
            min_proposals=min_proposals,
            basis=self.basis or "",
        )
        return {"code": str(self.code), "basis": self.basis, "detail": detail}
