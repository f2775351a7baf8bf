"""The numbers the rules use, read from settings (documented in docs/disclosure.md)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Policy:
    """Thresholds of the disclosure rules.

    ``threshold``: a count of 1..threshold people (or things) is withheld.
    ``rounding_base``: published counts are rounded to the nearest multiple of it.
    ``min_contributors``: distribution statistics need at least this many authorities.
    ``decimals``: published shares, means and rates carry at most this many decimals.
    """

    threshold: int = 7
    rounding_base: int = 5
    min_contributors: int = 5
    decimals: int = 2

    @classmethod
    def from_settings(cls) -> Policy:
        from django.conf import settings

        return cls(
            threshold=settings.DISCLOSURE_THRESHOLD,
            rounding_base=settings.DISCLOSURE_ROUNDING_BASE,
            min_contributors=settings.DISCLOSURE_MIN_CONTRIBUTORS,
            decimals=settings.DISCLOSURE_DECIMALS,
        )
