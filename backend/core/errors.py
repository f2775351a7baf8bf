"""Domain errors raised by services; the API layer maps each to one HTTP status."""

from __future__ import annotations

from collections.abc import Iterable


class DomainError(Exception):
    """Base for errors a client caused and can act on."""

    code = "domain_error"


class InvalidTransition(DomainError):
    """A state change that the entity's transition table does not allow (HTTP 409)."""

    code = "illegal_transition"

    def __init__(self, entity: str, current: str, requested: str, allowed: Iterable[str]) -> None:
        self.entity = entity
        self.current = current
        self.requested = requested
        self.allowed = sorted(allowed)
        super().__init__(
            f"A {entity} cannot go from '{current}' to '{requested}'. "
            f"From '{current}' it can go to: {', '.join(self.allowed) or 'nothing (final state)'}."
        )


class Conflict(DomainError):
    """The request is valid but clashes with the current state (HTTP 409)."""

    code = "conflict"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        if code:
            self.code = code
        super().__init__(message)


class Gone(DomainError):
    """The thing existed but can no longer be acted on (HTTP 410)."""

    code = "gone"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        if code:
            self.code = code
        super().__init__(message)
