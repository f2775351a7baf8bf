"""Explicit state machines: a table of allowed moves, checked in one place."""

from __future__ import annotations

from collections.abc import Mapping

from backend.core.errors import InvalidTransition


class TransitionTable:
    """Allowed transitions of one entity's ``status``, keyed by current state."""

    def __init__(self, entity: str, table: Mapping[str, frozenset[str]]) -> None:
        self.entity = entity
        self.table = dict(table)

    def allowed_from(self, current: str) -> list[str]:
        return sorted(self.table.get(current, frozenset()))

    def check(self, current: str, requested: str) -> None:
        if requested not in self.table.get(current, frozenset()):
            raise InvalidTransition(self.entity, current, requested, self.allowed_from(current))

    def is_final(self, state: str) -> bool:
        return not self.table.get(state)
