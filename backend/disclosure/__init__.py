"""Disclosure control: the one layer every figure passes through before it leaves an
authority's own view (register summaries, results shown to others, benchmark tables,
comparisons, time series, charts and their CSVs, the observers' authority list).

The rules are pure functions over plain numbers (``counts``, ``categories``,
``secondary``, ``distribution``, ``bands``); ``consultation`` and ``figures`` apply
them to the two shapes the outputs publish. Thresholds come from settings through
``Policy.from_settings()``. See docs/disclosure.md for the rules and their defaults.
"""

from backend.disclosure.policy import Policy
from backend.disclosure.reasons import ReasonCode, Withheld

__all__ = ["Policy", "ReasonCode", "Withheld"]
